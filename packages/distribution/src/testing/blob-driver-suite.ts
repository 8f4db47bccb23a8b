import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BlobDriver } from '../blob-driver.js';

async function collect(stream: Readable | null): Promise<Buffer> {
  if (!stream) throw new Error('expected a stream');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

let counter = 0;
function uploadId(): string {
  counter += 1;
  return `suite-${process.pid}-${Date.now()}-${counter}`;
}

export interface BlobDriverCapabilities {
  /** The driver implements `open` (positional reads); its contract is then tested too. */
  positionalReads?: boolean;
}

/**
 * The contract every BlobDriver must pass: call it from each driver's test file with a factory
 * that returns a fresh, empty driver, and the optional capabilities it claims.
 */
export function describeBlobDriver(
  name: string,
  makeDriver: () => Promise<BlobDriver>,
  capabilities: BlobDriverCapabilities = {},
): void {
  describe(`BlobDriver contract: ${name}`, () => {
    it('stores an upload under its digest only after commit', async () => {
      const sut = await makeDriver();
      const data = Buffer.from('hello, blob');
      const digest = sha256(data);
      const id = uploadId();
      await sut.createUpload(id);
      expect(await sut.append(id, 0, Readable.from([data]))).toBe(data.length);
      expect(await sut.stat(digest)).toBeNull();
      await sut.commit(id, digest);
      expect(await sut.stat(digest)).toEqual({ size: data.length });
      expect(await collect(await sut.read(digest))).toEqual(data);
      expect(await sut.uploadSize(id)).toBeNull();
    });

    it('appends in chunks and truncates an interrupted tail', async () => {
      const sut = await makeDriver();
      const id = uploadId();
      await sut.createUpload(id);
      await sut.append(id, 0, Readable.from([Buffer.from('abc')]));
      await sut.append(id, 3, Readable.from([Buffer.from('XYZ-leftover')]));
      // A chunk resumed at 3 drops what a failed append left behind.
      expect(await sut.append(id, 3, Readable.from([Buffer.from('def')]))).toBe(6);
      expect(await sut.uploadSize(id)).toBe(6);
      expect(await collect(await sut.readUpload(id))).toEqual(Buffer.from('abcdef'));
      await sut.cancel(id);
      expect(await sut.uploadSize(id)).toBeNull();
    });

    it('reads inclusive byte ranges', async () => {
      const sut = await makeDriver();
      const data = Buffer.from('0123456789');
      const id = uploadId();
      await sut.createUpload(id);
      await sut.append(id, 0, Readable.from([data]));
      await sut.commit(id, sha256(data));
      expect((await collect(await sut.read(sha256(data), { start: 2, end: 5 }))).toString()).toBe('2345');
    });

    // Registered only for drivers that claim the capability, so no driver's run shows a skip.
    if (capabilities.positionalReads)
      it('opens committed blobs for reads at any position', async () => {
        const sut = await makeDriver();
        if (!sut.open) throw new Error(`${name} claims positional reads but has no open()`);
        const data = Buffer.from('0123456789');
        const id = uploadId();
        await sut.createUpload(id);
        await sut.append(id, 0, Readable.from([data]));
        expect(await sut.open(sha256(data))).toBeNull();
        await sut.commit(id, sha256(data));
        const file = await sut.open(sha256(data));
        if (!file) throw new Error('expected the committed blob to open');
        try {
          const buffer = Buffer.alloc(8, '.');
          expect(await file.read(buffer, 4, 3)).toBe(4);
          expect(buffer.toString()).toBe('3456....');
          expect(await file.read(buffer, 8, 7)).toBe(3);
          expect(buffer.subarray(0, 3).toString()).toBe('789');
          expect(await file.read(buffer, 8, 10)).toBe(0);
        } finally {
          await file.close();
        }
        expect(await sut.open(sha256(Buffer.from('never stored')))).toBeNull();
      });

    it('answers null for unknown blobs and uploads', async () => {
      const sut = await makeDriver();
      const digest = sha256(Buffer.from('never stored'));
      expect(await sut.stat(digest)).toBeNull();
      expect(await sut.read(digest)).toBeNull();
      expect(await sut.uploadSize(uploadId())).toBeNull();
      await expect(sut.cancel(uploadId())).resolves.toBeUndefined();
      await expect(sut.delete(digest)).resolves.toBeUndefined();
    });

    it('keeps one copy when the same digest is committed concurrently', async () => {
      const sut = await makeDriver();
      const data = Buffer.alloc(256 * 1024, 7);
      const digest = sha256(data);
      const ids = Array.from({ length: 8 }, uploadId);
      await Promise.all(
        ids.map(async (id) => {
          await sut.createUpload(id);
          await sut.append(id, 0, Readable.from([data]));
          await sut.commit(id, digest);
        }),
      );
      expect(await sut.stat(digest)).toEqual({ size: data.length });
      const listed: string[] = [];
      for await (const entry of sut.list()) listed.push(entry);
      expect(listed.filter((entry) => entry === digest)).toHaveLength(1);
      expect(await collect(await sut.read(digest))).toEqual(data);
    });

    it('deletes committed blobs and lists uploads', async () => {
      const sut = await makeDriver();
      const data = Buffer.from('to delete');
      const id = uploadId();
      await sut.createUpload(id);
      const uploads: string[] = [];
      for await (const entry of sut.listUploads()) uploads.push(entry.uploadId);
      expect(uploads).toContain(id);
      await sut.append(id, 0, Readable.from([data]));
      await sut.commit(id, sha256(data));
      await sut.delete(sha256(data));
      expect(await sut.stat(sha256(data))).toBeNull();
    });

    it('leaves a failed append resumable', async () => {
      const sut = await makeDriver();
      const id = uploadId();
      await sut.createUpload(id);
      const failing = new Readable({
        read() {
          this.push(Buffer.from('partial'));
          this.destroy(new Error('client went away'));
        },
      });
      await expect(sut.append(id, 0, failing)).rejects.toThrow();
      expect(await sut.append(id, 0, Readable.from([Buffer.from('whole')]))).toBe(5);
      expect(await collect(await sut.readUpload(id))).toEqual(Buffer.from('whole'));
    });
  });
}
