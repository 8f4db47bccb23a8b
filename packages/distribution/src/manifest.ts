import { parseDigest } from './digest.js';
import { RegistryError } from './errors.js';
import type { BlobRecord } from './metadata-store.js';

export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

const IMAGE_MANIFEST_TYPES = new Set<string>([MediaType.OciManifest, MediaType.DockerManifest]);
const INDEX_TYPES = new Set<string>([MediaType.OciIndex, MediaType.DockerManifestList]);
const SCHEMA1_TYPES = new Set<string>([MediaType.DockerSchema1, MediaType.DockerSchema1Signed]);

/** Layers a registry never holds: their bytes live at the descriptor's `urls`. */
const NON_DISTRIBUTABLE_LAYER = /(foreign|nondistributable)/;

export function isManifestMediaType(mediaType: string): boolean {
  return IMAGE_MANIFEST_TYPES.has(mediaType) || INDEX_TYPES.has(mediaType);
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ParsedManifest {
  mediaType: string;
  artifactType: string | null;
  subjectDigest: string | null;
  annotations: Record<string, string> | null;
  blobs: BlobRecord[];
  manifests: BlobRecord[];
}

/**
 * Validates a manifest body against the media type it was sent with and lists what it references.
 * Everything wrong answers MANIFEST_INVALID with a message that says what.
 */
export function parseManifest(payload: Buffer, contentType: string | undefined): ParsedManifest {
  let document: unknown;
  try {
    document = JSON.parse(payload.toString('utf8'));
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (!isRecord(document)) throw invalid('manifest must be a JSON object');

  const declared = typeof document.mediaType === 'string' ? document.mediaType : undefined;
  const sent = contentType ? contentType.split(';')[0]!.trim().toLowerCase() : undefined;
  if (SCHEMA1_TYPES.has(sent ?? '') || SCHEMA1_TYPES.has(declared ?? '') || document.schemaVersion === 1) {
    throw invalid('Docker schema1 manifests are not supported; push an OCI or Docker schema2 manifest');
  }
  const mediaType = sent && isManifestMediaType(sent) ? sent : declared;
  if (!mediaType || !isManifestMediaType(mediaType)) {
    throw invalid(`unsupported manifest media type: ${sent ?? declared ?? '(none)'}`);
  }
  if (declared !== undefined && declared !== mediaType) {
    throw invalid(`manifest mediaType ${declared} does not match Content-Type ${mediaType}`);
  }
  if (document.schemaVersion !== 2) throw invalid('manifest schemaVersion must be 2');

  const annotations = parseAnnotations(document.annotations, 'annotations');
  const subject = document.subject === undefined ? undefined : parseDescriptor(document.subject, 'subject');
  const artifactTypeField = optionalString(document.artifactType, 'artifactType');

  if (IMAGE_MANIFEST_TYPES.has(mediaType)) {
    if ('manifests' in document) throw invalid('an image manifest has no "manifests" field');
    const config = parseDescriptor(document.config, 'config');
    if (!Array.isArray(document.layers)) throw invalid('manifest "layers" must be an array');
    const layers = document.layers.map((layer, index) => parseDescriptor(layer, `layers[${index}]`));
    const blobs = uniqueByDigest([
      config,
      ...layers.filter((layer) => !(layer.urls?.length && NON_DISTRIBUTABLE_LAYER.test(layer.mediaType))),
    ]);
    return {
      mediaType,
      artifactType: artifactTypeField ?? config.mediaType,
      subjectDigest: subject?.digest ?? null,
      annotations,
      blobs,
      manifests: [],
    };
  }

  if ('layers' in document || 'config' in document)
    throw invalid('an image index has no "layers" or "config"');
  if (!Array.isArray(document.manifests)) throw invalid('index "manifests" must be an array');
  const children = document.manifests.map((child, index) => parseDescriptor(child, `manifests[${index}]`));
  return {
    mediaType,
    artifactType: artifactTypeField ?? null,
    subjectDigest: subject?.digest ?? null,
    annotations,
    blobs: [],
    manifests: uniqueByDigest(children),
  };
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isRecord(value)) throw invalid(`${where} must be a descriptor object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType.length === 0)
    throw invalid(`${where}.mediaType is required`);
  if (typeof digest !== 'string' || !parseDigest(digest))
    throw invalid(`${where}.digest is not a valid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid(`${where}.size must be a non-negative integer`);
  }
  const descriptor: Descriptor = { mediaType, digest, size };
  if (value.urls !== undefined) {
    if (!Array.isArray(value.urls) || !value.urls.every((url) => typeof url === 'string')) {
      throw invalid(`${where}.urls must be an array of strings`);
    }
    descriptor.urls = value.urls as string[];
  }
  return descriptor;
}

function parseAnnotations(value: unknown, where: string): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value) || !Object.values(value).every((entry) => typeof entry === 'string')) {
    throw invalid(`${where} must map strings to strings`);
  }
  return value as Record<string, string>;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${where} must be a non-empty string`);
  return value;
}

function uniqueByDigest(descriptors: Descriptor[]): BlobRecord[] {
  const seen = new Map<string, BlobRecord>();
  for (const { digest, size } of descriptors) {
    const known = seen.get(digest);
    if (known && known.size !== size) throw invalid(`descriptors of ${digest} disagree on its size`);
    seen.set(digest, { digest, size });
  }
  return [...seen.values()];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', message);
}
