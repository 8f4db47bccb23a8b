import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { isManifestMediaType, type RegistryEvent } from '@berth/distribution';
import { DatabaseService } from '../database/database.service.js';
import { RegistryEventsService } from '../registry/registry-events.service.js';

/** How often counted pulls are written. */
export const PULL_FLUSH_INTERVAL_MS = 1000;

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
  private pending = new Map<string, PendingPulls>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(RegistryEventsService) private readonly events: RegistryEventsService,
    @Inject(DatabaseService) private readonly database: DatabaseService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => this.record(event));
    this.timer = setInterval(() => void this.flush(), PULL_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Counts a manifest pull (blob pulls are ignored). */
  record(event: RegistryEvent): void {
    if (event.action !== 'pull') return;
    const { repository, digest, mediaType } = event.target;
    if (!digest || !mediaType || !isManifestMediaType(mediaType)) return;
    const at = new Date(event.timestamp);
    const last = Number.isNaN(at.getTime()) ? new Date() : at;
    const key = `${repository}@${digest}`;
    const entry = this.pending.get(key);
    if (entry) {
      entry.count++;
      if (last > entry.last) entry.last = last;
    } else {
      this.pending.set(key, { repository, digest, count: 1, last });
    }
  }

  /** Writes what was counted so far; one flush at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** The HTTP server is closed by now: the last pulls it served are counted here. */
  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    // A stable order, so concurrent writers of the same rows lock them in the same order.
    const batch = [...this.pending.values()].sort((a, b) =>
      a.repository === b.repository ? (a.digest < b.digest ? -1 : 1) : a.repository < b.repository ? -1 : 1,
    );
    this.pending = new Map();
    try {
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
    } catch (error) {
      // Put the counts back so the next flush retries them.
      for (const entry of batch) {
        const key = `${entry.repository}@${entry.digest}`;
        const current = this.pending.get(key);
        if (current) {
          current.count += entry.count;
          if (entry.last > current.last) current.last = entry.last;
        } else {
          this.pending.set(key, entry);
        }
      }
      this.logger.warn(
        `pull statistics not written yet: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
