import type { Readable } from 'node:stream';

/**
 * Content storage, addressed by digest and shared by every repository.
 *
 * A driver holds bytes only: which repository may see a blob is the MetadataStore's business.
 * Every driver must pass the shared suite in `testing/blob-driver-suite.ts`.
 *
 * Invariants a driver keeps:
 * - A blob is visible under its digest only once it is complete and durable (committed); a crash at
 *   any moment leaves either the whole blob or nothing under that digest.
 * - Committing the same digest twice, even concurrently, succeeds and keeps one copy.
 * - Upload bytes live apart from blobs, keyed by the upload id, until commit or cancel.
 */
export interface BlobDriver {
  /** Size of a committed blob, or null when it does not exist. */
  stat(digest: string): Promise<BlobStat | null>;

  /**
   * Streams a committed blob, optionally a byte range (both ends inclusive, as in HTTP `Range`).
   * Resolves to null when the blob does not exist.
   */
  read(digest: string, range?: ByteRange): Promise<Readable | null>;

  /** Size of the bytes received so far for an upload, or null when there is no such upload. */
  uploadSize(uploadId: string): Promise<number | null>;

  /** Creates empty upload storage. */
  createUpload(uploadId: string): Promise<void>;

  /**
   * Appends a stream to an upload at `offset` (bytes past `offset` left by an interrupted append are
   * dropped first) and makes it durable. Resolves to the upload's new size. On a stream error the
   * upload is left at a size the next call may resume from.
   */
  append(uploadId: string, offset: number, body: Readable): Promise<number>;

  /** Streams the bytes of an upload received so far (used to rebuild a digest after a restart). */
  readUpload(uploadId: string): Promise<Readable>;

  /**
   * Moves a complete upload to its digest address. The caller has verified the digest already.
   * When the digest exists already the upload is simply discarded.
   */
  commit(uploadId: string, digest: string): Promise<void>;

  /** Discards an upload; a missing upload is not an error. */
  cancel(uploadId: string): Promise<void>;

  /** Deletes a committed blob (garbage collection only); a missing blob is not an error. */
  delete(digest: string): Promise<void>;

  /** Lists committed digests (garbage collection only). */
  list(): AsyncIterable<string>;

  /** Lists upload ids with their last-modified time (cleanup of abandoned uploads). */
  listUploads(): AsyncIterable<{ uploadId: string; modifiedAt: Date }>;

  /** A URL the client may fetch the blob from directly (S3 presigned), or null to stream it. */
  redirectUrl?(digest: string): Promise<string | null>;

  /**
   * Opens a committed blob for reads at chosen positions into the caller's buffers, or resolves to
   * null when it does not exist. Optional: the registry serves blobs of a driver that has it
   * through a few reused buffers instead of a stream allocating one per chunk.
   */
  open?(digest: string): Promise<BlobFile | null>;
}

/** A committed blob opened by `BlobDriver.open`; the caller closes it. */
export interface BlobFile {
  /** Reads up to `length` bytes at `position` into the start of `buffer`; 0 means past the end. */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

export interface BlobStat {
  size: number;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}
