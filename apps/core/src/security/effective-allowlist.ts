import type { CveAllowlistDto } from './cve-allowlist.dto.js';

/** What a scan of a project's artifacts may ignore, and which list that came from. */
export interface EffectiveAllowlist {
  source: 'system' | 'project';
  cveIds: Set<string>;
}

/**
 * The allowlist a scan honours (Harbor's rule): the system's when the project's metadata says
 * `reuse_sys_cve_allowlist: "true"`, else the project's own; nothing once that list has expired
 * (`expires_at`, seconds since the epoch, at or before `now`).
 */
export function effectiveAllowlist(
  metadata: Record<string, string>,
  system: CveAllowlistDto,
  project: CveAllowlistDto,
  now: Date = new Date(),
): EffectiveAllowlist {
  const source = metadata.reuse_sys_cve_allowlist === 'true' ? 'system' : 'project';
  const list = source === 'system' ? system : project;
  const expired = list.expires_at !== undefined && list.expires_at * 1000 <= now.getTime();
  return { source, cveIds: new Set(expired ? [] : list.items.map((item) => item.cve_id)) };
}
