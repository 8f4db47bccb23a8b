import { describe, expect, it } from 'vitest';
import { BatchedFlusher, type BatchedFlusherOptions } from './batched-flusher.js';

interface Counted {
  key: string;
  count: number;
}

function newFlusher(overrides: Partial<BatchedFlusherOptions<Counted>> = {}) {
  const written: Counted[][] = [];
  const warnings: string[] = [];
  const sut = new BatchedFlusher<Counted>({
    intervalMs: 60_000,
    write: async (batch) => {
      written.push(batch.map((item) => ({ ...item })));
    },
    onFailure: 'drop',
    maxPending: 100,
    warn: (message) => warnings.push(message),
    ...overrides,
  });
  return { sut, written, warnings };
}

describe(BatchedFlusher.name, () => {
  it('writes everything pending in one batch, and nothing when nothing is pending', async () => {
    const { sut, written } = newFlusher();
    sut.add({ key: 'a', count: 1 });
    sut.add({ key: 'a', count: 1 });
    await sut.flush();
    await sut.flush();
    expect(written).toEqual([
      [
        { key: 'a', count: 1 },
        { key: 'a', count: 1 },
      ],
    ]);
  });

  it('folds items with the same key', async () => {
    const { sut, written } = newFlusher({
      key: (item) => item.key,
      merge: (pending, item) => {
        pending.count += item.count;
      },
    });
    sut.add({ key: 'a', count: 1 });
    sut.add({ key: 'b', count: 1 });
    sut.add({ key: 'a', count: 2 });
    expect(sut.size).toBe(2);
    await sut.flush();
    expect(written).toEqual([
      [
        { key: 'a', count: 3 },
        { key: 'b', count: 1 },
      ],
    ]);
  });

  it('runs one write at a time; items added meanwhile go in the next batch', async () => {
    let release!: () => void;
    const batches: string[][] = [];
    let running = 0;
    let overlapped = false;
    const { sut } = newFlusher({
      write: async (batch) => {
        running++;
        overlapped ||= running > 1;
        batches.push(batch.map((item) => item.key));
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        running--;
      },
    });
    sut.add({ key: 'first', count: 1 });
    const first = sut.flush();
    await new Promise((resolve) => setImmediate(resolve));
    sut.add({ key: 'second', count: 1 });
    const second = sut.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['first']]);
    release();
    await Promise.all([first, second]);
    expect(batches).toEqual([['first'], ['second']]);
    expect(overlapped).toBe(false);
  });

  it('puts a failed batch back when told to retry, merging with what came since', async () => {
    let fail = true;
    const written: Counted[][] = [];
    const { sut, warnings } = newFlusher({
      key: (item) => item.key,
      merge: (pending, item) => {
        pending.count += item.count;
      },
      onFailure: 'retry',
      write: async (batch) => {
        if (fail) throw new Error('database down');
        written.push(batch.map((item) => ({ ...item })));
      },
    });
    sut.add({ key: 'a', count: 2 });
    await sut.flush();
    expect(written).toEqual([]);
    expect(warnings.join('\n')).toContain('database down');
    sut.add({ key: 'a', count: 1 });
    fail = false;
    await sut.flush();
    expect(written).toEqual([[{ key: 'a', count: 3 }]]);
  });

  it('drops a failed batch when told to', async () => {
    let fail = true;
    const written: Counted[][] = [];
    const { sut, warnings } = newFlusher({
      write: async (batch) => {
        if (fail) throw new Error('database down');
        written.push(batch);
      },
    });
    sut.add({ key: 'a', count: 1 });
    await sut.flush();
    fail = false;
    await sut.flush();
    expect(written).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('refuses items beyond the backlog bound, but still merges into pending ones', async () => {
    const { sut, written, warnings } = newFlusher({
      maxPending: 2,
      key: (item) => item.key,
      merge: (pending, item) => {
        pending.count += item.count;
      },
    });
    expect(sut.add({ key: 'a', count: 1 })).toBe(true);
    expect(sut.add({ key: 'b', count: 1 })).toBe(true);
    expect(sut.add({ key: 'c', count: 1 })).toBe(false);
    expect(sut.add({ key: 'd', count: 1 })).toBe(false);
    expect(sut.add({ key: 'a', count: 1 })).toBe(true);
    expect(warnings).toHaveLength(1);
    await sut.flush();
    expect(written).toEqual([
      [
        { key: 'a', count: 2 },
        { key: 'b', count: 1 },
      ],
    ]);
  });

  it('writes on its interval once started, and what is left on stop', async () => {
    const { sut, written } = newFlusher({ intervalMs: 10 });
    sut.start();
    sut.add({ key: 'a', count: 1 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(written).toEqual([[{ key: 'a', count: 1 }]]);
    sut.add({ key: 'b', count: 1 });
    await sut.stop();
    expect(written).toEqual([[{ key: 'a', count: 1 }], [{ key: 'b', count: 1 }]]);
    await sut.stop();
    expect(written).toHaveLength(2);
  });
});
