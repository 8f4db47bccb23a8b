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
import { Queue, WaitingError, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import {
  ABORT_SETTLE_MS,
  abortedForClosing,
  consoleQueueLogger,
  messageOf,
  settlesWithin,
  type QueueLogger,
} from './adapter-support.js';

export interface BullMqJobQueueOptions {
  /** `redis://…` */
  redisUrl: string;
  /** Prefix of every Redis key, so several installations (or test runs) share one Redis. Default `berth`. */
  prefix?: string;
  /**
   * How long a job's lock lives without renewal. A worker renews it at half this; when the worker
   * dies, its job runs again on another within about twice this. Default 30 s.
   */
  stallTimeoutMs?: number;
  /** How long finished jobs are kept (their ids dedupe and their state reads) . Default one day. */
  keepFinishedMs?: number;
  logger?: QueueLogger;
}

interface Consumer {
  worker: Worker;
  /** The abort controller of each running job, by BullMQ job id. */
  running: Map<string, AbortController>;
}

/**
 * The production engine: one BullMQ queue per job kind on Redis. Locks with renewal and BullMQ's
 * stalled-job check hand a dead worker's job to another; pause is BullMQ's, shared through Redis.
 * Job ids are the caller's, escaped (BullMQ refuses `:` and all-digit ids).
 */
export class BullMqJobQueue implements JobQueue {
  readonly engine = 'bullmq';
  private readonly prefix: string;
  private readonly stallTimeoutMs: number;
  private readonly keepFinishedSeconds: number;
  private readonly logger: QueueLogger;
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly consumers = new Map<string, Consumer>();
  private closing: Promise<void> | null = null;

  constructor(private readonly options: BullMqJobQueueOptions) {
    this.prefix = options.prefix ?? 'berth';
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
    this.keepFinishedSeconds = Math.ceil((options.keepFinishedMs ?? 24 * 3600_000) / 1000);
    this.logger = options.logger ?? consoleQueueLogger;
    this.connection = this.newConnection();
  }

  async enqueue(kind: JobKind, request: EnqueueRequest): Promise<void> {
    await this.enqueueMany(kind, [request]);
  }

  async enqueueMany(kind: JobKind, requests: readonly EnqueueRequest[]): Promise<void> {
    if (requests.length === 0) return;
    const queue = this.queueOf(kind);
    await queue.addBulk(
      requests.map((request) => {
        assertJobId(request.id);
        return { name: kind.name, data: request.data, opts: this.jobOptions(kind, request) };
      }),
    );
  }

  async process(kind: JobKind, handler: JobHandler, options: ProcessOptions = {}): Promise<void> {
    if (this.closing) throw new Error('the job queue is closed');
    if (this.consumers.has(kind.name)) throw new Error(`job kind ${kind.name} is processed already`);
    const running = new Map<string, AbortController>();
    const worker = new Worker(
      kind.name,
      async (job: Job, token?: string, bullSignal?: AbortSignal) => {
        const controller = new AbortController();
        const jobId = job.id!;
        running.set(jobId, controller);
        bullSignal?.addEventListener('abort', () => controller.abort(new JobAbortedError('lock-lost')), {
          once: true,
        });
        try {
          await handler(
            {
              id: decodeJobId(jobId),
              kind: kind.name,
              data: job.data as JobData,
              attempt: job.attemptsMade + 1,
              maxAttempts: job.opts.attempts ?? 1,
              enqueuedAt: new Date(job.timestamp),
            },
            controller.signal,
          );
        } catch (error) {
          if (abortedForClosing(controller.signal)) {
            // Back to the wait list for another worker, without spending an attempt.
            await job.moveToWait(token);
            throw new WaitingError();
          }
          throw error;
        } finally {
          running.delete(jobId);
        }
      },
      {
        connection: this.newConnection(),
        prefix: this.prefix,
        concurrency: options.concurrency ?? kind.concurrency,
        lockDuration: this.stallTimeoutMs,
        stalledInterval: Math.max(500, Math.floor(this.stallTimeoutMs / 2)),
        // A job whose workers keep dying is failed after as many deaths as it has attempts.
        maxStalledCount: kind.attempts,
        autorun: true,
      },
    );
    worker.on('error', (error) => this.logger.error(`job queue (${kind.name}): ${messageOf(error)}`));
    worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const jobId of jobIds) running.get(jobId)?.abort(new JobAbortedError('lock-lost'));
    });
    this.consumers.set(kind.name, { worker, running });
    await worker.waitUntilReady();
  }

  async remove(kind: JobKind, id: string): Promise<boolean> {
    const state = await this.state(kind, id);
    if (state !== 'waiting' && state !== 'delayed') return false;
    return (await this.queueOf(kind).remove(encodeJobId(id))) === 1;
  }

  async state(kind: JobKind, id: string): Promise<QueuedJobState | null> {
    const state = await this.queueOf(kind).getJobState(encodeJobId(id));
    switch (state) {
      case 'waiting':
      case 'prioritized':
      case 'waiting-children':
        return 'waiting';
      case 'delayed':
      case 'active':
      case 'completed':
      case 'failed':
        return state;
      default:
        return null;
    }
  }

  async pause(kind: JobKind): Promise<void> {
    await this.queueOf(kind).pause();
  }

  async resume(kind: JobKind): Promise<void> {
    await this.queueOf(kind).resume();
  }

  async stats(kind: JobKind): Promise<JobQueueStats> {
    const queue = this.queueOf(kind);
    const [counts, paused, oldest] = await Promise.all([
      queue.getJobCounts('wait', 'paused', 'prioritized', 'waiting-children', 'delayed', 'active'),
      queue.isPaused(),
      // The wait list is pushed at its head, so its oldest job is the last.
      queue.getJobs(['wait', 'paused'], -1, -1),
    ]);
    const first = oldest[0];
    const readySince = first ? first.timestamp + (first.opts.delay ?? 0) : null;
    return {
      waiting:
        (counts.wait ?? 0) +
        (counts.paused ?? 0) +
        (counts.prioritized ?? 0) +
        (counts['waiting-children'] ?? 0),
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
      latencyMs: readySince === null ? 0 : Math.max(0, Date.now() - readySince),
      paused,
    };
  }

  /**
   * Deletes every Redis key under `prefix`: all queues, jobs and pause flags of an installation (or
   * of a test run). Nothing may be using the prefix.
   */
  static async deleteAllUnder(redisUrl: string, prefix: string): Promise<number> {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    let deleted = 0;
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    return deleted;
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.closeAll(options.graceMs ?? 10_000);
    return this.closing;
  }

  /**
   * Drops every connection at once, as a killed process would: running jobs are neither completed
   * nor handed back, so they come back only through stall recovery. For tests of that recovery.
   */
  async disconnectAbruptly(): Promise<void> {
    this.closing ??= (async () => {
      for (const { worker } of this.consumers.values()) {
        // Stop renewing locks and fetching; the forced close does not touch running jobs.
        void worker.close(true).catch(() => undefined);
      }
      for (const { worker } of this.consumers.values()) worker.disconnect().catch(() => undefined);
      this.connection.disconnect();
    })();
    await this.closing;
  }

  private async closeAll(graceMs: number): Promise<void> {
    const consumers = [...this.consumers.values()];
    const closed = Promise.all(consumers.map(({ worker }) => worker.close()));
    if (!(await settlesWithin(closed, graceMs))) {
      for (const { running } of consumers) {
        for (const controller of running.values()) controller.abort(new JobAbortedError('closing'));
      }
      if (!(await settlesWithin(closed, ABORT_SETTLE_MS))) {
        this.logger.warn(
          'job queue: handlers still running after abort; leaving their jobs to stall recovery',
        );
        await Promise.all(consumers.map(({ worker }) => worker.close(true).catch(() => undefined)));
      }
    }
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    await this.connection.quit().catch(() => undefined);
  }

  private queueOf(kind: JobKind): Queue {
    let queue = this.queues.get(kind.name);
    if (!queue) {
      queue = new Queue(kind.name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', (error) => this.logger.error(`job queue (${kind.name}): ${messageOf(error)}`));
      this.queues.set(kind.name, queue);
    }
    return queue;
  }

  private jobOptions(kind: JobKind, request: EnqueueRequest): JobsOptions {
    return {
      jobId: encodeJobId(request.id),
      attempts: kind.attempts,
      backoff: { type: kind.backoff.type, delay: kind.backoff.delayMs },
      ...(request.delayMs && request.delayMs > 0 ? { delay: Math.round(request.delayMs) } : {}),
      removeOnComplete: { age: this.keepFinishedSeconds },
      removeOnFail: { age: this.keepFinishedSeconds },
    };
  }

  private newConnection(): Redis {
    // BullMQ's workers block on Redis: they need commands that never give up retrying.
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    connection.on('error', (error) => this.logger.warn(`job queue: redis: ${messageOf(error)}`));
    return connection;
  }
}

/** BullMQ refuses `:` in ids and ids that look like integers: escape, and mark every id. */
export function encodeJobId(id: string): string {
  return `j${id.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}

export function decodeJobId(encoded: string): string {
  return encoded.slice(1).replace(/%3A/g, ':').replace(/%25/g, '%');
}
