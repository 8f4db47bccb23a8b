import { createHash } from 'node:crypto';
import {
  JobAbortedError,
  assertJobId,
  type CloseOptions,
  type EnqueueRequest,
  type JobData,
  type JobHandler,
  type JobKind,
  type JobQueue,
  type JobQueueStats,
  type ProcessOptions,
  type QueuedJobState,
} from '@berth/jobs';
import PgBoss from 'pg-boss';
import {
  ABORT_SETTLE_MS,
  abortedForClosing,
  abortedForLostLock,
  consoleQueueLogger,
  idle,
  messageOf,
  settlesWithin,
  type QueueLogger,
} from './adapter-support.js';

export interface PgBossJobQueueOptions {
  /** The PostgreSQL to keep jobs in (Berth's own database: its `schema` is pg-boss's alone). */
  databaseUrl: string;
  /** Default `pgboss`. */
  schema?: string;
  /**
   * How long a running job's claim lasts without renewal (renewed at a third of it). When a worker
   * dies, its job runs again on another within about this long. Default 30 s.
   */
  stallTimeoutMs?: number;
  /** How often an idle consumer looks for jobs other processes queued. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Connections of pg-boss's own pool. Default 4. */
  maxConnections?: number;
  logger?: QueueLogger;
}

/** What this adapter keeps in a job's `data` column: the caller's id beside the caller's data. */
interface Envelope {
  id: string;
  data: JobData;
}

interface Consumer {
  kind: JobKind;
  handler: JobHandler;
  concurrency: number;
}

interface RunningJob {
  kindName: string;
  /** The row's `started_on` when this consumer claimed it: a later claim by another changes it. */
  startedOn: Date;
  controller: AbortController;
  settled: Promise<void>;
}

/** pg-boss's job state enum, in its order. */
const WAITING_STATES = "('created', 'retry')";

/**
 * The embedded engine: pg-boss 10 on Berth's PostgreSQL, so `pnpm start` needs no Redis. pg-boss
 * stores, claims (`SKIP LOCKED`), retries and archives jobs; this adapter adds what the port asks
 * and pg-boss 10 lacks, in pg-boss's schema:
 * - claims are renewed while a handler runs (the row's `expire_in` is pushed forward), so a long
 *   job is not expired, and a dead worker's job is expired (`boss.expire()`, run here every few
 *   seconds rather than at pg-boss's two-minute maintenance) and retried by another worker;
 * - a `berth_paused_queue` table, read before every fetch, pauses a kind for every process;
 * - its own fetch loop, so concurrency, pause and handing a job back on close are exact.
 * Job ids are UUIDs derived from the caller's ids (pg-boss's ids are UUIDs); the caller's id
 * travels in the job's data.
 */
export class PgBossJobQueue implements JobQueue {
  readonly engine = 'pg-boss';
  private readonly schema: string;
  private readonly stallTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly logger: QueueLogger;
  private readonly boss: PgBoss;
  private started: Promise<void> | null = null;
  private readonly knownQueues = new Map<string, Promise<void>>();
  private readonly consumers = new Map<string, Consumer>();
  private readonly running = new Map<string, RunningJob>();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private nudged = false;
  private closing: Promise<void> | null = null;
  private stopped = false;
  private lastExpire = 0;
  private lastRenew = 0;
  private bossStopped = false;

  constructor(options: PgBossJobQueueOptions) {
    this.schema = options.schema ?? 'pgboss';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.schema))
      throw new Error(`invalid pg-boss schema name ${this.schema}`);
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.logger = options.logger ?? consoleQueueLogger;
    this.boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: this.schema,
      max: options.maxConnections ?? 4,
      application_name: 'berth-jobs',
      // pg-boss's own cron scheduler is not used: Berth's schedules live in its `schedule` table.
      schedule: false,
      supervise: true,
      migrate: true,
      archiveCompletedAfterSeconds: 24 * 3600,
    });
    this.boss.on('error', (error) => this.logger.error(`job queue: ${messageOf(error)}`));
  }

  /** Installs or migrates pg-boss's schema and the pause table; called by every operation. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.boss.start();
      // One process at a time, so two first starts do not race on CREATE TABLE.
      // Several statements in one simple query run as one transaction: the lock is held to its end.
      await this.sql(
        `SELECT pg_advisory_xact_lock(hashtext('${this.schema}.berth_paused_queue'));
         CREATE TABLE IF NOT EXISTS ${this.schema}.berth_paused_queue (
           name text PRIMARY KEY,
           paused_at timestamptz NOT NULL DEFAULT now()
         );`,
      );
    })();
    return this.started;
  }

  async enqueue(kind: JobKind, request: EnqueueRequest): Promise<void> {
    await this.enqueueMany(kind, [request]);
  }

  async enqueueMany(kind: JobKind, requests: readonly EnqueueRequest[]): Promise<void> {
    if (requests.length === 0) return;
    for (const request of requests) assertJobId(request.id);
    await this.ensureQueue(kind);
    const backoff = this.retryOptions(kind);
    // pg-boss's insert() takes no delay per job, so delayed jobs go one by one through send().
    const now = requests.filter((request) => !request.delayMs || request.delayMs <= 0);
    const later = requests.filter((request) => request.delayMs && request.delayMs > 0);
    if (now.length > 0) {
      await this.boss.insert(
        now.map((request) => ({
          id: uuidOf(kind.name, request.id),
          name: kind.name,
          data: { id: request.id, data: request.data } satisfies Envelope,
          ...backoff,
        })),
      );
    }
    for (const request of later) {
      await this.boss.send(kind.name, { id: request.id, data: request.data } satisfies Envelope, {
        id: uuidOf(kind.name, request.id),
        startAfter: `${Math.round(request.delayMs!)} milliseconds`,
        ...backoff,
      });
    }
    if (this.consumers.has(kind.name)) this.nudge();
  }

  async process(kind: JobKind, handler: JobHandler, options: ProcessOptions = {}): Promise<void> {
    if (this.closing) throw new Error('the job queue is closed');
    if (this.consumers.has(kind.name)) throw new Error(`job kind ${kind.name} is processed already`);
    await this.ensureQueue(kind);
    this.consumers.set(kind.name, { kind, handler, concurrency: options.concurrency ?? kind.concurrency });
    this.loop ??= this.runLoop();
    this.nudge();
  }

  async remove(kind: JobKind, id: string): Promise<boolean> {
    await this.ensureQueue(kind);
    const { rows } = await this.sql(
      `DELETE FROM ${this.schema}.job WHERE name = $1 AND id = $2 AND state IN ${WAITING_STATES} RETURNING id`,
      [kind.name, uuidOf(kind.name, id)],
    );
    return rows.length === 1;
  }

  async state(kind: JobKind, id: string): Promise<QueuedJobState | null> {
    await this.ensureQueue(kind);
    const { rows } = await this.sql(
      `SELECT state, start_after > now() AS later FROM ${this.schema}.job WHERE name = $1 AND id = $2
       UNION ALL
       SELECT state, false FROM ${this.schema}.archive WHERE name = $1 AND id = $2
       LIMIT 1`,
      [kind.name, uuidOf(kind.name, id)],
    );
    const row = rows[0] as { state: string; later: boolean } | undefined;
    if (!row) return null;
    switch (row.state) {
      case 'created':
      case 'retry':
        return row.later ? 'delayed' : 'waiting';
      case 'active':
      case 'completed':
      case 'failed':
        return row.state;
      default:
        return null;
    }
  }

  async pause(kind: JobKind): Promise<void> {
    await this.ensureQueue(kind);
    await this.sql(
      `INSERT INTO ${this.schema}.berth_paused_queue (name) VALUES ($1) ON CONFLICT DO NOTHING`,
      [kind.name],
    );
  }

  async resume(kind: JobKind): Promise<void> {
    await this.ensureQueue(kind);
    await this.sql(`DELETE FROM ${this.schema}.berth_paused_queue WHERE name = $1`, [kind.name]);
    this.nudge();
  }

  async stats(kind: JobKind): Promise<JobQueueStats> {
    await this.ensureQueue(kind);
    const { rows } = await this.sql(
      `SELECT
         count(*) FILTER (WHERE state IN ${WAITING_STATES} AND start_after <= now())::int AS waiting,
         count(*) FILTER (WHERE state IN ${WAITING_STATES} AND start_after > now())::int AS delayed,
         count(*) FILTER (WHERE state = 'active')::int AS active,
         coalesce(extract(epoch FROM now() - min(start_after)
           FILTER (WHERE state IN ${WAITING_STATES} AND start_after <= now())) * 1000, 0)::bigint AS latency,
         EXISTS (SELECT 1 FROM ${this.schema}.berth_paused_queue WHERE name = $1) AS paused
       FROM ${this.schema}.job WHERE name = $1`,
      [kind.name],
    );
    const row = rows[0] as {
      waiting: number;
      delayed: number;
      active: number;
      latency: string;
      paused: boolean;
    };
    return {
      waiting: row.waiting,
      delayed: row.delayed,
      active: row.active,
      latencyMs: Number(row.latency),
      paused: row.paused,
    };
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.closeAll(options.graceMs ?? 10_000);
    return this.closing;
  }

  /**
   * Stops at once, as a killed process would: running jobs are neither completed nor handed back,
   * and their claims are no longer renewed, so they come back only through expiry. For tests.
   */
  async disconnectAbruptly(): Promise<void> {
    this.closing ??= (async () => {
      this.stopped = true;
      this.wake?.();
      this.running.clear();
      await this.stopBoss();
    })();
    await this.closing;
  }

  private async closeAll(graceMs: number): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop?.catch(() => undefined);
    const settled = Promise.all([...this.running.values()].map((job) => job.settled));
    if (!(await settlesWithin(settled, graceMs))) {
      for (const job of this.running.values()) job.controller.abort(new JobAbortedError('closing'));
      if (!(await settlesWithin(settled, ABORT_SETTLE_MS))) {
        this.logger.warn('job queue: handlers still running after abort; leaving their jobs to expire');
      }
    }
    this.running.clear();
    await this.stopBoss();
  }

  private async stopBoss(): Promise<void> {
    this.bossStopped = true;
    if (this.started) await this.boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  }

  private nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private async runLoop(): Promise<void> {
    await this.start();
    while (!this.stopped) {
      try {
        await this.tick();
      } catch (error) {
        if (!this.stopped) this.logger.error(`job queue: ${messageOf(error)}`);
      }
      await this.sleep(this.pollIntervalMs);
    }
  }

  /** One round: renew claims, expire dead workers' claims, then fetch for every kind with room. */
  private async tick(): Promise<void> {
    const now = Date.now();
    if (now - this.lastExpire >= Math.min(5000, this.stallTimeoutMs / 2)) {
      this.lastExpire = now;
      await this.boss.expire();
    }
    const { rows } = await this.sql<{ name: string }>(`SELECT name FROM ${this.schema}.berth_paused_queue`);
    const paused = new Set(rows.map((row) => row.name));
    for (const consumer of this.consumers.values()) {
      if (this.stopped) return;
      if (paused.has(consumer.kind.name)) continue;
      const mine = [...this.running.values()].filter((job) => job.kindName === consumer.kind.name).length;
      const room = consumer.concurrency - mine;
      if (room <= 0) continue;
      const jobs = await this.boss.fetch<Envelope>(consumer.kind.name, {
        batchSize: room,
        includeMetadata: true,
      });
      for (const job of jobs ?? []) this.launch(consumer, job);
      // The claim lasts what the enqueuer set; from now on it lasts this consumer's stall timeout.
      if (jobs && jobs.length > 0) this.lastRenew = 0;
    }
    if (Date.now() - this.lastRenew >= this.stallTimeoutMs / 3) {
      this.lastRenew = Date.now();
      await this.renewClaims();
    }
  }

  private launch(consumer: Consumer, job: PgBoss.JobWithMetadata<Envelope>): void {
    const controller = new AbortController();
    const entry: RunningJob = {
      kindName: consumer.kind.name,
      startedOn: job.startedOn,
      controller,
      settled: Promise.resolve(),
    };
    this.running.set(job.id, entry);
    entry.settled = this.run(consumer, job, controller.signal).finally(() => {
      if (this.running.get(job.id) === entry) this.running.delete(job.id);
      this.nudge();
    });
  }

  private async run(
    consumer: Consumer,
    job: PgBoss.JobWithMetadata<Envelope>,
    signal: AbortSignal,
  ): Promise<void> {
    const name = consumer.kind.name;
    let failure: unknown = null;
    try {
      await consumer.handler(
        {
          id: job.data.id,
          kind: name,
          data: job.data.data,
          attempt: job.retryCount + 1,
          maxAttempts: job.retryLimit + 1,
          enqueuedAt: job.createdOn,
        },
        signal,
      );
    } catch (error) {
      failure = error;
    }
    // After close gave up on this handler, pg-boss's pool is gone: its job expires instead.
    if (this.bossStopped) return;
    try {
      if (abortedForLostLock(signal)) return;
      if (failure === null) {
        await this.boss.complete(name, job.id);
      } else if (abortedForClosing(signal)) {
        // Back to waiting as if never started: no attempt spent (pg-boss counts a retry at fetch
        // only when `started_on` is set).
        await this.sql(
          `UPDATE ${this.schema}.job SET state = 'created', started_on = NULL, start_after = now()
           WHERE name = $1 AND id = $2 AND state = 'active' AND date_trunc('milliseconds', started_on) = $3`,
          [name, job.id, job.startedOn],
        );
      } else {
        await this.boss.fail(name, job.id, { message: messageOf(failure) });
      }
    } catch (error) {
      this.logger.error(
        `job queue (${name}): recording the end of job ${job.data.id} failed: ${messageOf(error)}`,
      );
    }
  }

  /**
   * Pushes the expiry of every job this process runs forward. A claim that is gone (expired, then
   * maybe taken by another worker) aborts its handler with `lock-lost`.
   */
  private async renewClaims(): Promise<void> {
    const entries = [...this.running.entries()];
    if (entries.length === 0) return;
    const { rows } = await this.sql<{ id: string }>(
      `UPDATE ${this.schema}.job j SET expire_in = (now() - j.started_on) + $4 * interval '1 millisecond'
       FROM unnest($1::text[], $2::uuid[], $3::timestamptz[]) AS held (name, id, started_on)
       WHERE j.name = held.name AND j.id = held.id AND j.state = 'active'
         AND date_trunc('milliseconds', j.started_on) = held.started_on
       RETURNING j.id`,
      [
        entries.map(([, job]) => job.kindName),
        entries.map(([id]) => id),
        entries.map(([, job]) => job.startedOn),
        this.stallTimeoutMs,
      ],
    );
    const renewed = new Set(rows.map((row) => row.id));
    for (const [id, job] of entries) {
      if (!renewed.has(id) && this.running.get(id) === job) {
        this.logger.warn(`job queue (${job.kindName}): lost the claim on job ${id}`);
        job.controller.abort(new JobAbortedError('lock-lost'));
      }
    }
  }

  private ensureQueue(kind: JobKind): Promise<void> {
    let ready = this.knownQueues.get(kind.name);
    if (!ready) {
      ready = (async () => {
        await this.start();
        // pg-boss attaches a partition per queue, and two sessions creating queues at once deadlock
        // on the parent table: creations are serialized by a lock (pg-boss's createQueue would
        // take none). The kind's name is a plain identifier and the options are numbers and
        // booleans, so they are written into the statement (a multi-statement query takes no parameters).
        const options = JSON.stringify({ policy: 'standard', ...this.retryOptions(kind) }).replaceAll(
          "'",
          "''",
        );
        for (let attempt = 1; ; attempt++) {
          try {
            // Several statements in one simple query run as one transaction, rolled back on error.
            await this.sql(
              `SELECT pg_advisory_xact_lock(hashtext('${this.schema}.create_queue'));
               SELECT ${this.schema}.create_queue('${kind.name.replaceAll("'", "''")}', '${options}'::json);`,
            );
            return;
          } catch (error) {
            // A deadlock with pg-boss's own maintenance is still possible: the loser simply retries.
            if ((error as { code?: unknown }).code !== '40P01' || attempt >= 5) throw error;
            await idle(50 * attempt + Math.floor(Math.random() * 50));
          }
        }
      })();
      ready.catch(() => this.knownQueues.delete(kind.name));
      this.knownQueues.set(kind.name, ready);
    }
    return ready;
  }

  private retryOptions(kind: JobKind): {
    retryLimit: number;
    retryDelay: number;
    retryBackoff: boolean;
    expireInSeconds: number;
  } {
    return {
      retryLimit: kind.attempts - 1,
      // pg-boss counts retry delays in whole seconds.
      retryDelay: Math.ceil(kind.backoff.delayMs / 1000),
      retryBackoff: kind.backoff.type === 'exponential',
      expireInSeconds: Math.max(1, Math.ceil(this.stallTimeoutMs / 1000)),
    };
  }

  private async sql<R = Record<string, unknown>>(
    text: string,
    values: unknown[] = [],
  ): Promise<{ rows: R[] }> {
    return (await this.boss.getDb().executeSql(text, values)) as { rows: R[] };
  }

  private sleep(ms: number): Promise<void> {
    if (this.nudged || this.stopped) {
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

/** A UUID derived from a kind and a job id (the same pair, the same UUID: pg-boss dedupes on it). */
export function uuidOf(kindName: string, id: string): string {
  const hex = createHash('sha256').update(`${kindName}\u0000${id}`).digest('hex');
  // Version 8 (custom), RFC 4122 variant.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
