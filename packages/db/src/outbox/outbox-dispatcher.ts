import pg from 'pg';
import type { Database } from '../database.js';
import type { OutboxEntry, OutboxTopic } from './outbox-message.js';
import { OutboxRepository } from './outbox.repository.js';

/**
 * Something that reacts to outbox events (the audit log, pull statistics, webhooks, replication).
 * Delivery is at least once, so `handle` must be idempotent: after a crash between a subscriber's
 * success and the row's deletion the row comes again (the audit log ignores event ids it has).
 */
export interface OutboxSubscriber {
  /** Names the subscriber in logs. */
  readonly name: string;
  readonly topics: readonly OutboxTopic[];
  /** Handles entries in id order; a rejection retries the whole batch later. */
  handle(entries: OutboxEntry[]): Promise<void>;
}

export interface OutboxDispatcherOptions {
  /** Rows per delivery batch. */
  batchSize?: number;
  /** How often an idle dispatcher looks for rows another process wrote. */
  pollIntervalMs?: number;
  /** How often a process that is not the dispatcher tries to become it. */
  leaseRetryMs?: number;
  logger?: { warn(message: string): void; error(message: string): void };
}

/** The session advisory lock that makes one process of all sharing the database the dispatcher. */
const DISPATCHER_LOCK = [0x62657274, 0x6f757462] as const; // 'bert', 'outb'
const MAX_RETRY_DELAY_MS = 10 * 60_000;

/**
 * Delivers outbox rows to subscribers and deletes them. Among all processes on one database exactly
 * one dispatches at a time (a session advisory lock on a connection of its own; when that process
 * dies the lock goes with its connection and another takes over), so rows are delivered in id
 * order, which within a partition is commit order. A batch that a subscriber fails is retried with
 * exponential backoff; later rows of the same partitions wait for it.
 */
export class OutboxDispatcher {
  private readonly outbox: OutboxRepository;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseRetryMs: number;
  private readonly logger: NonNullable<OutboxDispatcherOptions['logger']>;
  private lease: pg.Client | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private nudged = false;
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly subscribers: readonly OutboxSubscriber[],
    options: OutboxDispatcherOptions = {},
  ) {
    this.outbox = new OutboxRepository(database);
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.leaseRetryMs = options.leaseRetryMs ?? 2000;
    this.logger = options.logger ?? {
      warn: (message) => console.warn(message),
      error: (message) => console.error(message),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks for a look at the outbox now (this process just committed something). */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Whether this process holds the dispatcher's lease. */
  get isLeader(): boolean {
    return this.lease !== null;
  }

  /**
   * Delivers what is ready now, then resolves; for shutdown and tests. Only the leader delivers: a
   * process that is not resolves at once.
   */
  async drain(): Promise<void> {
    while (this.lease && (await this.deliverBatch())) {
      // keep going until nothing is ready
    }
  }

  /** Finishes the batch in hand, then gives up the lease. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.lease && !(await this.acquireLease())) {
          await this.sleep(this.leaseRetryMs);
          continue;
        }
        const delivered = await this.deliverBatch();
        if (!delivered) await this.sleep(this.pollIntervalMs);
      } catch (error) {
        this.logger.error(`outbox dispatcher: ${error instanceof Error ? error.message : String(error)}`);
        await this.releaseLease(true);
        await this.sleep(this.leaseRetryMs);
      }
    }
    await this.releaseLease(false);
  }

  /** Delivers one batch; resolves false when nothing was ready. One batch at a time. */
  private deliverBatch(): Promise<boolean> {
    const next = this.delivering.then(() => this.deliverOneBatch());
    this.delivering = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private async deliverOneBatch(): Promise<boolean> {
    // The lease's connection must still be alive: if it dropped, another process may hold the lock.
    if (!this.lease) return false;
    await this.lease.query('SELECT 1');
    const entries = await this.outbox.claim(this.batchSize);
    if (entries.length === 0) return false;
    const sequences = entries.map((entry) => entry.sequence);
    const failures: string[] = [];
    for (const subscriber of this.subscribers) {
      const mine = entries.filter((entry) => subscriber.topics.includes(entry.topic));
      if (mine.length === 0) continue;
      try {
        await subscriber.handle(mine);
      } catch (error) {
        failures.push(`${subscriber.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length === 0) {
      await this.outbox.complete(sequences);
      return true;
    }
    const attempts = Math.max(...entries.map((entry) => entry.attempts)) + 1;
    const delay = Math.min(1000 * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
    this.logger.warn(
      `outbox: ${entries.length} events not delivered (attempt ${attempts}), retrying in ${delay} ms: ${failures.join('; ')}`,
    );
    await this.outbox.fail(sequences, failures.join('; '), delay);
    return true;
  }

  private async acquireLease(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.database.url, application_name: 'berth-outbox' });
    client.on('error', () => {
      // A dropped lease connection: the loop notices on its next query and lets the lease go.
      if (this.lease === client) this.lease = null;
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, $2) AS locked',
        [...DISPATCHER_LOCK],
      );
      if (rows[0]?.locked) {
        this.lease = client;
        return true;
      }
    } catch {
      // The database is away: try again later.
    }
    await client.end().catch(() => undefined);
    return false;
  }

  private async releaseLease(broken: boolean): Promise<void> {
    const client = this.lease;
    this.lease = null;
    if (!client) return;
    if (!broken)
      await client.query('SELECT pg_advisory_unlock($1, $2)', [...DISPATCHER_LOCK]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    if (this.nudged || !this.running) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        this.nudged = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
