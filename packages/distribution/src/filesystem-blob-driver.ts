import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobDriver, BlobFile, BlobStat, ByteRange } from './blob-driver.js';
import { parseDigest } from './digest.js';

const UPLOAD_ID_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;
const READ_CHUNK_BYTES = 1024 * 1024;
/** Upload bytes gathered before one write call. */
const WRITE_BATCH_BYTES = 1024 * 1024;
/** …or this many chunks (a slow client sends many small ones), well under IOV_MAX. */
const WRITE_BATCH_BUFFERS = 256;

/**
 * Blobs on a local filesystem.
 *
 * Layout (the one place it is written down):
 *   <root>/blobs/<algorithm>/<first two hex>/<hex>   committed content, never modified in place
 *   <root>/uploads/<upload id>                        bytes of an upload in progress
 * Both trees sit on one filesystem so that commit is an atomic hard link; the upload is fsynced
 * when written and the directory after the link, so a crash leaves the whole blob or none.
 */
export class FilesystemBlobDriver implements BlobDriver {
  private readonly blobsDir: string;
  private readonly uploadsDir: string;
  private readonly ready: Promise<void>;
  /** Blob directories known to exist (the driver never removes one): no mkdir per commit. */
  private readonly blobDirs = new Set<string>();

  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs');
    this.uploadsDir = join(root, 'uploads');
    this.ready = Promise.all([
      mkdir(this.blobsDir, { recursive: true }),
      mkdir(this.uploadsDir, { recursive: true }),
    ]).then(() => undefined);
  }

  async stat(digest: string): Promise<BlobStat | null> {
    try {
      const info = await stat(this.blobPath(digest));
      return { size: info.size };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(digest: string, range?: ByteRange): Promise<Readable | null> {
    const path = this.blobPath(digest);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    return createReadStream('', {
      fd: handle,
      highWaterMark: READ_CHUNK_BYTES,
      ...(range ? { start: range.start, end: range.end } : {}),
    });
  }

  async open(digest: string): Promise<BlobFile | null> {
    let handle: FileHandle;
    try {
      handle = await open(this.blobPath(digest), 'r');
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    return {
      read: async (buffer, length, position) => (await handle.read(buffer, 0, length, position)).bytesRead,
      close: () => handle.close(),
    };
  }

  async uploadSize(uploadId: string): Promise<number | null> {
    try {
      return (await stat(this.uploadPath(uploadId))).size;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async createUpload(uploadId: string): Promise<void> {
    await this.ready;
    const handle = await open(this.uploadPath(uploadId), 'wx');
    await handle.close();
  }

  async append(uploadId: string, offset: number, body: Readable): Promise<number> {
    const handle = await open(this.uploadPath(uploadId), 'r+');
    try {
      // Bytes past `offset` are the remains of an append that never completed: drop them.
      await handle.truncate(offset);
      // Chunks arrive as the socket delivers them (often 64 KiB); they are gathered and written
      // with one writev per batch, each completing before the next chunk is read, so
      // when the body fails no write is left in flight to land after the next append has
      // truncated the file. Bytes gathered but not yet written when it fails are simply not stored.
      let position = offset;
      let batch: Buffer[] = [];
      let batchBytes = 0;
      for await (const chunk of body) {
        batch.push(chunk as Buffer);
        batchBytes += (chunk as Buffer).length;
        if (batchBytes >= WRITE_BATCH_BYTES || batch.length >= WRITE_BATCH_BUFFERS) {
          await writeAll(handle, batch, position);
          position += batchBytes;
          batch = [];
          batchBytes = 0;
        }
      }
      await writeAll(handle, batch, position);
      position += batchBytes;
      await handle.sync();
      return position;
    } finally {
      await handle.close();
    }
  }

  async readUpload(uploadId: string): Promise<Readable> {
    const handle = await open(this.uploadPath(uploadId), 'r');
    return createReadStream('', { fd: handle, highWaterMark: READ_CHUNK_BYTES });
  }

  async commit(uploadId: string, digest: string): Promise<void> {
    const target = this.blobPath(digest);
    const dir = join(target, '..');
    const upload = this.uploadPath(uploadId);
    const known = this.blobDirs.has(dir);
    if (!known) await this.makeBlobDir(dir);
    try {
      await linkOnce(upload, target);
    } catch (error) {
      // A directory removed behind the driver's back: make it again, once.
      if (!known || !isNotFound(error)) throw error;
      await this.makeBlobDir(dir);
      await linkOnce(upload, target);
    }
    await syncDirectory(dir);
    await removeFile(upload);
  }

  async cancel(uploadId: string): Promise<void> {
    await removeFile(this.uploadPath(uploadId));
  }

  async delete(digest: string): Promise<void> {
    await removeFile(this.blobPath(digest));
  }

  async *list(): AsyncIterable<string> {
    await this.ready;
    for (const algorithm of await readdir(this.blobsDir)) {
      for (const prefix of await readdir(join(this.blobsDir, algorithm))) {
        for (const hex of await readdir(join(this.blobsDir, algorithm, prefix))) {
          const digest = `${algorithm}:${hex}`;
          if (parseDigest(digest)) yield digest;
        }
      }
    }
  }

  async *listUploads(): AsyncIterable<{ uploadId: string; modifiedAt: Date }> {
    await this.ready;
    for (const uploadId of await readdir(this.uploadsDir)) {
      try {
        const info = await stat(join(this.uploadsDir, uploadId));
        yield { uploadId, modifiedAt: info.mtime };
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }

  private async makeBlobDir(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    this.blobDirs.add(dir);
  }

  private blobPath(digest: string): string {
    const parsed = parseDigest(digest);
    if (!parsed) throw new Error(`not a digest: ${digest}`);
    return join(this.blobsDir, parsed.algorithm, parsed.hex.slice(0, 2), parsed.hex);
  }

  private uploadPath(uploadId: string): string {
    if (!UPLOAD_ID_PATTERN.test(uploadId)) throw new Error(`not an upload id: ${uploadId}`);
    return join(this.uploadsDir, uploadId);
  }
}

/** Writes `buffers` back to back at `position`, however many calls it takes. */
async function writeAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  const pending = buffers.filter((buffer) => buffer.length > 0);
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, position);
    position += bytesWritten;
    let skip = bytesWritten;
    while (pending.length > 0 && skip >= pending[0]!.length) skip -= pending.shift()!.length;
    if (skip > 0) pending[0] = pending[0]!.subarray(skip);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * link(2) never replaces: a digest, once committed, keeps the bytes it was first given, and a
 * concurrent commit of the same digest just discards its copy.
 */
async function linkOnce(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Removes a file; one that is not there is fine. */
async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
