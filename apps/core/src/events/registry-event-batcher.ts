import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { EventSink, RegistryEvent } from '@berth/distribution';
import { OutboxRepository } from '@berth/db';
import { BatchedFlusher } from '../common/batched-flusher.js';

/**
 * Short enough that a pull's event is written before it lives through two young-generation
 * collections: held for a second, every pull of a storm was promoted to the old generation and
 * grew it by megabytes a second until the next full collection. Five small writes a second cost
 * the database nothing next to the pulls themselves.
 */
const FLUSH_INTERVAL_MS = 200;
const MAX_PENDING = 50_000;

/**
 * The engine's EventSink for events that change nothing (pulls): they are kept in memory and
 * written to the outbox five times a second, one row per repository, so a pull never waits for a write.
 * Pulls still pending when the process is killed are lost; changes never travel this way, they
 * commit with their event.
 */
@Injectable()
export class RegistryEventBatcher implements EventSink, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('RegistryEvents');
  private readonly flusher = new BatchedFlusher<RegistryEvent>({
    intervalMs: FLUSH_INTERVAL_MS,
    write: (batch) => this.write(batch),
    onFailure: 'retry',
    maxPending: MAX_PENDING,
    warn: (message) => this.logger.warn(`registry events: ${message}`),
  });

  /** Told after each write, so the dispatcher delivers at once (`OutboxService` sets it). */
  onWritten: () => void = () => undefined;

  constructor(@Inject(OutboxRepository) private readonly outbox: OutboxRepository) {}

  onModuleInit(): void {
    this.flusher.start();
  }

  emit(event: RegistryEvent): void {
    this.flusher.add(event);
  }

  flush(): Promise<void> {
    return this.flusher.flush();
  }

  /** Writes what is pending and stops; `OutboxService` calls it before its last delivery. */
  async stop(): Promise<void> {
    await this.flusher.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async write(batch: RegistryEvent[]): Promise<void> {
    const byRepository = new Map<string, RegistryEvent[]>();
    for (const event of batch) {
      const list = byRepository.get(event.target.repository);
      if (list) list.push(event);
      else byRepository.set(event.target.repository, [event]);
    }
    await this.outbox.appendUnordered(
      [...byRepository.values()].map((events) => ({ topic: 'registry', events })),
    );
    this.onWritten();
  }
}
