import { HarborError } from '../common/harbor-error.js';

/**
 * Harbor's project metadata: a string map stored in `project.metadata`. Berth stores these keys
 * now even where the feature comes later, with Harbor's string values.
 */
export const BOOLEAN_METADATA_KEYS = [
  'public',
  'auto_scan',
  'prevent_vul',
  'reuse_sys_cve_allowlist',
  'enable_content_trust',
  'enable_content_trust_cosign',
  'auto_sbom_generation',
] as const;

export const SEVERITY_VALUES = ['none', 'low', 'medium', 'high', 'critical'] as const;

export const METADATA_KEYS = [...BOOLEAN_METADATA_KEYS, 'severity'] as const;
export type MetadataKey = (typeof METADATA_KEYS)[number];

/**
 * Keys of Harbor's ProjectMetadata that only proxy-cache projects or retention policies use.
 * Harbor ignores them on a normal project; Berth accepts and ignores them too, so Harbor clients
 * sending a full ProjectMetadata are not refused.
 */
export const IGNORED_METADATA_KEYS = [
  'retention_id',
  'proxy_speed_kb',
  'max_upstream_conn',
  'proxy_cache_local_on_not_found',
  'proxy_referrer_api',
  'proxy_cache_filter_pattern',
  'proxy_cache_filter_kind',
] as const;

export type ProjectMetadata = Partial<Record<MetadataKey, string>>;

const BOOLEAN_KEYS = new Set<string>(BOOLEAN_METADATA_KEYS);

// Go's strconv.ParseBool, which Harbor uses for these values.
const TRUE_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_VALUES = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function isMetadataKey(key: string): key is MetadataKey {
  return (METADATA_KEYS as readonly string[]).includes(key);
}

/** Harbor's stored form of one value (`"true"`/`"false"`, a lower-case severity), or a 400. */
export function normalizeMetadataValue(key: string, value: unknown): string {
  if (!isMetadataKey(key)) {
    throw HarborError.badRequest(
      `invalid metadata key "${truncate(key)}"; known keys: ${METADATA_KEYS.join(', ')}`,
    );
  }
  if (typeof value === 'boolean' && BOOLEAN_KEYS.has(key)) return String(value);
  if (typeof value !== 'string') throw HarborError.badRequest(`metadata ${key} must be a string`);
  if (BOOLEAN_KEYS.has(key)) {
    if (TRUE_VALUES.has(value)) return 'true';
    if (FALSE_VALUES.has(value)) return 'false';
    throw HarborError.badRequest(
      `invalid value "${truncate(value)}" for metadata ${key}: use "true" or "false"`,
    );
  }
  const severity = value.toLowerCase();
  if (!(SEVERITY_VALUES as readonly string[]).includes(severity)) {
    throw HarborError.badRequest(
      `invalid value "${truncate(value)}" for metadata severity: use one of ${SEVERITY_VALUES.join(', ')}`,
    );
  }
  return severity;
}

/** Validates and normalizes a metadata map, skipping null values and keys Harbor ignores. */
export function normalizeMetadata(input: Record<string, unknown>): ProjectMetadata {
  const result: ProjectMetadata = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    if ((IGNORED_METADATA_KEYS as readonly string[]).includes(key)) continue;
    result[key as MetadataKey] = normalizeMetadataValue(key, value);
  }
  return result;
}

function truncate(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
