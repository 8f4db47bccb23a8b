import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { HashWorkerPool, RunningHash } from '../src/hash-worker-pool.js';

function expectedHex(algorithm: 'sha256' | 'sha512', data: Buffer): string {
  return createHash(algorithm).update(data).digest('hex');
}

/** Splits `data` into chunks of random sizes up to `max`, empty ones included. */
function randomChunks(data: Buffer, max: number): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const size = Math.floor(Math.random() * max);
    chunks.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

describe(HashWorkerPool.name, () => {
  const sut = new HashWorkerPool(2);

  afterAll(async () => {
    await sut.close();
  });

  it('computes the same digests as node:crypto for many concurrent hashes fed in odd chunks', async () => {
    const inputs = Array.from({ length: 12 }, (_, i) => ({
      algorithm: i % 3 === 0 ? ('sha512' as const) : ('sha256' as const),
      data: randomBytes(i === 0 ? 0 : Math.floor(Math.random() * 3_000_000)),
    }));

    const digests = await Promise.all(
      inputs.map(async ({ algorithm, data }) => {
        const hash = sut.create(algorithm);
        for (const chunk of randomChunks(data, 1_500_000)) await hash.update(chunk);
        return hash.digest();
      }),
    );

    expect(digests).toEqual(inputs.map(({ algorithm, data }) => expectedHex(algorithm, data)));
  });

  it('copies the bytes it is given, so the caller may overwrite its buffer at once', async () => {
    const hash = sut.create('sha256');
    const buffer = Buffer.alloc(64 * 1024);
    const seen: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      buffer.fill(i);
      seen.push(Buffer.from(buffer));
      await hash.update(buffer);
    }
    expect(await hash.digest()).toBe(expectedHex('sha256', Buffer.concat(seen)));
  });

  it('bounds the bytes in flight: update waits while the worker holds the maximum', async () => {
    const hash = sut.create('sha256');
    const chunk = randomBytes(256 * 1024);
    let waited = 0;
    let highest = 0;
    for (let i = 0; i < 160; i++) {
      const accepted = hash.update(chunk);
      highest = Math.max(highest, hash.bytesInFlight);
      // A promise that has not settled after a macrotask turn is one that waits for the worker.
      const settledAtOnce = await Promise.race([
        accepted.then(() => true),
        new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
      ]);
      if (!settledAtOnce) waited++;
      await accepted;
    }

    expect(highest).toBeLessThanOrEqual(RunningHash.maxBytesInFlight);
    expect(waited).toBeGreaterThan(0);
    expect(await hash.digest()).toBe(expectedHex('sha256', Buffer.concat(Array(160).fill(chunk))));
  });

  it('drops a disposed hash without disturbing the others on its worker', async () => {
    const kept = sut.create('sha256');
    const dropped = sut.create('sha256');
    const data = randomBytes(2_000_000);
    await Promise.all([kept.update(data), dropped.update(data)]);
    dropped.dispose();

    await expect(dropped.update(data)).rejects.toThrow(/finished/);
    await expect(dropped.digest()).rejects.toThrow(/finished/);
    await kept.update(data);
    expect(await kept.digest()).toBe(expectedHex('sha256', Buffer.concat([data, data])));
  });

  it('hashes small inputs on the calling thread and starts a worker only for larger ones', async () => {
    const pool = new HashWorkerPool(1);
    try {
      const small = randomBytes(100 * 1024);
      const hash = pool.create('sha256');
      await hash.update(small);
      expect(await hash.digest()).toBe(expectedHex('sha256', small));
      expect(pool.threads).toBe(0);

      const kept = pool.create('sha256');
      await kept.update(small.subarray(0, 10));
      kept.settle();
      expect(pool.threads).toBe(1);
      await kept.update(small.subarray(10));
      expect(await kept.digest()).toBe(expectedHex('sha256', small));
    } finally {
      await pool.close();
    }
  });

  it('keeps small hashes off the 512 KiB batches, and moves a growing one onto them intact', async () => {
    const pool = new HashWorkerPool(1);
    try {
      const blobs = Array.from({ length: 32 }, () => randomBytes(4096 + Math.floor(Math.random() * 4096)));
      const digests = await Promise.all(
        blobs.map(async (blob) => {
          const hash = pool.create('sha256');
          for (const chunk of randomChunks(blob, 1024)) await hash.update(chunk);
          return hash.digest();
        }),
      );
      expect(digests).toEqual(blobs.map((blob) => expectedHex('sha256', blob)));
      expect(pool.batchesTaken).toBe(0);
      expect(pool.threads).toBe(0);

      const settledEmpty = pool.create('sha256');
      settledEmpty.settle();
      await settledEmpty.update(Buffer.alloc(0));
      expect(await settledEmpty.digest()).toBe(expectedHex('sha256', Buffer.alloc(0)));

      const settledSmall = pool.create('sha256');
      await settledSmall.update(blobs[0]!.subarray(0, 100));
      settledSmall.settle();
      await settledSmall.update(blobs[0]!.subarray(100));
      expect(await settledSmall.digest()).toBe(expectedHex('sha256', blobs[0]!));

      const growing = randomBytes(200 * 1024);
      const hash = pool.create('sha512');
      for (const chunk of randomChunks(growing, 3000)) await hash.update(chunk);
      expect(await hash.digest()).toBe(expectedHex('sha512', growing));
      expect(pool.batchesTaken).toBe(3);
      expect(pool.threads).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('stops a worker that stayed idle, and starts one again for the next large hash', async () => {
    const pool = new HashWorkerPool(1, 100);
    try {
      const data = randomBytes(1_000_000);
      const first = pool.create('sha256');
      await first.update(data);
      expect(pool.threads).toBe(1);
      // Busy while a hash runs, however long it takes.
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(pool.threads).toBe(1);
      expect(await first.digest()).toBe(expectedHex('sha256', data));
      await expect.poll(() => pool.threads, { timeout: 3000 }).toBe(0);

      const second = pool.create('sha512');
      await second.update(data);
      expect(pool.threads).toBe(1);
      expect(await second.digest()).toBe(expectedHex('sha512', data));
    } finally {
      await pool.close();
    }
  });

  it('fails running hashes when the workers stop', async () => {
    const pool = new HashWorkerPool(1);
    const hash = pool.create('sha256');
    await hash.update(randomBytes(1024 * 1024));
    await pool.close();

    await expect(hash.digest()).rejects.toThrow(/hash worker exited/);
  });
});
