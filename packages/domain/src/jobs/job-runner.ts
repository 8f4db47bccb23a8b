import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type {
  AdvisoryLease,
  AdvisoryLocks,
  Execution,
  JobWorkerRepository,
  Task,
  TaskLogRepository,
  TaskRepository,
} from '@berth/db';
import {
  JobAbortedError,
  PermanentJobError,
  assertProcessors,
  exclusiveScopeOf,
  isFinalStatus,
  type JobContext,
  type JobKind,
  type JobProcessor,
  type JobQueue,
  type QueuedJob,
} from '@berth/jobs';
import { ExecutionStoppedError } from './job-errors.js';
import type { JobService } from './job.service.js';
import { TaskLogWriter } from './task-log-writer.js';

export interface JobRunnerOptions {
  /** This worker's id (Harbor's worker pool id); random by default. */
  workerId?: string;
  /** A worker whose heartbeat is older than this is dead and its tasks are handed on. Default 30 s. */
  workerTimeoutMs?: number;
  /** How often this worker's heartbeat is written. Default a sixth of the worker timeout. */
  heartbeatMs?: number;
  /** How often running tasks are checked for stop requests. Default 1 s. */
  controlPollMs?: number;
  /** How often dead workers' tasks and unqueued tasks are looked for. Default 10 s. */
  reconcileMs?: number;
  /** How often a task waiting for its exclusive lock checks it was not stopped meanwhile. Default 1 s. */
  lockPollMs?: number;
  /** How long running tasks may finish at shutdown before they are handed back. Default 10 s. */
  closeGraceMs?: number;
  logger?: RunnerLogger;
}

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface JobRunnerDeps {
  service: JobService;
  queue: JobQueue;
  tasks: TaskRepository;
  logs: TaskLogRepository;
  workers: JobWorkerRepository;
  locks: AdvisoryLocks;
}

interface RunningTask {
  controller: AbortController;
  executionId: bigint;
}

/** The job's data: which task it runs (the payload is the task row's). */
interface TaskJobData {
  taskId: string;
  executionId: string;
}

/** Progress writes at most this often; the last value is always written. */
const PROGRESS_INTERVAL_MS = 500;

/**
 * Runs every kind's processor on the queue with Harbor's bookkeeping: a run claims its task
 * (Pending → Running, run number + 1), its processor gets the payload, a log, progress and a signal,
 * and the run ends the task Success, Error or Stopped (or back to Pending for a retry), after which
 * the execution's status is derived again.
 *
 * Around the runs it keeps this worker's heartbeat, relays stop requests to running processors,
 * holds an advisory lock for exclusive kinds, and repairs what dead processes left: a task Running on
 * a worker whose heartbeat stopped goes back to Pending while the queue still holds its job (the
 * queue runs it again elsewhere) and ends in Error when the queue gave up; a task whose creator died
 * before queuing it is queued. Nothing is left Running by a dead worker.
 */
export class JobRunner {
  readonly workerId: string;
  private readonly options: Required<Omit<JobRunnerOptions, 'workerId' | 'logger'>>;
  private readonly logger: RunnerLogger;
  private readonly processors: ReadonlyMap<string, JobProcessor>;
  private readonly running = new Map<bigint, RunningTask>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly deps: JobRunnerDeps,
    processors: readonly JobProcessor[],
    options: JobRunnerOptions = {},
  ) {
    // Boot fails here when a kind has no processor or two.
    this.processors = assertProcessors(deps.service.kinds, processors);
    this.workerId = options.workerId ?? randomBytes(8).toString('hex');
    const workerTimeoutMs = options.workerTimeoutMs ?? 30_000;
    this.options = {
      workerTimeoutMs,
      heartbeatMs: options.heartbeatMs ?? Math.max(100, Math.floor(workerTimeoutMs / 6)),
      controlPollMs: options.controlPollMs ?? 1000,
      reconcileMs: options.reconcileMs ?? 10_000,
      lockPollMs: options.lockPollMs ?? 1000,
      closeGraceMs: options.closeGraceMs ?? 10_000,
    };
    this.logger = options.logger ?? {
      log: (message) => console.log(message),
      warn: (message) => console.warn(message),
      error: (message) => console.error(message),
    };
  }

  /** Tasks this worker runs now. */
  get runningTasks(): number {
    return this.running.size;
  }

  /** Registers the worker, starts consuming every kind, and starts the heartbeat and repair loop. */
  async start(): Promise<void> {
    const concurrency = this.deps.service.kinds.reduce((sum, kind) => sum + kind.concurrency, 0);
    await this.deps.workers.register({
      id: this.workerId,
      host: hostname(),
      pid: process.pid,
      engine: this.deps.queue.engine,
      concurrency,
    });
    for (const kind of this.deps.service.kinds) {
      const processor = this.processors.get(kind.name)!;
      await this.deps.queue.process(kind, (job, signal) => this.handle(kind, processor, job, signal));
    }
    this.loop = this.control();
    this.logger.log(
      `job worker ${this.workerId} started on ${this.deps.queue.engine}: ${this.deps.service.kinds.map((kind) => kind.name).join(', ')}`,
    );
  }

  /**
   * Stops taking jobs, lets running tasks finish for the grace period (then signals them; tasks
   * that stop are handed back to the queue), closes the queue and removes this worker's record.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake?.();
    await this.loop?.catch(() => undefined);
    await this.deps.queue.close({ graceMs: this.options.closeGraceMs });
    await this.deps.workers.remove(this.workerId).catch(() => undefined);
    this.logger.log(`job worker ${this.workerId} stopped`);
  }

  /** One round of repairs (dead workers' tasks, unqueued tasks); the loop runs it periodically. */
  async reconcile(): Promise<void> {
    const now = Date.now();
    const staleBefore = new Date(now - this.options.workerTimeoutMs);
    for (const { task, jobKind } of await this.deps.tasks.runningOnDeadWorkers(staleBefore, 50)) {
      if (this.running.has(task.id)) continue;
      const kind = this.kindNamed(jobKind);
      if (!kind) continue;
      const state = await this.deps.queue.state(kind, task.jobId);
      const again = state === 'waiting' || state === 'delayed' || state === 'active';
      const message = again
        ? `worker ${task.workerId} stopped responding during run ${task.runCount}; the task will run again`
        : `worker ${task.workerId} stopped responding during run ${task.runCount}, and the queue will not run it again`;
      if (await this.deps.tasks.settleOrphan(task, again ? 'Pending' : 'Error', message)) {
        await this.deps.logs.append(task.id, [
          { at: new Date(), level: again ? 'WARNING' : 'ERROR', message },
        ]);
        await this.deps.service.refresh(task.executionId);
      }
    }

    const unqueuedBefore = new Date(now - Math.min(10_000, this.options.workerTimeoutMs));
    for (const { task, jobKind } of await this.deps.tasks.unenqueued(unqueuedBefore, 100)) {
      const kind = this.kindNamed(jobKind);
      if (kind) await this.deps.service.enqueue(kind, [task]);
    }

    const quietBefore = new Date(now - 2 * this.options.workerTimeoutMs);
    for (const { task, jobKind } of await this.deps.tasks.quietPending(quietBefore, 50)) {
      const kind = this.kindNamed(jobKind);
      if (!kind) continue;
      const state = await this.deps.queue.state(kind, task.jobId);
      if (state === 'waiting' || state === 'delayed' || state === 'active') {
        await this.deps.tasks.touch(task.id);
      } else if (state === null) {
        // The queue lost the job (a flushed Redis, a removed job): queue it again.
        await this.deps.service.enqueue(kind, [task]);
        await this.deps.tasks.touch(task.id);
        await this.deps.logs.append(task.id, [
          {
            at: new Date(),
            level: 'WARNING',
            message: 'the queue no longer held the job of this task; queued it again',
          },
        ]);
      } else {
        const message = `the queue will not run this task again (its job is ${state})`;
        if (await this.deps.tasks.settleOrphan(task, 'Error', message)) {
          await this.deps.logs.append(task.id, [{ at: new Date(), level: 'ERROR', message }]);
          await this.deps.service.refresh(task.executionId);
        }
      }
    }

    await this.deps.workers.prune(new Date(now - Math.max(10 * this.options.workerTimeoutMs, 600_000)));
  }

  private kindNamed(name: string): JobKind | undefined {
    return this.deps.service.kinds.find((kind) => kind.name === name);
  }

  private async control(): Promise<void> {
    let lastHeartbeat = Date.now();
    let lastReconcile = 0;
    while (!this.stopping) {
      const now = Date.now();
      try {
        if (this.running.size > 0) {
          for (const id of await this.deps.tasks.stopRequested([...this.running.keys()])) {
            const entry = this.running.get(id);
            if (entry && !entry.controller.signal.aborted)
              entry.controller.abort(new ExecutionStoppedError());
          }
        }
        if (now - lastHeartbeat >= this.options.heartbeatMs) {
          lastHeartbeat = now;
          if (!(await this.deps.workers.heartbeat(this.workerId))) {
            // Pruned as dead after a long pause: come back.
            await this.deps.workers.register({
              id: this.workerId,
              host: hostname(),
              pid: process.pid,
              engine: this.deps.queue.engine,
              concurrency: this.deps.service.kinds.reduce((sum, kind) => sum + kind.concurrency, 0),
            });
          }
        }
        if (now - lastReconcile >= this.options.reconcileMs) {
          lastReconcile = now;
          await this.reconcile();
        }
      } catch (error) {
        this.logger.error(`job worker ${this.workerId}: ${messageOf(error)}`);
      }
      await this.sleep(Math.min(this.options.controlPollMs, this.options.heartbeatMs));
    }
  }

  private async handle(
    kind: JobKind,
    processor: JobProcessor,
    job: QueuedJob,
    queueSignal: AbortSignal,
  ): Promise<void> {
    const data = job.data as Partial<TaskJobData>;
    if (typeof data.taskId !== 'string' || !/^\d+$/.test(data.taskId)) {
      this.logger.error(`job ${job.id} of ${kind.name} names no task; dropped`);
      return;
    }
    const taskId = BigInt(data.taskId);
    const stored = await this.deps.tasks.findById(taskId);
    if (!stored || isFinalStatus(stored.status)) return;

    const parsed = kind.payload.safeParse(stored.payload);
    let lease: AdvisoryLease | null = null;
    if (parsed.success) {
      const scope = exclusiveScopeOf(kind, parsed.data);
      if (scope !== null) {
        lease = await this.acquire(scope, stored, queueSignal);
        if (!lease) return;
      }
    }

    let claimed: { task: Task; execution: Execution } | null;
    try {
      claimed = await this.deps.tasks.claim(taskId, this.workerId);
    } catch (error) {
      await lease?.release();
      throw error;
    }
    if (!claimed) {
      await lease?.release();
      // Refused because its execution is stopping: it will never run, so it ends here.
      await this.deps.tasks.stopIfStopping(taskId);
      await this.deps.service.refresh(stored.executionId);
      return;
    }
    const { task, execution } = claimed;
    const runCount = task.runCount;
    await this.deps.service.refresh(execution.id);

    const controller = new AbortController();
    const forward = (): void => controller.abort(queueSignal.reason);
    queueSignal.addEventListener('abort', forward, { once: true });
    const onLockLost = (): void => controller.abort(new JobAbortedError('lock-lost'));
    lease?.lost.addEventListener('abort', onLockLost, { once: true });
    this.running.set(task.id, { controller, executionId: execution.id });
    const log = new TaskLogWriter(this.deps.logs, task.id, (message) => this.logger.warn(message));
    const progress = new ProgressWriter(this.deps.tasks, task.id, runCount);
    log.info(
      `run ${runCount} started on worker ${this.workerId} (attempt ${job.attempt} of ${job.maxAttempts})`,
    );

    try {
      if (!parsed.success) throw new PermanentJobError(`invalid payload: ${parsed.error.message}`);
      const context: JobContext<unknown> = {
        payload: parsed.data,
        execution: {
          id: execution.id,
          vendorType: execution.vendorType,
          vendorId: execution.vendorId,
          trigger: execution.trigger as JobContext<unknown>['execution']['trigger'],
          extraAttrs: execution.extraAttrs,
        },
        task: { id: task.id, jobId: task.jobId, runCount, extraAttrs: task.extraAttrs },
        attempt: job.attempt,
        maxAttempts: job.maxAttempts,
        signal: controller.signal,
        log,
        progress: (done, total) => progress.report(done, total ?? null),
        updateExecutionAttrs: (attrs) => this.deps.service.mergeExecutionAttrs(execution.id, attrs),
        updateTaskAttrs: (attrs) => this.deps.tasks.mergeExtraAttrs(task.id, attrs),
      };
      await processor.run(context);
      await progress.flush();
      if (controller.signal.reason instanceof ExecutionStoppedError) {
        log.info('stopped by request');
        await this.end(task.id, runCount, 'Stopped', 'stopped by request');
      } else {
        log.info(`run ${runCount} succeeded`);
        await this.end(task.id, runCount, 'Success', '');
      }
    } catch (error) {
      await progress.flush().catch(() => undefined);
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : null;
      if (reason instanceof ExecutionStoppedError) {
        log.info('stopped by request');
        await this.end(task.id, runCount, 'Stopped', 'stopped by request');
        return;
      }
      if (reason instanceof JobAbortedError) {
        const message =
          reason.reason === 'closing'
            ? `worker ${this.workerId} shut down during run ${runCount}; the task will run again`
            : `run ${runCount} lost its lock; another run takes over`;
        log.warn(message);
        await this.deps.tasks.requeue(task.id, runCount, message);
        throw reason;
      }
      const message = messageOf(error);
      const final = error instanceof PermanentJobError || job.attempt >= job.maxAttempts;
      if (final) {
        log.error(`run ${runCount} failed: ${message}`);
        await this.end(task.id, runCount, 'Error', message);
        return;
      }
      log.error(
        `run ${runCount} failed (attempt ${job.attempt} of ${job.maxAttempts}), retrying: ${message}`,
      );
      await this.deps.tasks.requeue(task.id, runCount, `attempt ${job.attempt} failed, retrying: ${message}`);
      throw error;
    } finally {
      this.running.delete(task.id);
      queueSignal.removeEventListener('abort', forward);
      lease?.lost.removeEventListener('abort', onLockLost);
      await lease?.release();
      await log.flush();
      await this.deps.service.refresh(execution.id).catch((error: unknown) => {
        this.logger.warn(`execution ${execution.id}: status not refreshed: ${messageOf(error)}`);
      });
    }
  }

  private async end(
    taskId: bigint,
    runCount: number,
    status: 'Success' | 'Error' | 'Stopped',
    message: string,
  ): Promise<void> {
    if (!(await this.deps.tasks.finish(taskId, runCount, status, message))) {
      this.logger.warn(`task ${taskId}: run ${runCount} ended ${status}, but the task had moved on`);
    }
  }

  /**
   * Takes the lock of `scope`, waiting while another run holds it (the task stays Pending, and its
   * log says why). Null when the task ended meanwhile (stopped); throws the queue's abort reason
   * when the queue closes.
   */
  private async acquire(scope: string, task: Task, queueSignal: AbortSignal): Promise<AdvisoryLease | null> {
    queueSignal.throwIfAborted();
    const free = await this.deps.locks.tryAcquire(scope);
    if (free) return free;
    await this.deps.logs.append(task.id, [
      { at: new Date(), level: 'INFO', message: `waiting for another run holding ${scope} to finish` },
    ]);
    const waiting = new AbortController();
    const forward = (): void => waiting.abort(queueSignal.reason);
    queueSignal.addEventListener('abort', forward, { once: true });
    const ended = new Error('the task ended while waiting for its lock');
    // A stop (or anything else ending the task) while it waits must not leave it waiting.
    const watch = setInterval(() => {
      void this.deps.tasks
        .findById(task.id)
        .then((current) => {
          if (!current || isFinalStatus(current.status)) waiting.abort(ended);
        })
        .catch(() => undefined);
    }, this.options.lockPollMs);
    try {
      return await this.deps.locks.acquire(scope, waiting.signal);
    } catch (error) {
      if (waiting.signal.reason === ended) return null;
      throw error;
    } finally {
      clearInterval(watch);
      queueSignal.removeEventListener('abort', forward);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

/** Writes a task's progress at most every 500 ms, and the last value on flush. */
class ProgressWriter {
  private latest: { done: bigint; total: bigint | null } | null = null;
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly tasks: TaskRepository,
    private readonly taskId: bigint,
    private readonly runCount: number,
  ) {}

  report(done: number, total: number | null): Promise<void> {
    this.latest = {
      done: BigInt(Math.max(0, Math.floor(done))),
      total: total === null ? null : BigInt(Math.max(0, Math.floor(total))),
    };
    if (Date.now() - this.lastWrite < PROGRESS_INTERVAL_MS) return Promise.resolve();
    return this.flush();
  }

  flush(): Promise<void> {
    const value = this.latest;
    this.latest = null;
    if (value) {
      this.lastWrite = Date.now();
      this.writing = this.writing.then(() =>
        this.tasks.setProgress(this.taskId, this.runCount, value.done, value.total),
      );
    }
    return this.writing;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
