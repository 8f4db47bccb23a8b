import type { BlobDriver } from './blob-driver.js';
import { newHash, parseDigest } from './digest.js';

/**
 * What a registry UI shows about an artifact without opening its layers: a few fields of its
 * config blob. Read once, when the manifest is pushed, so listings never touch storage.
 *
 * - Image configs (OCI and Docker v2): `architecture`, `os`, `author`, `created` and `config`
 *   (the runtime config: env, cmd, labels…). `author` falls back to the
 *   `org.opencontainers.image.authors` or `maintainer` label, as Docker's MAINTAINER is deprecated.
 * - Helm chart configs: every field (they are Chart.yaml as JSON: name, version, appVersion,
 *   dependencies…).
 * - Anything else: none (null).
 */
export type ConfigAttributes = Record<string, unknown>;

export const IMAGE_CONFIG_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
];

export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';

/** Configs larger than this are not read: real image and chart configs are a few KiB. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const AUTHOR_LABELS = ['org.opencontainers.image.authors', 'maintainer'];

/** Whether a config of this media type has attributes worth reading. */
export function hasConfigAttributes(configMediaType: string | undefined): boolean {
  return (
    configMediaType !== undefined &&
    (IMAGE_CONFIG_MEDIA_TYPES.includes(configMediaType) || configMediaType === HELM_CONFIG_MEDIA_TYPE)
  );
}

/** The attributes of a parsed config document of the given media type. */
export function configAttributes(configMediaType: string, config: Record<string, unknown>): ConfigAttributes {
  if (configMediaType === HELM_CONFIG_MEDIA_TYPE) return config;
  const runtime = isRecord(config.config) ? config.config : {};
  let author = typeof config.author === 'string' ? config.author : '';
  if (author === '' && isRecord(runtime.Labels)) {
    const labels = runtime.Labels;
    author =
      AUTHOR_LABELS.map((key) => labels[key]).find((v): v is string => typeof v === 'string' && v !== '') ??
      '';
  }
  return {
    architecture: typeof config.architecture === 'string' ? config.architecture : '',
    os: typeof config.os === 'string' ? config.os : '',
    author,
    created: typeof config.created === 'string' ? config.created : null,
    config: runtime,
  };
}

/** The config descriptor of an image manifest payload, if it has one. */
export function configDescriptor(
  payload: Buffer,
): { mediaType: string; digest: string; size: number } | null {
  let document: unknown;
  try {
    document = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(document) || !isRecord(document.config)) return null;
  const { mediaType, digest, size } = document.config;
  if (typeof mediaType !== 'string' || typeof digest !== 'string' || typeof size !== 'number') return null;
  return { mediaType, digest, size };
}

/** A config blob read as JSON: missing from storage, present but unusable, or its document. */
export type ConfigDocument =
  { status: 'missing' } | { status: 'unusable' } | { status: 'ok'; document: Record<string, unknown> };

/**
 * Reads a config blob as a JSON object: at most `MAX_CONFIG_BYTES`, digest verified while it
 * streams. Too large, not matching its digest or not a JSON object is `unusable`.
 */
export async function readConfigDocument(blobs: BlobDriver, digest: string): Promise<ConfigDocument> {
  const parsed = parseDigest(digest);
  if (!parsed) return { status: 'unusable' };
  const stat = await blobs.stat(digest);
  if (!stat) return { status: 'missing' };
  if (stat.size > MAX_CONFIG_BYTES) return { status: 'unusable' };
  const stream = await blobs.read(digest);
  if (!stream) return { status: 'missing' };
  const hash = newHash(parsed.algorithm);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > MAX_CONFIG_BYTES) return { status: 'unusable' };
      hash.update(chunk);
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  if (`${parsed.algorithm}:${hash.digest('hex')}` !== digest) return { status: 'unusable' };
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return isRecord(value) ? { status: 'ok', document: value } : { status: 'unusable' };
  } catch {
    return { status: 'unusable' };
  }
}

/**
 * The attributes of an image manifest's config, read from storage. Null when its config kind has
 * none, or when the blob is not in storage (yet) or cannot be read, so a later reader may retry;
 * `{}` when the config is there but unusable, so nobody reads it again. Never throws.
 */
export async function readConfigAttributes(
  blobs: BlobDriver,
  payload: Buffer,
): Promise<ConfigAttributes | null> {
  const descriptor = configDescriptor(payload);
  if (!descriptor || !hasConfigAttributes(descriptor.mediaType)) return null;
  if (descriptor.size > MAX_CONFIG_BYTES) return {};
  try {
    const read = await readConfigDocument(blobs, descriptor.digest);
    if (read.status === 'missing') return null;
    return read.status === 'ok' ? configAttributes(descriptor.mediaType, read.document) : {};
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
