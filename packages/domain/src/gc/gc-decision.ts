import type { TGcPayload } from '@berth/jobs';

/** GC's windows, from `@berth/config`'s `GcSettings`. */
export interface GcWindows {
  /** Unreferenced blobs only uploaded or linked, and untagged manifests, younger than this stay. */
  graceMinutes: number;
  /** Upload sessions older than this go, with their bytes. */
  uploadMaxAgeHours: number;
}

export const DEFAULT_GC_WINDOWS: GcWindows = { graceMinutes: 60, uploadMaxAgeHours: 24 };

/** The cutoffs of one run, all taken from one clock reading so a dry run and its numbers agree. */
export interface GcCutoffs {
  /** Blobs whose last upload or link is older (and untagged manifests created before) are eligible. */
  grace: Date;
  /** Upload sessions created before this go. */
  uploads: Date;
}

export function gcCutoffs(now: number, windows: GcWindows): GcCutoffs {
  return {
    grace: new Date(now - windows.graceMinutes * 60_000),
    uploads: new Date(now - windows.uploadMaxAgeHours * 3_600_000),
  };
}

/** Splits `items` into batches of at most `size`, in order. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError('a batch holds at least one item');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Runs `work` on every item with at most `parallelism` running at once; stops taking new items
 * once `signal` fires. Rejects with the first failure after the running ones settle.
 */
export async function inParallel<T>(
  items: readonly T[],
  parallelism: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const lane = async (): Promise<void> => {
    while (next < items.length && failure === null && !signal?.aborted) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallelism, items.length)) }, lane));
  if (failure !== null) throw failure;
}

/** Harbor's GC `job_parameters` (the execution's `extra_attrs` before the results are added). */
export function gcJobParameters(payload: TGcPayload): Record<string, unknown> {
  return { delete_untagged: payload.deleteUntagged, dry_run: payload.dryRun, workers: payload.workers };
}

/** Bytes as Harbor's GC log shows them: whole MB with the exact byte count. */
export function formatFreed(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB (${bytes} bytes)`;
}
