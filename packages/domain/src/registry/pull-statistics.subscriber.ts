import type { ManifestPulls, OutboxEntry, OutboxSubscriber, PullStatisticsRepository } from '@berth/db';
import { isManifestMediaType } from '@berth/distribution';

/**
 * Counts manifest pulls from the outbox's registry events into the artifacts' statistics, one
 * UPDATE per batch. At least once: a batch redelivered after a crash counts its pulls again, which
 * statistics tolerate (the audit log, which must not, ignores redelivered event ids).
 */
export class PullStatisticsSubscriber implements OutboxSubscriber {
  readonly name = 'pull statistics';
  readonly topics = ['registry'] as const;

  constructor(private readonly statistics: PullStatisticsRepository) {}

  async handle(entries: OutboxEntry[]): Promise<void> {
    const pulls = new Map<string, ManifestPulls>();
    for (const entry of entries) {
      if (entry.topic !== 'registry') continue;
      for (const event of entry.events) {
        const { repository, digest, mediaType } = event.target;
        if (event.action !== 'pull' || !digest || !mediaType || !isManifestMediaType(mediaType)) continue;
        const at = new Date(event.timestamp);
        const last = Number.isNaN(at.getTime()) ? new Date() : at;
        const key = `${repository}@${digest}`;
        const known = pulls.get(key);
        if (known) {
          known.count += 1;
          if (last > known.last) known.last = last;
        } else {
          pulls.set(key, { repository, digest, count: 1, last });
        }
      }
    }
    await this.statistics.addPulls([...pulls.values()]);
  }
}
