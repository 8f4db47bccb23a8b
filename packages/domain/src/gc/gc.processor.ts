import { randomUUID } from 'node:crypto';
import type { GcBlob, GcRepository } from '@berth/db';
import { RegistryError, type BlobDriver, type ChangeOrigin, type ManifestService } from '@berth/distribution';
import { PermanentJobError, defineProcessor, gcJob, type JobProcessor, type TaskLog } from '@berth/jobs';
import {
  DEFAULT_GC_WINDOWS,
  batches,
  formatFreed,
  gcCutoffs,
  gcJobParameters,
  inParallel,
  type GcWindows,
} from './gc-decision.js';

export interface GcProcessorDeps {
  gc: GcRepository;
  /** Untagged manifests are deleted through the engine (quota, references, the DELETE event). */
  registry: { manifests: ManifestService };
  /** The storage the core writes blobs to; null in a process that has none (runs end in Error). */
  blobs: BlobDriver | null;
  windows?: GcWindows;
  /** Blobs per locked sweep and byte deletion. Default 500. */
  batchSize?: number;
  now?: () => number;
}

/** Who GC's changes are by, in their events and the audit log. */
export const GC_ACTOR = 'garbage-collection';

/** Index rounds of untagged manifests at most (an index's children go the round after it). */
const MAX_ROUNDS = 16;

/** Files deleted at once within one batch. */
const FILE_PARALLELISM = 16;

/**
 * Garbage collection (docs/gc.md). In order: finishes byte deletions a killed run left pending;
 * with `deleteUntagged`, deletes untagged manifests older than the grace window that no index
 * lists and that are no accessory of a manifest that stays, round after round, through the engine;
 * frees unreferenced blobs (rows under lock, then bytes under the blob guard) in batches, `workers`
 * at once; removes upload sessions older than the maximum age with their bytes. A dry run finds
 * the same manifests and blobs (the deletions done in a transaction that is rolled back) and
 * reports them without changing anything. Stops between batches when asked.
 *
 * The execution's `extra_attrs` are Harbor's GC job parameters (`delete_untagged`, `dry_run`,
 * `workers`) with the results: `purged_manifests`, `purged_blobs`, `freed_space` (bytes), and
 * Berth's `purged_uploads`; progress is blobs done of blobs to free.
 */
export function gcProcessor(deps: GcProcessorDeps): JobProcessor<typeof gcJob> {
  const windows = deps.windows ?? DEFAULT_GC_WINDOWS;
  const batchSize = deps.batchSize ?? 500;
  const now = deps.now ?? Date.now;
  return defineProcessor(gcJob, async ({ payload, log, signal, progress, updateExecutionAttrs }) => {
    const driver = deps.blobs;
    if (!driver) throw new PermanentJobError('this process has no blob storage to collect');
    const cutoffs = gcCutoffs(now(), windows);
    const parameters = gcJobParameters(payload);
    await updateExecutionAttrs(parameters);
    log.info(
      `start to run gc in job. delete untagged: ${payload.deleteUntagged}, dry run: ${payload.dryRun}, ` +
        `workers: ${payload.workers}; grace window ${windows.graceMinutes} min (before ` +
        `${cutoffs.grace.toISOString()}), uploads older than ${windows.uploadMaxAgeHours} h`,
    );

    if (payload.dryRun) {
      const pending = await deps.gc.pendingDeletions();
      const simulation = await deps.gc.simulate({
        deleteUntagged: payload.deleteUntagged,
        manifestCutoff: cutoffs.grace,
        graceCutoff: cutoffs.grace,
        maxRounds: MAX_ROUNDS,
      });
      const blobs = union(pending, simulation.blobs);
      const uploads = await deps.gc.staleUploads(cutoffs.uploads);
      for (const m of simulation.manifests)
        log.info(`[DRY-RUN] would delete manifest ${m.repository}@${m.digest}`);
      for (const blob of blobs) log.info(`[DRY-RUN] would delete blob ${blob.digest} (${blob.size} bytes)`);
      const freed = sum(blobs);
      await progress(blobs.length, blobs.length);
      await updateExecutionAttrs({
        purged_manifests: simulation.manifests.length,
        purged_blobs: blobs.length,
        freed_space: freed,
        purged_uploads: uploads.length,
      });
      log.info(
        `[DRY-RUN] ${blobs.length} blobs and ${simulation.manifests.length} manifests eligible for deletion, ` +
          `${uploads.length} upload sessions abandoned`,
      );
      log.info(`[DRY-RUN] The GC could free up ${formatFreed(freed)}.`);
      return;
    }

    const remove = (digests: string[]) =>
      inParallel(digests, FILE_PARALLELISM, async (digest) => {
        await driver.delete(digest);
      });
    const totals = { manifests: 0, blobs: 0, bytes: 0, uploads: 0, done: 0, total: 0 };
    const report = async () => {
      await progress(totals.done, totals.total);
      await updateExecutionAttrs({
        purged_manifests: totals.manifests,
        purged_blobs: totals.blobs,
        freed_space: totals.bytes,
        purged_uploads: totals.uploads,
      });
    };

    // 1. A killed run's byte deletions, before anything else.
    const pending = await deps.gc.pendingDeletions();
    if (pending.length > 0) log.info(`finishing ${pending.length} blob deletions of an earlier run`);
    totals.total = pending.length;
    await inParallel(
      batches(pending, batchSize),
      payload.workers,
      async (batch) => {
        const deleted = await deps.gc.deleteBytes(batch, remove);
        count(totals, deleted, batch.length);
        for (const blob of deleted) log.info(`delete blob from storage: ${blob.digest}`);
        await report();
      },
      signal,
    );

    // 2. Untagged manifests.
    if (payload.deleteUntagged && !signal.aborted) {
      totals.manifests = await deleteUntagged(deps, cutoffs.grace, payload.workers, log, signal);
    }

    // 3. Unreferenced blobs.
    if (!signal.aborted) {
      const candidates = await deps.gc.eligibleBlobs(cutoffs.grace);
      totals.total += candidates.length;
      log.info(`${candidates.length} blobs (${formatFreed(sum(candidates))}) are eligible for deletion`);
      await report();
      await inParallel(
        batches(candidates, batchSize),
        payload.workers,
        async (batch) => {
          const swept = await deps.gc.sweepBlobs(
            batch.map((blob) => blob.digest),
            cutoffs.grace,
          );
          const deleted = await deps.gc.deleteBytes(swept, remove);
          count(totals, deleted, batch.length);
          for (const blob of deleted) log.info(`delete blob from storage: ${blob.digest}`);
          if (swept.length < batch.length) {
            log.info(`${batch.length - swept.length} blobs of a batch were referenced or used again: kept`);
          }
          await report();
        },
        signal,
      );
    }

    // 4. Abandoned uploads.
    if (!signal.aborted) totals.uploads = await removeUploads(deps, driver, cutoffs.uploads, log);
    await report();

    if (signal.aborted) {
      log.info(
        `GC stopped: ${totals.blobs} blobs and ${totals.manifests} manifests deleted so far, ` +
          `${formatFreed(totals.bytes)} freed`,
      );
      return;
    }
    log.info(
      `${totals.blobs} blobs and ${totals.manifests} manifests are actually deleted, ` +
        `${totals.uploads} abandoned upload sessions removed`,
    );
    log.info(`The GC job actual frees up ${formatFreed(totals.bytes)}.`);
    log.info('success to run gc in job.');
  });
}

function count(totals: { blobs: number; bytes: number; done: number }, deleted: GcBlob[], handled: number) {
  totals.blobs += deleted.length;
  totals.bytes += sum(deleted);
  totals.done += handled;
}

/** Deletes untagged manifests round after round; resolves how many went. */
async function deleteUntagged(
  deps: GcProcessorDeps,
  cutoff: Date,
  workers: number,
  log: TaskLog,
  signal: AbortSignal,
): Promise<number> {
  const origin: ChangeOrigin = {
    actor: GC_ACTOR,
    request: { id: randomUUID(), addr: '', host: '', method: 'GC', useragent: 'berth-gc' },
    sourceAddr: '',
  };
  let deleted = 0;
  const skipped = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS && !signal.aborted; round++) {
    const candidates = (await deps.gc.untaggedManifests(cutoff, 10_000)).filter(
      (m) => !skipped.has(`${m.repository}@${m.digest}`),
    );
    if (candidates.length === 0) break;
    let deletedThisRound = 0;
    await inParallel(
      candidates,
      workers,
      async (manifest) => {
        try {
          // Checked again under the manifest's lock: a tag or index pushed meanwhile keeps it.
          await deps.registry.manifests.delete(manifest.repository, manifest.digest, origin, undefined, {
            untaggedOnly: true,
          });
          deleted += 1;
          deletedThisRound += 1;
          log.info(`delete the manifest with registry v2 API: ${manifest.repository}, ${manifest.digest}`);
        } catch (error) {
          skipped.add(`${manifest.repository}@${manifest.digest}`);
          if (error instanceof RegistryError && error.code === 'MANIFEST_UNKNOWN') {
            log.info(
              `manifest ${manifest.repository}@${manifest.digest} was tagged, listed or deleted meanwhile: kept`,
            );
            return;
          }
          log.warn(
            `failed to delete manifest ${manifest.repository}@${manifest.digest}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      },
      signal,
    );
    if (deletedThisRound === 0) break;
  }
  return deleted;
}

/** Removes upload sessions older than the cutoff and upload bytes without a session; resolves how many sessions went. */
async function removeUploads(
  deps: GcProcessorDeps,
  driver: BlobDriver,
  cutoff: Date,
  log: TaskLog,
): Promise<number> {
  let removed = 0;
  for (const upload of await deps.gc.staleUploads(cutoff)) {
    if (!(await deps.gc.deleteUpload(upload.id, cutoff))) continue;
    await driver.cancel(upload.id);
    removed += 1;
    log.info(
      `removed upload ${upload.id} of ${upload.repository}, started ${upload.createdAt.toISOString()}`,
    );
  }
  // Bytes of uploads whose session is gone (a crash between the two) or that never had one.
  const orphans: string[] = [];
  for await (const upload of driver.listUploads()) {
    if (upload.modifiedAt < cutoff) orphans.push(upload.uploadId);
  }
  const known = await deps.gc.knownUploads(orphans);
  for (const id of orphans) {
    if (known.has(id)) continue;
    await driver.cancel(id);
    log.info(`removed upload data ${id} without a session`);
  }
  return removed;
}

/** Blobs of both lists, once each. */
function union(a: GcBlob[], b: GcBlob[]): GcBlob[] {
  const byDigest = new Map<string, GcBlob>();
  for (const blob of [...a, ...b]) byDigest.set(blob.digest, blob);
  return [...byDigest.values()];
}

function sum(blobs: readonly GcBlob[]): number {
  return blobs.reduce((total, blob) => total + blob.size, 0);
}
