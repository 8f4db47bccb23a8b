import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FilesystemBlobDriver } from '../src/filesystem-blob-driver.js';
import { describeBlobDriver } from '../src/testing/blob-driver-suite.js';

describeBlobDriver(
  FilesystemBlobDriver.name,
  async () => new FilesystemBlobDriver(await mkdtemp(join(tmpdir(), 'berth-fs-driver-'))),
  { positionalReads: true },
);

describe(FilesystemBlobDriver.name, () => {
  it('commits into a blob directory removed behind its back', async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-fs-driver-'));
    const sut = new FilesystemBlobDriver(root);
    const commit = async (data: Buffer) => {
      const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
      await sut.createUpload(`u-${digest.slice(7, 19)}`);
      await sut.append(`u-${digest.slice(7, 19)}`, 0, Readable.from([data]));
      await sut.commit(`u-${digest.slice(7, 19)}`, digest);
      return digest;
    };
    try {
      const first = await commit(Buffer.from('first'));
      await rm(join(root, 'blobs', 'sha256', first.slice(7, 9)), { recursive: true });
      // The same digest lands in the same directory, which the driver believes exists.
      expect(await sut.stat(first)).toBeNull();
      await commit(Buffer.from('first'));
      expect(await sut.stat(first)).toEqual({ size: 5 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
