import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobDriver } from './blob-driver.js';
import type { DigestAlgorithm, ParsedDigest } from './digest.js';
import { requireDigest } from './digest.js';
import { RegistryError } from './errors.js';
import { parseContentRange } from './http.js';
import { sharedHashWorkerPool, type HashWorkerPool, type RunningHash } from './hash-worker-pool.js';
import { guardedBlob, type BlobRecord, type MetadataStore, type UploadSession } from './metadata-store.js';

const UPLOAD_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Upload hash states kept in memory; an upload whose state was evicted is re-hashed from storage. */
const MAX_CACHED_HASHES = 4096;

interface HashState {
  algorithm: DigestAlgorithm;
  hash: RunningHash;
  /** How many bytes of the upload `hash` has seen. */
  offset: number;
}

/** What a chunk request says of its bytes: `Content-Range` and `Content-Length` as sent. */
export interface ChunkHeaders {
  contentRange: string | undefined;
  contentLength: string | undefined;
}

/**
 * A chunk that does not continue the upload where it stands (a gap or an overlap): answered 416
 * with the upload's current size, so the client can resume from there.
 */
export class UploadRangeError extends RegistryError {
  constructor(readonly currentSize: number) {
    super(
      'BLOB_UPLOAD_INVALID',
      `Content-Range must start at the upload's current size ${currentSize}`,
      undefined,
      {
        status: 416,
      },
    );
  }
}

/**
 * Blob uploads: sessions in the MetadataStore, bytes in the BlobDriver, digests computed while the
 * bytes stream through, on the hash worker threads. The running hash of each upload is kept between
 * chunks so a chunked upload is hashed once; after a restart (or on another instance) it is rebuilt
 * from the stored bytes. A request that fails midway disposes of its hash: the bytes it saw may not
 * all have been stored, so the next request rebuilds it from storage.
 */
export class UploadService {
  private readonly hashes = new Map<string, HashState>();
  /** The tail of each upload's queue of requests: one request at a time works on an upload. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly blobs: BlobDriver,
    private readonly metadata: MetadataStore,
    private readonly hashing: HashWorkerPool = sharedHashWorkerPool(),
  ) {}

  async start(repository: string): Promise<UploadSession> {
    const session: UploadSession = { id: randomUUID(), repository, createdAt: new Date() };
    await this.blobs.createUpload(session.id);
    try {
      await this.metadata.createUpload(session);
    } catch (error) {
      await this.blobs.cancel(session.id);
      throw error;
    }
    return session;
  }

  /** The session's current size; answers BLOB_UPLOAD_UNKNOWN when there is no such upload. */
  async size(repository: string, uploadId: string): Promise<number> {
    if (!UPLOAD_ID_PATTERN.test(uploadId)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
    const [session, size] = await Promise.all([
      this.metadata.getUpload(repository, uploadId),
      this.blobs.uploadSize(uploadId),
    ]);
    if (!session || size === null) throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
    return size;
  }

  /**
   * Appends one chunk (`PATCH`): checks its `Content-Range` against the upload's size, streams it
   * to storage through the running hash, and when it carried other than the bytes it announced,
   * cuts them off again (SIZE_INVALID). Resolves to the upload's new size.
   */
  patch(repository: string, uploadId: string, body: Readable, headers: ChunkHeaders): Promise<number> {
    return this.exclusive(uploadId, async () => {
      const size = await this.size(repository, uploadId);
      const range = checkChunkRange(headers, size);
      const written = await this.appendChunk(uploadId, size, body);
      if (range && written - size !== range.end - range.start + 1) {
        await this.truncate(uploadId, size);
        throw new RegistryError(
          'SIZE_INVALID',
          `chunk carried ${written - size} bytes, Content-Range announced ${range.end - range.start + 1}`,
        );
      }
      return written;
    });
  }

  /**
   * Completes an upload (`PUT ?digest=`), with a last chunk when `body` is given: verifies the
   * digest and commits the blob. On a digest mismatch the upload is discarded entirely and
   * DIGEST_INVALID answered.
   */
  complete(
    repository: string,
    uploadId: string,
    digest: string | null,
    body: Readable | null,
    headers: ChunkHeaders,
  ): Promise<BlobRecord> {
    const expected = requireDigest(digest);
    return this.exclusive(uploadId, async () => {
      const size = await this.size(repository, uploadId);
      checkChunkRange(headers, size);
      try {
        return await this.commit(repository, uploadId, size, expected, body);
      } catch (error) {
        this.forget(uploadId);
        throw error;
      }
    });
  }

  /** Appends a chunk at `offset`, the upload's current size. */
  private async appendChunk(uploadId: string, offset: number, body: Readable): Promise<number> {
    const state = this.takeHash(uploadId, offset, 'sha256');
    let size: number;
    try {
      size = await this.blobs.append(uploadId, offset, state ? tap(body, state.hash) : body);
    } catch (error) {
      state?.hash.dispose();
      this.forget(uploadId);
      throw error;
    }
    if (state) this.remember(uploadId, { ...state, offset: size });
    return size;
  }

  /** Drops bytes past `offset`, undoing a chunk that turned out invalid. */
  private async truncate(uploadId: string, offset: number): Promise<void> {
    this.forget(uploadId);
    await this.blobs.append(uploadId, offset, Readable.from([]));
  }

  private async commit(
    repository: string,
    uploadId: string,
    offset: number,
    expected: ParsedDigest,
    body: Readable | null,
  ): Promise<BlobRecord> {
    const state =
      this.takeHash(uploadId, offset, expected.algorithm) ??
      (await this.rehash(uploadId, expected.algorithm, offset));
    let size: number;
    let digest: string;
    try {
      size = body ? await this.blobs.append(uploadId, offset, tap(body, state.hash)) : offset;
      digest = `${expected.algorithm}:${await state.hash.digest()}`;
    } finally {
      state.hash.dispose();
    }
    if (digest !== `${expected.algorithm}:${expected.hex}`) {
      await this.discard(repository, uploadId);
      throw new RegistryError(
        'DIGEST_INVALID',
        `upload digest ${digest} does not match ${expected.algorithm}:${expected.hex}`,
      );
    }
    const blob = { digest, size };
    // Bytes and row under the blob guard, so GC never deletes bytes a new row relies on.
    const completed = await guardedBlob(this.metadata, digest, async (metadata) => {
      await this.blobs.commit(uploadId, digest);
      return metadata.completeUpload(repository, uploadId, blob);
    });
    if (!completed) {
      throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'the upload was completed or cancelled concurrently');
    }
    return blob;
  }

  /** A whole blob in one request (`POST ?digest=`): no session is recorded. */
  async monolithic(repository: string, expected: ParsedDigest, body: Readable): Promise<BlobRecord> {
    const uploadId = randomUUID();
    await this.blobs.createUpload(uploadId);
    const hash = this.hashing.create(expected.algorithm);
    try {
      const size = await this.blobs.append(uploadId, 0, tap(body, hash));
      const digest = `${expected.algorithm}:${await hash.digest()}`;
      if (digest !== `${expected.algorithm}:${expected.hex}`) {
        throw new RegistryError(
          'DIGEST_INVALID',
          `upload digest ${digest} does not match ${expected.algorithm}:${expected.hex}`,
        );
      }
      const blob = { digest, size };
      await guardedBlob(this.metadata, digest, async (metadata) => {
        await this.blobs.commit(uploadId, digest);
        await metadata.linkBlob(repository, blob);
      });
      return blob;
    } catch (error) {
      await this.blobs.cancel(uploadId);
      throw error;
    } finally {
      hash.dispose();
    }
  }

  /** Discards an upload (`DELETE`); BLOB_UPLOAD_UNKNOWN when there is none. */
  cancel(repository: string, uploadId: string): Promise<void> {
    return this.exclusive(uploadId, async () => {
      await this.size(repository, uploadId);
      await this.discard(repository, uploadId);
    });
  }

  /**
   * Runs `work` when no other request of this process is working on the upload. Two requests
   * writing one upload at once would interleave their bytes; queued, the second sees the first's
   * result (its Content-Range no longer fits, or the session is gone). Instances sharing storage
   * rely on clients not racing themselves across instances.
   */
  private async exclusive<T>(uploadId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(uploadId) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.queues.set(uploadId, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.queues.get(uploadId) === tail) this.queues.delete(uploadId);
    }
  }

  /** Forgets the in-memory hash of an upload whose request failed midway. */
  private forget(uploadId: string): void {
    this.hashes.get(uploadId)?.hash.dispose();
    this.hashes.delete(uploadId);
  }

  private async discard(repository: string, uploadId: string): Promise<void> {
    this.forget(uploadId);
    await this.metadata.deleteUpload(repository, uploadId);
    await this.blobs.cancel(uploadId);
  }

  /**
   * Removes the upload's kept hash and returns it when it has seen exactly `offset` bytes; a fresh
   * one at offset 0; else null (the caller rebuilds it from storage, or goes without).
   */
  private takeHash(uploadId: string, offset: number, algorithm: DigestAlgorithm): HashState | null {
    const state = this.hashes.get(uploadId);
    this.hashes.delete(uploadId);
    if (state && state.offset === offset && state.algorithm === algorithm) return state;
    state?.hash.dispose();
    if (offset === 0) return { algorithm, hash: this.hashing.create(algorithm), offset: 0 };
    return null;
  }

  private async rehash(uploadId: string, algorithm: DigestAlgorithm, offset: number): Promise<HashState> {
    const hash = this.hashing.create(algorithm);
    try {
      let seen = 0;
      for await (const chunk of await this.blobs.readUpload(uploadId)) {
        const bytes = chunk as Buffer;
        const take = Math.min(bytes.length, offset - seen);
        await hash.update(take === bytes.length ? bytes : bytes.subarray(0, take));
        seen += take;
        if (seen >= offset) break;
      }
    } catch (error) {
      hash.dispose();
      throw error;
    }
    return { algorithm, hash, offset };
  }

  private remember(uploadId: string, state: HashState): void {
    // Between requests a kept hash holds no buffer: its bytes go to the worker now. A hash whose
    // worker failed is not kept; the next request rebuilds it from the stored bytes.
    try {
      state.hash.settle();
    } catch {
      state.hash.dispose();
      return;
    }
    if (this.hashes.size >= MAX_CACHED_HASHES) {
      const oldest = this.hashes.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    this.hashes.set(uploadId, state);
  }
}

/** Checks a chunk's `Content-Range` against the upload's size: a gap or overlap answers 416. */
function checkChunkRange(headers: ChunkHeaders, size: number): { start: number; end: number } | null {
  const range = parseContentRange(headers.contentRange);
  if (range === null) return null;
  if (range === 'invalid' || range.start !== size) throw new UploadRangeError(size);
  if (headers.contentLength !== undefined && Number(headers.contentLength) !== range.end - range.start + 1) {
    throw new RegistryError('SIZE_INVALID', 'Content-Length does not match Content-Range');
  }
  return range;
}

/**
 * Passes a stream through unchanged while feeding every chunk to `hash`. A chunk moves on once the
 * hash has taken it, so a hash that falls behind slows the stream instead of buffering it.
 */
function tap(body: Readable, hash: RunningHash): Readable {
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk).then(
        () => callback(null, chunk),
        (error: unknown) => callback(error as Error),
      );
    },
  });
  // The driver pipes the result; errors of `body` must reach it through the transform.
  void pipeline(body, hashing).catch((error: unknown) => hashing.destroy(error as Error));
  return hashing;
}
