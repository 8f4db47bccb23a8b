import type { AuditLogRepository } from '@berth/db';
import { defineProcessor, purgeAuditJob, type JobProcessor } from '@berth/jobs';

export interface PurgeAuditOptions {
  /** Entries deleted per statement. Default 10 000. */
  batchSize?: number;
}

/**
 * Deletes audit log entries older than the retention window (of the listed operations only, when
 * some are listed), in batches, reporting entries done of entries to delete; a dry run only counts.
 * Stops between batches when asked. The execution's `extra_attrs` get `purged` (or, dry, `would_purge`).
 */
export function purgeAuditProcessor(
  auditLog: AuditLogRepository,
  options: PurgeAuditOptions = {},
): JobProcessor<typeof purgeAuditJob> {
  const batchSize = options.batchSize ?? 10_000;
  return defineProcessor(purgeAuditJob, async ({ payload, signal, log, progress, updateExecutionAttrs }) => {
    const before = new Date(Date.now() - payload.retentionHours * 3600_000);
    const operations = payload.includeOperations;
    const scope = operations.length > 0 ? `operations ${operations.join(', ')}` : 'every operation';
    const total = await auditLog.countOlderThan(before, operations);
    log.info(`${total} audit log entries of ${scope} are older than ${before.toISOString()}`);
    await progress(0, total);
    if (payload.dryRun) {
      await updateExecutionAttrs({ would_purge: total });
      log.info(`dry run: ${total} entries would be deleted`);
      return;
    }
    let purged = 0;
    while (!signal.aborted) {
      const deleted = await auditLog.deleteOlderThan(before, operations, batchSize);
      purged += deleted;
      await progress(purged, Math.max(total, purged));
      if (deleted < batchSize) break;
    }
    await updateExecutionAttrs({ purged });
    log.info(signal.aborted ? `stopped after deleting ${purged} entries` : `deleted ${purged} entries`);
  });
}
