import type { JobKind } from './job-kind.js';

/** A job's data: a JSON object (no bigint, no Date: queues store JSON). */
export type JobData = Record<string, unknown>;

export interface EnqueueRequest {
  /**
   * The job's id, chosen by the caller so it is deterministic (`task:42`). Enqueuing an id the
   * queue still holds (waiting, delayed, running, or finished and not yet cleaned up) adds nothing.
   * At most 200 characters.
   */
  id: string;
  data: JobData;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

/** A job handed to a handler. */
export interface QueuedJob {
  readonly id: string;
  readonly kind: string;
  readonly data: JobData;
  /**
   * 1 on the first run. A failed run uses up an attempt; a run cut short by its worker's death or
   * shutdown may or may not (BullMQ's stall recovery does not, pg-boss's expiry does).
   */
  readonly attempt: number;
  /** The kind's `attempts`: when `attempt` equals it, a failure is final. */
  readonly maxAttempts: number;
  readonly enqueuedAt: Date;
}

/** Why a handler's signal fired. */
export type JobAbortReason =
  /** The queue is closing: finish quickly or throw; the job goes back to the queue. */
  | 'closing'
  /** The queue no longer holds the job for this worker (lock lost): another worker may run it. */
  | 'lock-lost';

/** The `reason` of an aborted handler signal. */
export class JobAbortedError extends Error {
  constructor(readonly reason: JobAbortReason) {
    super(reason === 'closing' ? 'the job queue is closing' : 'the job lock was lost');
    this.name = 'JobAbortedError';
  }
}

/**
 * Runs one job. Resolving completes it; rejecting is a failed attempt, retried after the kind's
 * backoff until `maxAttempts` runs failed. When the signal fired because the queue is closing and
 * the handler then rejects, the job goes back to the queue for another worker instead.
 */
export type JobHandler = (job: QueuedJob, signal: AbortSignal) => Promise<void>;

/** Where a job is. `null` from `state` means the queue holds no job with that id. */
export type QueuedJobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

/** One kind's queue as the job service shows it (Harbor's `JobQueue`: count, latency, paused). */
export interface JobQueueStats {
  /** Ready to run now. */
  waiting: number;
  /** Waiting for a delay or a retry backoff. */
  delayed: number;
  active: number;
  /** Age of the oldest job ready to run, 0 when none waits. */
  latencyMs: number;
  paused: boolean;
}

export interface ProcessOptions {
  /** Jobs of this kind this consumer runs at once; the kind's `concurrency` by default. */
  concurrency?: number;
}

export interface CloseOptions {
  /**
   * How long running handlers may finish before their signals fire with `closing` (default
   * 10 000 ms). Handlers still running a few seconds after that are left behind: their jobs come
   * back through the queue's recovery of dead workers.
   */
  graceMs?: number;
}

/**
 * The job queue port: durable, at-least-once delivery of jobs by kind to any number of consumers in
 * any number of processes. Implementations (`@berth/queue`): BullMQ on Redis, pg-boss on
 * PostgreSQL; both pass `describeJobQueue` (`@berth/jobs/testing`).
 *
 * Guarantees every implementation keeps:
 * - an id is queued once (see `EnqueueRequest.id`), and a job runs on one consumer at a time while
 *   that consumer is alive;
 * - a job whose consumer died (killed, frozen past the stall timeout) runs again on another;
 * - a paused kind starts no new job on any consumer until resumed (running jobs go on);
 * - failed runs are retried with the kind's backoff until its attempts are spent.
 */
export interface JobQueue {
  /** `bullmq` or `pg-boss`, for logs and the job service. */
  readonly engine: string;
  enqueue(kind: JobKind, request: EnqueueRequest): Promise<void>;
  enqueueMany(kind: JobKind, requests: readonly EnqueueRequest[]): Promise<void>;
  /** Starts consuming `kind` with `handler`. Once per kind per queue instance. */
  process(kind: JobKind, handler: JobHandler, options?: ProcessOptions): Promise<void>;
  /** Removes a job that has not started; false when it is running, finished or unknown. */
  remove(kind: JobKind, id: string): Promise<boolean>;
  state(kind: JobKind, id: string): Promise<QueuedJobState | null>;
  pause(kind: JobKind): Promise<void>;
  resume(kind: JobKind): Promise<void>;
  stats(kind: JobKind): Promise<JobQueueStats>;
  /** Stops consuming, lets running handlers finish (see CloseOptions), closes connections. Idempotent. */
  close(options?: CloseOptions): Promise<void>;
}

/** The deterministic job id of a task: one task, one job. */
export function taskJobId(taskId: bigint | number | string): string {
  return `task:${taskId}`;
}

const MAX_JOB_ID_LENGTH = 200;

/** Throws unless `id` is a usable job id. */
export function assertJobId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_JOB_ID_LENGTH) {
    throw new Error(`a job id must be 1 to ${MAX_JOB_ID_LENGTH} characters`);
  }
}
