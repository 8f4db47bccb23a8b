import type { BlobDriver } from './blob-driver.js';
import { type ChangeOrigin, RegistryEventFactory } from './change-origin.js';
import { readConfigAttributes } from './config-attributes.js';
import { digestOf, parseDigest, requireDigest } from './digest.js';
import { RegistryError } from './errors.js';
import type { RegistryEvent } from './event-sink.js';
import { parseManifest } from './manifest.js';
import { guardedBlob } from './metadata-store.js';
import type {
  ManifestDescriptor,
  CommitManifestResult,
  ManifestReference,
  MetadataStore,
  NewManifest,
  ReferrerDescriptor,
  StoredManifest,
} from './metadata-store.js';
import { isValidTag } from './repository-name.js';
import { requireTagChange, type TagPolicy } from './tag-policy.js';

/** Accessories of accessories, children of children: deeper than this is refused as malformed. */
const MAX_COPY_DEPTH = 8;

/** A manifest to store: its bytes as sent, the media type they were sent with, and its tags. */
export interface ManifestUpload {
  payload: Buffer;
  contentType: string | undefined;
  /** Digest the client addressed it by (`PUT …/manifests/<digest>`), checked against the bytes. */
  digest?: string;
  /** Tags to point at it, committed in the manifest's transaction (`PUT …/manifests/<tag>?tag=…`). */
  tags: string[];
}

export interface StoredManifestResult {
  digest: string;
  mediaType: string;
  subjectDigest: string | null;
}

/**
 * Manifests: read by tag or digest, stored with their references and tags in one transaction,
 * deleted, copied between repositories (children, blobs and accessories with them) and listed as
 * referrers. Every change records its events in the store's transaction.
 */
export class ManifestService {
  constructor(
    private readonly blobs: BlobDriver,
    private readonly metadata: MetadataStore,
    private readonly events: RegistryEventFactory = new RegistryEventFactory(),
    private readonly tagPolicy?: TagPolicy,
  ) {}

  /** What `HEAD` answers: a manifest's digest, media type and size, without reading its bytes. */
  async describe(repository: string, reference: string): Promise<ManifestDescriptor> {
    const ref = manifestReference(reference);
    return found(ref && (await this.metadata.getManifestDescriptor(repository, ref)), repository, reference);
  }

  /** A manifest by tag or digest (as `/v2/` references it); MANIFEST_UNKNOWN when there is none. */
  async get(repository: string, reference: string): Promise<StoredManifest & { tag?: string }> {
    const ref = manifestReference(reference);
    const manifest = found(ref && (await this.metadata.getManifest(repository, ref)), repository, reference);
    return 'tag' in ref! ? { ...manifest, tag: ref.tag } : manifest;
  }

  /**
   * Validates and stores a manifest with its tags. MANIFEST_INVALID for a bad tag or body,
   * DIGEST_INVALID when the bytes do not match the digest addressed, MANIFEST_BLOB_UNKNOWN when it
   * references what the repository lacks, DENIED when the store's policy (quota) refuses it or a
   * tag it names is immutable and points at another manifest (ImmutableTagError).
   */
  async put(repository: string, upload: ManifestUpload, origin: ChangeOrigin): Promise<StoredManifestResult> {
    for (const tag of upload.tags) {
      if (!isValidTag(tag)) throw new RegistryError('MANIFEST_INVALID', `invalid tag: ${tag.slice(0, 200)}`);
    }
    const addressed = upload.digest === undefined ? null : requireDigest(upload.digest);
    const digest = digestOf(upload.payload, addressed?.algorithm ?? 'sha256');
    if (upload.digest !== undefined && digest !== upload.digest) {
      throw new RegistryError('DIGEST_INVALID', `manifest digest ${digest} does not match ${upload.digest}`);
    }
    const parsed = parseManifest(upload.payload, upload.contentType);
    const manifest: NewManifest = {
      digest,
      mediaType: parsed.mediaType,
      artifactType: parsed.artifactType,
      size: upload.payload.length,
      payload: upload.payload,
      subjectDigest: parsed.subjectDigest,
      annotations: parsed.annotations,
      blobs: parsed.blobs,
      manifests: parsed.manifests,
      // Read before the commit so the attributes land in the same transaction as the manifest.
      // The config's bytes are not yet known to be linked to this repository; the commit checks
      // that and stores nothing when they are not, so nothing read here leaks.
      extraAttrs:
        parsed.manifests.length === 0 ? await readConfigAttributes(this.blobs, upload.payload) : null,
    };
    if (upload.tags.length > 0) {
      await requireTagChange(this.tagPolicy, repository, { kind: 'push', digest, tags: upload.tags });
    }
    const events = this.pushEvents(origin, repository, manifest, upload.tags, 'artifact');
    requireCommitted(
      await this.metadata.commitManifest(repository, manifest, upload.tags, events),
      repository,
    );
    return { digest, mediaType: parsed.mediaType, subjectDigest: parsed.subjectDigest };
  }

  /**
   * Deletes a manifest and the tags on it. `addressedTag` names the tag the caller reached it by,
   * for the event. MANIFEST_UNKNOWN when there is no such manifest; ImmutableTagError when a tag on
   * it is immutable.
   */
  async delete(
    repository: string,
    digest: string,
    origin: ChangeOrigin,
    addressedTag?: string,
    options?: { untaggedOnly?: boolean },
  ): Promise<void> {
    requireDigest(digest);
    await requireTagChange(this.tagPolicy, repository, { kind: 'delete-manifest', digest });
    const event = this.events.create(origin, 'delete', 'artifact', {
      repository,
      digest,
      ...(addressedTag ? { tag: addressedTag } : {}),
    });
    if (!(await this.metadata.deleteManifest(repository, digest, [event], options))) {
      throw new RegistryError(
        'MANIFEST_UNKNOWN',
        options?.untaggedOnly
          ? `manifest ${digest} of ${repository} is gone, tagged or listed by an index`
          : `manifest ${digest} not found in ${repository}`,
      );
    }
  }

  /**
   * Copies a manifest of `source` into `target` with what it needs: its blobs (linked, no bytes
   * move), its children (for an index) and its accessories (manifests whose subject it is), then
   * points `tags` at it. The copy of the artifact and its tags commit in one transaction; children
   * and accessories are committed first, each on its own. ImmutableTagError, before anything is
   * copied, when one of `tags` is immutable in `target` and points at another manifest.
   */
  async copy(
    source: string,
    digest: string,
    target: string,
    tags: string[],
    origin: ChangeOrigin,
  ): Promise<void> {
    if (tags.length > 0) await requireTagChange(this.tagPolicy, target, { kind: 'push', digest, tags });
    await this.copyDeep(source, digest, target, tags, origin, 0);
  }

  /** Manifests in `repository` whose subject is `digest`, optionally of one artifact type. */
  referrers(repository: string, digest: string, artifactType?: string): Promise<ReferrerDescriptor[]> {
    requireDigest(digest);
    return this.metadata.listReferrers(repository, digest, artifactType);
  }

  private async copyDeep(
    source: string,
    digest: string,
    target: string,
    tags: string[],
    origin: ChangeOrigin,
    depth: number,
  ): Promise<void> {
    if (depth > MAX_COPY_DEPTH) {
      throw new RegistryError('MANIFEST_INVALID', `${source}@${digest} nests too deeply to copy`);
    }
    const stored = await this.metadata.getManifest(source, { digest });
    if (!stored) throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${digest} not found in ${source}`);
    const parsed = parseManifest(stored.payload, stored.mediaType);
    for (const child of parsed.manifests) {
      await this.copyDeep(source, child.digest, target, [], origin, depth + 1);
    }
    for (const blob of parsed.blobs) {
      // Read and linked under the blob guard: a blob still linked in `source` has its bytes, and GC
      // cannot delete them before the new link is written.
      await guardedBlob(this.metadata, blob.digest, async (metadata) => {
        const linked = await metadata.getRepositoryBlob(source, blob.digest);
        if (!linked)
          throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `blob ${blob.digest} not found in ${source}`);
        await metadata.linkBlob(target, { digest: blob.digest, size: linked.size });
      });
    }
    const manifest: NewManifest = {
      digest: stored.digest,
      mediaType: parsed.mediaType,
      artifactType: parsed.artifactType,
      size: stored.size,
      payload: stored.payload,
      subjectDigest: parsed.subjectDigest,
      annotations: parsed.annotations,
      blobs: parsed.blobs,
      manifests: parsed.manifests,
      extraAttrs:
        parsed.manifests.length === 0 ? await readConfigAttributes(this.blobs, stored.payload) : null,
    };
    // Only the artifact asked for is announced; its children and accessories come along with it.
    const events = depth === 0 ? this.pushEvents(origin, target, manifest, tags, 'artifact') : [];
    requireCommitted(await this.metadata.commitManifest(target, manifest, tags, events), target);
    for (const accessory of await this.metadata.listReferrers(source, digest)) {
      await this.copyDeep(source, accessory.digest, target, [], origin, depth + 1);
    }
  }

  private pushEvents(
    origin: ChangeOrigin,
    repository: string,
    manifest: NewManifest,
    tags: string[],
    scope: 'artifact' | 'tag',
  ): RegistryEvent[] {
    const target = {
      repository,
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      size: manifest.size,
    };
    if (tags.length === 0) return [this.events.create(origin, 'push', scope, target)];
    return tags.map((tag) => this.events.create(origin, 'push', scope, { ...target, tag }));
  }
}

/** A `/v2/` reference: a digest, a tag, or null when it is neither. */
export function manifestReference(reference: string): ManifestReference | null {
  if (parseDigest(reference)) return { digest: reference };
  if (isValidTag(reference)) return { tag: reference };
  return null;
}

function requireCommitted(result: CommitManifestResult, repository: string): void {
  if (result.ok) return;
  if ('denied' in result) throw new RegistryError('DENIED', result.denied, undefined, { status: 403 });
  const missing = [...result.missingBlobs, ...result.missingManifests];
  throw new RegistryError(
    'MANIFEST_BLOB_UNKNOWN',
    `manifest references ${missing.length === 1 ? 'a blob' : 'blobs'} unknown in ${repository}: ${missing.join(', ')}`,
    { missing },
  );
}

/** `manifest`, or MANIFEST_UNKNOWN when the reference was malformed or named nothing. */
function found<T>(manifest: T | null | undefined, repository: string, reference: string): T {
  if (!manifest)
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} not found in ${repository}`);
  return manifest;
}
