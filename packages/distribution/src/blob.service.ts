import type { Readable } from 'node:stream';
import type { BlobDriver, BlobFile, ByteRange } from './blob-driver.js';
import { type ChangeOrigin, RegistryEventFactory } from './change-origin.js';
import { requireDigest } from './digest.js';
import { RegistryError } from './errors.js';
import { guardedBlob, type MetadataStore } from './metadata-store.js';

const BLOB_MEDIA_TYPE = 'application/octet-stream';

/** How a blob's bytes are to be served: a redirect, an open file, or a stream. */
export type BlobContent =
  { kind: 'redirect'; url: string } | { kind: 'file'; file: BlobFile } | { kind: 'stream'; stream: Readable };

/**
 * Blobs as a repository sees them: which digests it may read, their bytes, mounting one from
 * another repository and removing one from its view. Content is shared by digest in the BlobDriver;
 * visibility per repository lives in the MetadataStore.
 */
export class BlobService {
  constructor(
    private readonly blobs: BlobDriver,
    private readonly metadata: MetadataStore,
    private readonly events: RegistryEventFactory = new RegistryEventFactory(),
  ) {}

  /** The blob's size when the repository may see it; BLOB_UNKNOWN otherwise. */
  async stat(repository: string, digest: string): Promise<{ size: number }> {
    requireDigest(digest);
    const blob = await this.metadata.getRepositoryBlob(repository, digest);
    if (!blob) throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} not found in ${repository}`);
    return blob;
  }

  /**
   * The blob's bytes (the repository's right to see it checked by the caller through `stat`): a
   * URL to redirect to when the driver offers one, else an open file or a stream of `range`.
   * BLOB_UNKNOWN when the store links it but storage has lost it.
   */
  async content(digest: string, range: ByteRange | undefined): Promise<BlobContent> {
    const redirect = this.blobs.redirectUrl ? await this.blobs.redirectUrl(digest) : null;
    if (redirect) return { kind: 'redirect', url: redirect };
    const file = this.blobs.open ? await this.blobs.open(digest) : null;
    if (file) return { kind: 'file', file };
    const stream = await this.blobs.read(digest, range);
    if (!stream) throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} content is missing from storage`);
    return { kind: 'stream', stream };
  }

  /**
   * Makes a blob of `from` visible in `repository` without moving bytes; the caller has checked
   * that the client may pull from `from`. Resolves null when `from` has no such blob.
   */
  async mount(
    repository: string,
    from: string,
    digest: string,
  ): Promise<{ digest: string; size: number } | null> {
    // Under the blob guard: a blob still linked in `from` has its bytes, and GC cannot delete them
    // before the new link is written.
    return guardedBlob(this.metadata, digest, async (metadata) => {
      const blob = await metadata.getRepositoryBlob(from, digest);
      if (!blob) return null;
      const record = { digest, size: blob.size };
      await metadata.linkBlob(repository, record);
      return record;
    });
  }

  /** Removes a blob from the repository's view (its bytes wait for garbage collection). */
  async delete(repository: string, digest: string, origin: ChangeOrigin): Promise<void> {
    requireDigest(digest);
    const event = this.events.create(origin, 'delete', 'blob', {
      repository,
      digest,
      mediaType: BLOB_MEDIA_TYPE,
    });
    if (!(await this.metadata.unlinkBlob(repository, digest, [event]))) {
      throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} not found in ${repository}`);
    }
  }
}
