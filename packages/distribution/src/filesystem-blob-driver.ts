import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobDriver, BlobStat, ByteRange } from './blob-driver.js';
import { parseDigest } from './digest.js';

const UPLOAD_ID_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;
const READ_CHUNK_BYTES = 1024 * 1024;

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
      // Each write completes before the next chunk is read, so when the body fails no write is
      // left in flight to land after the next append has truncated the file.
      let position = offset;
      for await (const chunk of body) {
        const bytes = chunk as Buffer;
        let written = 0;
        while (written < bytes.length) {
          const { bytesWritten } = await handle.write(
            bytes,
            written,
            bytes.length - written,
            position + written,
          );
          written += bytesWritten;
        }
        position += bytes.length;
      }
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
    await mkdir(dir, { recursive: true });
    const upload = this.uploadPath(uploadId);
    // link(2) never replaces: a digest, once committed, keeps the bytes it was first given, and
    // a concurrent commit of the same digest just discards its copy.
    try {
      await link(upload, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    await syncDirectory(dir);
    await rm(upload, { force: true });
  }

  async cancel(uploadId: string): Promise<void> {
    await rm(this.uploadPath(uploadId), { force: true });
  }

  async delete(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
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

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
