import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { isManifestMediaType, type RegistryEvent } from '@berth/distribution';
import { BatchedFlusher } from '../common/batched-flusher.js';
import { DatabaseService } from '../database/database.service.js';
import { RegistryEventsService } from '../registry/registry-events.service.js';

/** How often counted pulls are written. */
export const PULL_FLUSH_INTERVAL_MS = 1000;
const MAX_PENDING_MANIFESTS = 100_000;

/** Pulls of one manifest since the last flush. */
interface PendingPulls {
  repository: string;
  digest: string;
  count: number;
  last: Date;
}

/**
 * Counts manifest pulls from the registry's events and writes them in one batched UPDATE a second,
 * so a pull never waits for a statistics write. Counts survive a failed write (they are retried
 * with the next flush) and are flushed when the application shuts down.
 */
@Injectable()
export class PullStatisticsService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(PullStatisticsService.name);
  private readonly flusher = new BatchedFlusher<PendingPulls>({
    intervalMs: PULL_FLUSH_INTERVAL_MS,
    write: (batch) => this.write(batch),
    key: (pulls) => `${pulls.repository}@${pulls.digest}`,
    merge: (pending, pulls) => {
      pending.count += pulls.count;
      if (pulls.last > pending.last) pending.last = pulls.last;
    },
    onFailure: 'retry',
    // One entry per pulled manifest, however many pulls: the bound is only for a long outage.
    maxPending: MAX_PENDING_MANIFESTS,
    warn: (message) => this.logger.warn(`pull statistics: ${message}`),
  });
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(RegistryEventsService) private readonly events: RegistryEventsService,
    @Inject(DatabaseService) private readonly database: DatabaseService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => this.record(event));
    this.flusher.start();
  }

  /** Counts a manifest pull (blob pulls are ignored). */
  record(event: RegistryEvent): void {
    if (event.action !== 'pull') return;
    const { repository, digest, mediaType } = event.target;
    if (!digest || !mediaType || !isManifestMediaType(mediaType)) return;
    const at = new Date(event.timestamp);
    this.flusher.add({ repository, digest, count: 1, last: Number.isNaN(at.getTime()) ? new Date() : at });
  }

  /** Writes what was counted so far; one flush at a time. */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flusher.stop();
  }

  /** The HTTP server is closed by now: the last pulls it served are counted here. */
  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.flusher.stop();
  }

  private async write(pending: PendingPulls[]): Promise<void> {
    // A stable order, so concurrent writers of the same rows lock them in the same order.
    const batch = [...pending].sort((a, b) =>
      a.repository === b.repository ? (a.digest < b.digest ? -1 : 1) : a.repository < b.repository ? -1 : 1,
    );
    await this.database.pool.query(
      `UPDATE manifest m
       SET pull_count = m.pull_count + v.count,
           pulled_at = GREATEST(COALESCE(m.pulled_at, v.last), v.last)
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[]) AS v (repository, digest, count, last)
       JOIN repository r ON r.name = v.repository
       WHERE m.repository_id = r.id AND m.digest = v.digest`,
      [
        batch.map((entry) => entry.repository),
        batch.map((entry) => entry.digest),
        batch.map((entry) => entry.count),
        batch.map((entry) => entry.last),
      ],
    );
  }
}
