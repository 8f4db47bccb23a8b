import type {
  Database,
  Execution,
  ExecutionFilter,
  ExecutionFinalHook,
  ExecutionMetrics,
  ExecutionRepository,
  Listing,
  Slice,
  Task,
  TaskLogRepository,
  TaskRepository,
  Tx,
} from '@berth/db';
import {
  executionStatusOf,
  indexJobKinds,
  isFinalStatus,
  percentOf,
  taskJobId,
  type JobKind,
  type JobQueue,
  type JobQueueStats,
  type JobStatus,
  type PayloadInputOf,
  type Trigger,
} from '@berth/jobs';
import { ExecutionFinishedError, ExecutionNotFoundError, InvalidJobRequestError } from './job-errors.js';

export interface TriggerTask<P> {
  payload: P;
  extraAttrs?: Record<string, unknown>;
}

export interface TriggerRequest<P> {
  trigger: Trigger;
  /** The object the run belongs to (a policy); -1 (none) by default. */
  vendorId?: bigint;
  extraAttrs?: Record<string, unknown>;
  /** Creating a second execution with the same key returns the first. */
  dedupeKey?: string;
  tasks: readonly TriggerTask<P>[];
}

/** An execution created (or found by its dedupe key) but maybe not yet handed to the queue. */
export interface PreparedExecution {
  kind: JobKind;
  execution: Execution;
  tasks: Task[];
  created: boolean;
}

/** Progress as counts and a whole percent (null while the total is unknown). */
export interface Progress {
  done: bigint;
  total: bigint | null;
  percent: number | null;
}

/** An execution with its tasks' counts (Harbor's `metrics`) and progress. */
export interface ExecutionView extends Execution {
  metrics: Record<JobStatus, number> & { total: number };
  progress: Progress;
}

export interface TaskView extends Task {
  progress: Progress;
}

export interface JobServiceDeps {
  database: Database;
  executions: ExecutionRepository;
  tasks: TaskRepository;
  logs: TaskLogRepository;
  queue: JobQueue;
  kinds: readonly JobKind[];
  logger?: { warn(message: string): void };
  /**
   * What a job kind reports when one of its executions ends, by kind name: runs in the transaction
   * that makes the execution final (retention's TAG_RETENTION notice goes to the outbox there).
   */
  onExecutionFinal?: ReadonlyMap<string, ExecutionFinalHook>;
}

/**
 * The job system's front: creates executions and their tasks and hands the tasks to the queue;
 * reads executions, tasks and logs; stops executions; pauses and resumes kinds. The core's API and
 * the worker's scheduler both go through it.
 */
export class JobService {
  private readonly kindsByName: ReadonlyMap<string, JobKind>;

  constructor(private readonly deps: JobServiceDeps) {
    this.kindsByName = indexJobKinds(deps.kinds);
  }

  get kinds(): readonly JobKind[] {
    return this.deps.kinds;
  }

  get engine(): string {
    return this.deps.queue.engine;
  }

  /** The kind named `name`; throws InvalidJobRequestError for an unknown one. */
  kind(name: string): JobKind {
    const kind = this.kindsByName.get(name);
    if (!kind) throw new InvalidJobRequestError(`unknown job kind ${name}`);
    return kind;
  }

  /** The kind whose executions have this Harbor vendor type, or undefined. */
  kindOfVendorType(vendorType: string): JobKind | undefined {
    return this.deps.kinds.find((kind) => kind.vendorType === vendorType);
  }

  /**
   * Creates an execution of `kind` with its tasks and queues them. With a `dedupeKey` already
   * used, returns that execution (`created` false) and queues nothing new.
   */
  async trigger<K extends JobKind>(
    kind: K,
    request: TriggerRequest<PayloadInputOf<K>>,
  ): Promise<{ execution: Execution; created: boolean }> {
    const prepared = await this.deps.database.transaction((tx) => this.createExecution(tx, kind, request));
    if (prepared.created) await this.enqueue(kind, prepared.tasks);
    return { execution: prepared.execution, created: prepared.created };
  }

  /**
   * Creates the rows of an execution in the caller's transaction (a schedule's claim commits with
   * its execution). The caller queues the tasks after the commit with `enqueue`; a crash between
   * the two is repaired by the runners, which queue tasks left unqueued.
   */
  async createExecution<K extends JobKind>(
    tx: Tx,
    kind: K,
    request: TriggerRequest<PayloadInputOf<K>>,
  ): Promise<PreparedExecution> {
    if (this.kindsByName.get(kind.name) !== kind)
      throw new InvalidJobRequestError(`unknown job kind ${kind.name}`);
    if (kind.execution === 'one' && request.tasks.length !== 1) {
      throw new InvalidJobRequestError(
        `an execution of ${kind.name} has exactly one task, not ${request.tasks.length}`,
      );
    }
    const tasks = request.tasks.map((task, index) => {
      const parsed = kind.payload.safeParse(task.payload);
      if (!parsed.success) {
        throw new InvalidJobRequestError(
          `task ${index + 1} of ${kind.name}: invalid payload: ${parsed.error.message}`,
        );
      }
      return { payload: parsed.data, extraAttrs: task.extraAttrs ?? {} };
    });
    const result = await this.deps.executions.create(
      tx,
      {
        vendorType: kind.vendorType,
        vendorId: request.vendorId ?? -1n,
        jobKind: kind.name,
        trigger: request.trigger,
        extraAttrs: request.extraAttrs ?? {},
        dedupeKey: request.dedupeKey ?? null,
      },
      tasks,
    );
    return { kind, ...result };
  }

  /**
   * Hands tasks to the queue and records it. A queue that cannot be reached is logged, not thrown:
   * the tasks stay Pending and unqueued, and a runner queues them once it can.
   */
  async enqueue(kind: JobKind, tasks: readonly Task[]): Promise<void> {
    const pending = tasks.filter((task) => task.status === 'Pending');
    if (pending.length === 0) return;
    try {
      await this.deps.queue.enqueueMany(
        kind,
        pending.map((task) => ({
          id: task.jobId || taskJobId(task.id),
          data: { taskId: task.id.toString(), executionId: task.executionId.toString() },
        })),
      );
      await this.deps.tasks.markEnqueued(pending.map((task) => task.id));
    } catch (error) {
      this.deps.logger?.warn(
        `jobs: ${pending.length} ${kind.name} tasks not queued yet (${error instanceof Error ? error.message : String(error)}); a runner will queue them`,
      );
    }
  }

  /**
   * Stops an execution: tasks not running stop at once (their queued jobs are removed), running
   * ones are signalled by their worker within about a second and end Stopped when their processor
   * returns. Throws ExecutionNotFoundError or ExecutionFinishedError.
   */
  async stop(executionId: bigint): Promise<ExecutionView> {
    const stopping = await this.deps.executions.requestStop(executionId);
    if (!stopping) {
      const existing = await this.deps.executions.findById(executionId);
      if (!existing) throw new ExecutionNotFoundError(executionId);
      throw new ExecutionFinishedError(executionId, existing.status);
    }
    const stopped = await this.deps.tasks.stopPending(executionId, 'stopped by request before it started');
    const kind = this.kindsByName.get(stopping.jobKind);
    if (kind) {
      await Promise.all(stopped.map((task) => this.deps.queue.remove(kind, task.jobId).catch(() => false)));
    }
    await this.refresh(executionId);
    return (await this.getExecution(executionId))!;
  }

  /** Stops every unfinished execution of a kind (Harbor's "stop" on a job queue); returns how many. */
  async stopAll(kind: JobKind): Promise<number> {
    let count = 0;
    for (const id of await this.deps.executions.unfinishedIds(kind.name)) {
      try {
        await this.stop(id);
        count += 1;
      } catch (error) {
        if (!(error instanceof ExecutionFinishedError)) throw error;
      }
    }
    return count;
  }

  /** No new task of `kind` starts on any worker until `resume`; running ones go on. */
  pause(kind: JobKind): Promise<void> {
    return this.deps.queue.pause(kind);
  }

  resume(kind: JobKind): Promise<void> {
    return this.deps.queue.resume(kind);
  }

  queueStats(kind: JobKind): Promise<JobQueueStats> {
    return this.deps.queue.stats(kind);
  }

  /** Merges attributes into an execution's `extra_attrs` (a processor's counts, freed bytes…). */
  mergeExecutionAttrs(executionId: bigint, attrs: Record<string, unknown>): Promise<void> {
    return this.deps.executions.mergeExtraAttrs(executionId, attrs);
  }

  /** Re-derives an execution's status from its tasks' (Harbor's rule, see `executionStatusOf`). */
  async refresh(executionId: bigint): Promise<Execution | null> {
    const hooks = this.deps.onExecutionFinal;
    return this.deps.executions.refreshStatus(
      executionId,
      (counts, started) => executionStatusOf(counts, started),
      hooks?.size
        ? (tx, execution) => hooks.get(execution.jobKind)?.(tx, execution) ?? Promise.resolve()
        : undefined,
    );
  }

  async getExecution(id: bigint): Promise<ExecutionView | null> {
    const execution = await this.deps.executions.findById(id);
    if (!execution) return null;
    return (await this.withMetrics([execution]))[0]!;
  }

  async listExecutions(filter: ExecutionFilter, slice: Slice): Promise<Listing<ExecutionView>> {
    const listing = await this.deps.executions.list(filter, slice);
    return { total: listing.total, items: await this.withMetrics(listing.items) };
  }

  async listTasks(executionId: bigint, slice: Slice): Promise<Listing<TaskView>> {
    const listing = await this.deps.tasks.listByExecution(executionId, slice);
    return { total: listing.total, items: listing.items.map(taskView) };
  }

  async getTask(id: bigint): Promise<TaskView | null> {
    const task = await this.deps.tasks.findById(id);
    return task ? taskView(task) : null;
  }

  async taskByJobId(jobId: string): Promise<TaskView | null> {
    const task = await this.deps.tasks.findByJobId(jobId);
    return task ? taskView(task) : null;
  }

  /** A task's log as text (it grows while the task runs); null when there is no such task. */
  async taskLog(taskId: bigint): Promise<string | null> {
    const task = await this.deps.tasks.findById(taskId);
    if (!task) return null;
    return this.deps.logs.text(taskId);
  }

  private async withMetrics(executions: readonly Execution[]): Promise<ExecutionView[]> {
    const metrics = await this.deps.executions.metrics(executions.map((execution) => execution.id));
    return executions.map((execution) => {
      const found = metrics.get(execution.id);
      const counts = found?.counts ?? { Pending: 0, Running: 0, Stopped: 0, Error: 0, Success: 0 };
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      return {
        ...execution,
        metrics: { ...counts, total },
        progress: executionProgress(execution, counts, total, found),
      };
    });
  }
}

/**
 * One task: its own units (blobs, entries…). Several (a retention run): finished tasks of all, as
 * Harbor's metrics count them.
 */
function executionProgress(
  execution: Execution,
  counts: Record<JobStatus, number>,
  taskCount: number,
  metrics: ExecutionMetrics | undefined,
): Progress {
  if (taskCount > 1) {
    const finished = BigInt(counts.Success + counts.Error + counts.Stopped);
    return { done: finished, total: BigInt(taskCount), percent: percentOf(Number(finished), taskCount) };
  }
  if (!metrics) {
    return isFinalStatus(execution.status)
      ? { done: 0n, total: 0n, percent: 100 }
      : { done: 0n, total: null, percent: null };
  }
  const total = metrics.progressTotal;
  return {
    done: metrics.progressDone,
    total,
    percent: total === null ? null : percentOf(Number(metrics.progressDone), Number(total)),
  };
}

function taskView(task: Task): TaskView {
  const done =
    task.status === 'Success' && task.progressTotal !== null ? task.progressTotal : task.progressDone;
  return {
    ...task,
    progress: {
      done,
      total: task.progressTotal,
      percent:
        task.progressTotal === null
          ? task.status === 'Success'
            ? 100
            : null
          : percentOf(Number(done), Number(task.progressTotal)),
    },
  };
}
