import { describe, expect, it } from 'vitest';
import { batches, formatFreed, gcCutoffs, gcJobParameters, inParallel } from './gc-decision.js';

describe('gc decisions', () => {
  it('takes both cutoffs from one clock reading', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(gcCutoffs(now, { graceMinutes: 60, uploadMaxAgeHours: 24 })).toEqual({
      grace: new Date('2026-12-07T11:00:00Z'),
      uploads: new Date('2026-12-06T12:00:00Z'),
    });
    // Grace 0: everything unreferenced before now is eligible.
    expect(gcCutoffs(now, { graceMinutes: 0, uploadMaxAgeHours: 1 }).grace).toEqual(new Date(now));
  });

  it('splits work into ordered batches', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([], 500)).toEqual([]);
    expect(() => batches([1], 0)).toThrow(RangeError);
  });

  it('runs at most `parallelism` at once, every item once, and stops taking items when signalled', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(item);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const stop = new AbortController();
    const done: number[] = [];
    await inParallel(
      [1, 2, 3, 4],
      1,
      async (item) => {
        done.push(item);
        if (item === 2) stop.abort();
      },
      stop.signal,
    );
    expect(done).toEqual([1, 2]);
  });

  it('reports the first failure after the running items settle', async () => {
    const finished: number[] = [];
    await expect(
      inParallel([1, 2, 3], 2, async (item) => {
        if (item === 1) throw new Error('boom');
        await new Promise((resolve) => setTimeout(resolve, 5));
        finished.push(item);
      }),
    ).rejects.toThrow('boom');
    expect(finished).toEqual([2]);
  });

  it("shows the payload as Harbor's job parameters and bytes as Harbor's log does", () => {
    expect(gcJobParameters({ dryRun: true, deleteUntagged: false, workers: 3 })).toEqual({
      delete_untagged: false,
      dry_run: true,
      workers: 3,
    });
    expect(formatFreed(3 * 1024 * 1024 + 512)).toBe('3.00 MB (3146240 bytes)');
  });
});
