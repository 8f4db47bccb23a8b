import type { Database, Tx } from '../database.js';
import {
  toExecution,
  toTask,
  type Execution,
  type JobStatusName,
  type Task,
} from './execution.repository.js';
import { int8, queryRows } from './job-sql.js';
import type { Listing, Slice } from './shared.js';

/** A task and the job kind of its execution (what the runtime needs to talk to the queue). */
export interface TaskWithKind {
  task: Task;
  jobKind: string;
}

/**
 * Tasks (`task`). Every change a run makes carries the run's number (`run_count` when it was
 * claimed) and applies only while the task is still in that run: a worker that lost its job to
 * another cannot overwrite the newer run.
 */
export class TaskRepository {
  constructor(private readonly database: Database) {}

  async findById(id: bigint): Promise<Task | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `SELECT * FROM task WHERE id = $1::bigint`,
      [id.toString()],
    );
    return rows[0] ? toTask(rows[0]) : null;
  }

  async findByJobId(jobId: string): Promise<Task | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `SELECT * FROM task WHERE job_id = $1`,
      [jobId],
    );
    return rows[0] ? toTask(rows[0]) : null;
  }

  /** An execution's tasks, oldest first. */
  async listByExecution(executionId: bigint, slice: Slice): Promise<Listing<Task>> {
    const [count, rows] = await Promise.all([
      queryRows<{ n: string }>(
        this.database,
        undefined,
        `SELECT count(*) AS n FROM task WHERE execution_id = $1::bigint`,
        [executionId.toString()],
      ),
      queryRows<Record<string, unknown>>(
        this.database,
        undefined,
        `SELECT * FROM task WHERE execution_id = $1::bigint ORDER BY id LIMIT $2 OFFSET $3`,
        [executionId.toString(), slice.limit, slice.offset],
      ),
    ]);
    return { total: Number(count[0]?.n ?? 0), items: rows.map(toTask) };
  }

  /** Every task of an execution, oldest first, read in `tx` (what an ending execution reports). */
  async allOfExecution(executionId: bigint, tx?: Tx): Promise<Task[]> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `SELECT * FROM task WHERE execution_id = $1::bigint ORDER BY id`,
      [executionId.toString()],
    );
    return rows.map(toTask);
  }

  /**
   * Starts a run of a task on `workerId`: Pending (or Running, when its last worker died) becomes
   * Running with the next run number. Null when the task is finished, gone, or its execution was
   * asked to stop.
   */
  async claim(id: bigint, workerId: string): Promise<{ task: Task; execution: Execution } | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `WITH claimed AS (
         UPDATE task t SET status = 'Running', run_count = t.run_count + 1, worker_id = $2, status_message = '',
           start_time = coalesce(t.start_time, now()), update_time = now()
         FROM execution e
         WHERE t.id = $1::bigint AND e.id = t.execution_id AND t.status IN ('Pending', 'Running')
           AND e.stop_requested_at IS NULL
         RETURNING t.*
       )
       SELECT to_jsonb(c) AS task, to_jsonb(e) AS execution FROM claimed c JOIN execution e ON e.id = c.execution_id`,
      [id.toString(), workerId],
    );
    const row = rows[0] as { task: Record<string, unknown>; execution: Record<string, unknown> } | undefined;
    return row ? { task: toTask(row.task), execution: toExecution(row.execution) } : null;
  }

  /** Ends run `runCount` of a task with a final status; false when the task is no longer in that run. */
  async finish(id: bigint, runCount: number, status: JobStatusName, message: string): Promise<boolean> {
    const rows = await queryRows(
      this.database,
      undefined,
      `UPDATE task SET status = $3, status_message = $4, worker_id = NULL, end_time = now(), update_time = now()
       WHERE id = $1::bigint AND run_count = $2 AND status = 'Running' RETURNING id`,
      [id.toString(), runCount, status, message.slice(0, 4000)],
    );
    return rows.length === 1;
  }

  /** Puts run `runCount` back to Pending (a retry is due, or its worker is shutting down). */
  async requeue(id: bigint, runCount: number, message: string): Promise<boolean> {
    const rows = await queryRows(
      this.database,
      undefined,
      `UPDATE task SET status = 'Pending', status_message = $3, worker_id = NULL, update_time = now()
       WHERE id = $1::bigint AND run_count = $2 AND status = 'Running' RETURNING id`,
      [id.toString(), runCount, message.slice(0, 4000)],
    );
    return rows.length === 1;
  }

  /**
   * Stops the tasks of an execution that are not running (Pending), and returns them (their queued
   * jobs can then be removed).
   */
  async stopPending(executionId: bigint, message: string): Promise<Task[]> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `UPDATE task SET status = 'Stopped', status_message = $2, worker_id = NULL, end_time = now(), update_time = now()
       WHERE execution_id = $1::bigint AND status = 'Pending' RETURNING *`,
      [executionId.toString(), message],
    );
    return rows.map(toTask);
  }

  async setProgress(id: bigint, runCount: number, done: bigint, total: bigint | null): Promise<void> {
    await queryRows(
      this.database,
      undefined,
      `UPDATE task SET progress_done = $3::bigint, progress_total = $4::bigint, update_time = now()
       WHERE id = $1::bigint AND run_count = $2`,
      [id.toString(), runCount, done.toString(), total?.toString() ?? null],
    );
  }

  async mergeExtraAttrs(id: bigint, attrs: Record<string, unknown>): Promise<void> {
    await queryRows(
      this.database,
      undefined,
      `UPDATE task SET extra_attrs = extra_attrs || $2::jsonb, update_time = now() WHERE id = $1::bigint`,
      [id.toString(), JSON.stringify(attrs)],
    );
  }

  /** Records that these tasks' jobs are in the queue. */
  async markEnqueued(ids: readonly bigint[], tx?: Tx): Promise<void> {
    if (ids.length === 0) return;
    await queryRows(
      this.database,
      tx,
      `UPDATE task SET enqueued_at = now() WHERE id = ANY($1::bigint[]) AND enqueued_at IS NULL`,
      [ids.map(String)],
    );
  }

  /** Of these running tasks, those whose execution was asked to stop. */
  async stopRequested(ids: readonly bigint[]): Promise<bigint[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<{ id: string }>(
      this.database,
      undefined,
      `SELECT t.id FROM task t JOIN execution e ON e.id = t.execution_id
       WHERE t.id = ANY($1::bigint[]) AND e.stop_requested_at IS NOT NULL`,
      [ids.map(String)],
    );
    return rows.map((row) => int8(row.id));
  }

  /** Tasks running now, with the worker running each (the job service's workers), oldest first. */
  async running(limit: number): Promise<TaskWithKind[]> {
    return this.withKind(`t.status = 'Running' ORDER BY t.start_time, t.id LIMIT $1`, [limit]);
  }

  /** Pending tasks created before `before` that never reached the queue (their creator died). */
  async unenqueued(before: Date, limit: number): Promise<TaskWithKind[]> {
    return this.withKind(
      `t.status = 'Pending' AND t.enqueued_at IS NULL AND t.creation_time < $1 ORDER BY t.id LIMIT $2`,
      [before, limit],
    );
  }

  /** Running tasks whose worker has not sent a heartbeat since `staleBefore` (or is unknown). */
  async runningOnDeadWorkers(staleBefore: Date, limit: number): Promise<TaskWithKind[]> {
    return this.withKind(
      `t.status = 'Running' AND NOT EXISTS (
         SELECT 1 FROM job_worker w WHERE w.id = t.worker_id AND w.heartbeat_at >= $1)
       ORDER BY t.id LIMIT $2`,
      [staleBefore, limit],
    );
  }

  /**
   * Queued Pending tasks unchanged since `before` (a backlog, a retry after a dead worker, or a job
   * the queue lost): the runners check that the queue still holds their jobs, in turns.
   */
  async quietPending(before: Date, limit: number): Promise<TaskWithKind[]> {
    return this.withKind(
      `t.status = 'Pending' AND t.enqueued_at IS NOT NULL AND t.update_time < $1 ORDER BY t.update_time LIMIT $2`,
      [before, limit],
    );
  }

  /**
   * Stops a Pending task whose execution was asked to stop (the stop's own sweep of its Pending
   * tasks did not happen or has not yet); false when it is not such a task.
   */
  async stopIfStopping(id: bigint): Promise<boolean> {
    const rows = await queryRows(
      this.database,
      undefined,
      `UPDATE task t SET status = 'Stopped', status_message = 'stopped by request before it started',
         end_time = now(), update_time = now()
       FROM execution e
       WHERE t.id = $1::bigint AND e.id = t.execution_id AND t.status = 'Pending' AND e.stop_requested_at IS NOT NULL
       RETURNING t.id`,
      [id.toString()],
    );
    return rows.length === 1;
  }

  /**
   * Settles a task whose worker died (or whose job the queue gave up on), if it is still as read:
   * back to Pending (the queue will run it again) or ended with Error.
   */
  async settleOrphan(
    task: Pick<Task, 'id' | 'runCount' | 'status'>,
    outcome: 'Pending' | 'Error',
    message: string,
  ): Promise<boolean> {
    const rows = await queryRows(
      this.database,
      undefined,
      `UPDATE task SET status = $4, status_message = $5, worker_id = NULL, update_time = now(),
         end_time = CASE WHEN $4 = 'Error' THEN now() END
       WHERE id = $1::bigint AND run_count = $2 AND status = $3 RETURNING id`,
      [task.id.toString(), task.runCount, task.status, outcome, message.slice(0, 4000)],
    );
    return rows.length === 1;
  }

  /** Marks a task seen by a check (so checks of many tasks take turns). */
  async touch(id: bigint): Promise<void> {
    await queryRows(this.database, undefined, `UPDATE task SET update_time = now() WHERE id = $1::bigint`, [
      id.toString(),
    ]);
  }

  private async withKind(condition: string, params: unknown[]): Promise<TaskWithKind[]> {
    const rows = await queryRows<Record<string, unknown> & { __job_kind: string }>(
      this.database,
      undefined,
      `SELECT t.*, e.job_kind AS __job_kind FROM task t JOIN execution e ON e.id = t.execution_id WHERE ${condition}`,
      params,
    );
    return rows.map((row) => ({ task: toTask(row), jobKind: row.__job_kind }));
  }
}
