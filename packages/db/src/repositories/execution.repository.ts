import type { Database, Tx } from '../database.js';
import { dateOrNull, int8, int8OrNull, json, jsonObject, queryRows } from './job-sql.js';
import type { Listing, Slice } from './shared.js';

/** Harbor's task and execution statuses, as the database stores them. */
export type JobStatusName = 'Pending' | 'Running' | 'Stopped' | 'Error' | 'Success';

/** One run of a background job (`execution`). */
export interface Execution {
  id: bigint;
  vendorType: string;
  vendorId: bigint;
  jobKind: string;
  status: JobStatusName;
  statusMessage: string;
  trigger: string;
  extraAttrs: Record<string, unknown>;
  dedupeKey: string | null;
  stopRequestedAt: Date | null;
  startTime: Date;
  endTime: Date | null;
  updateTime: Date;
}

/** One unit of an execution's work (`task`). */
export interface Task {
  id: bigint;
  executionId: bigint;
  jobId: string;
  payload: unknown;
  status: JobStatusName;
  statusMessage: string;
  runCount: number;
  extraAttrs: Record<string, unknown>;
  progressDone: bigint;
  progressTotal: bigint | null;
  workerId: string | null;
  enqueuedAt: Date | null;
  creationTime: Date;
  updateTime: Date;
  startTime: Date | null;
  endTime: Date | null;
}

export interface NewExecution {
  vendorType: string;
  vendorId: bigint;
  jobKind: string;
  trigger: string;
  extraAttrs: Record<string, unknown>;
  /** A key that makes creating the same run twice return the first (unique). */
  dedupeKey: string | null;
}

export interface NewTask {
  payload: unknown;
  extraAttrs: Record<string, unknown>;
}

/** How many of an execution's tasks are in each status, and their summed progress. */
export interface ExecutionMetrics {
  counts: Record<JobStatusName, number>;
  /** Whether any task has started a run (a retried task back in Pending has). */
  started: boolean;
  progressDone: bigint;
  /** Null while a task without a known total is unfinished. */
  progressTotal: bigint | null;
}

export interface ExecutionFilter {
  vendorType?: string;
  vendorId?: bigint;
  jobKind?: string;
  statuses?: readonly JobStatusName[];
  /** Oldest first (`sort=creation_time`); newest first by default. */
  ascending?: boolean;
}

/** Derives an execution's status from its tasks (the domain's rule, `executionStatusOf`). */
export type ExecutionStatusRule = (
  counts: Record<JobStatusName, number>,
  started: boolean,
) => JobStatusName | null;

/** Runs in the transaction that makes an execution final (Stopped, Error or Success). */
export type ExecutionFinalHook = (tx: Tx, execution: Execution) => Promise<void>;

const FINAL = "('Stopped', 'Error', 'Success')";
const EXECUTION_COLUMNS = `id, vendor_type, vendor_id, job_kind, status, status_message, trigger, extra_attrs,
  dedupe_key, stop_requested_at, start_time, end_time, update_time`;

/** Executions (`execution`) and their creation with their tasks. */
export class ExecutionRepository {
  constructor(private readonly database: Database) {}

  /**
   * Creates an execution and its tasks in `tx`. An execution with no task is created finished
   * (`Success`), as Harbor ends a run that found nothing to do. When `dedupeKey` names an existing
   * execution, nothing is created and that one is returned with its tasks (`created` false).
   */
  async create(
    tx: Tx,
    execution: NewExecution,
    tasks: readonly NewTask[],
  ): Promise<{ execution: Execution; tasks: Task[]; created: boolean }> {
    const empty = tasks.length === 0;
    const inserted = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `INSERT INTO execution (vendor_type, vendor_id, job_kind, trigger, extra_attrs, dedupe_key, status, end_time)
       VALUES ($1, $2::bigint, $3, $4, $5::jsonb, $6, $7, CASE WHEN $8::boolean THEN now() END)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING ${EXECUTION_COLUMNS}`,
      [
        execution.vendorType,
        execution.vendorId.toString(),
        execution.jobKind,
        execution.trigger,
        JSON.stringify(execution.extraAttrs),
        execution.dedupeKey,
        empty ? 'Success' : 'Pending',
        empty,
      ],
    );
    if (inserted.length === 0) {
      const existing = await queryRows<Record<string, unknown>>(
        this.database,
        tx,
        `SELECT ${EXECUTION_COLUMNS} FROM execution WHERE dedupe_key = $1`,
        [execution.dedupeKey],
      );
      const found = toExecution(existing[0]!);
      const existingTasks = await queryRows<Record<string, unknown>>(
        this.database,
        tx,
        `SELECT * FROM task WHERE execution_id = $1::bigint ORDER BY id`,
        [found.id.toString()],
      );
      return { execution: found, tasks: existingTasks.map(toTask), created: false };
    }
    const created = toExecution(inserted[0]!);
    if (empty) return { execution: created, tasks: [], created: true };
    // Ids first, so the job id (`task:<id>`) is written with the row.
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `INSERT INTO task (id, execution_id, job_id, payload, extra_attrs)
       SELECT n.id, $1::bigint, 'task:' || n.id, n.payload, n.extra_attrs
       FROM (
         SELECT nextval(pg_get_serial_sequence('task', 'id')) AS id, u.payload, u.extra_attrs, u.position
         FROM unnest($2::jsonb[], $3::jsonb[]) WITH ORDINALITY AS u (payload, extra_attrs, position)
         ORDER BY u.position
       ) n
       ORDER BY n.position
       RETURNING *`,
      [
        created.id.toString(),
        tasks.map((task) => JSON.stringify(task.payload ?? {})),
        tasks.map((task) => JSON.stringify(task.extraAttrs)),
      ],
    );
    return {
      execution: created,
      tasks: rows.map(toTask).sort((a, b) => (a.id < b.id ? -1 : 1)),
      created: true,
    };
  }

  async findById(id: bigint): Promise<Execution | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `SELECT ${EXECUTION_COLUMNS} FROM execution WHERE id = $1::bigint`,
      [id.toString()],
    );
    return rows[0] ? toExecution(rows[0]) : null;
  }

  /** Executions matching `filter`, newest first. */
  async list(filter: ExecutionFilter, slice: Slice): Promise<Listing<Execution>> {
    const { where, params } = whereOf(filter);
    const [count, rows] = await Promise.all([
      queryRows<{ n: string }>(
        this.database,
        undefined,
        `SELECT count(*) AS n FROM execution ${where}`,
        params,
      ),
      queryRows<Record<string, unknown>>(
        this.database,
        undefined,
        `SELECT ${EXECUTION_COLUMNS} FROM execution ${where} ORDER BY id ${filter.ascending ? 'ASC' : 'DESC'}
         LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, slice.limit, slice.offset],
      ),
    ]);
    return { total: Number(count[0]?.n ?? 0), items: rows.map(toExecution) };
  }

  /** Task counts and summed progress of each execution, by id (absent ids have no task). */
  async metrics(executionIds: readonly bigint[]): Promise<Map<bigint, ExecutionMetrics>> {
    const result = new Map<bigint, ExecutionMetrics>();
    if (executionIds.length === 0) return result;
    const rows = await queryRows<{
      execution_id: string;
      status: JobStatusName;
      n: string;
      started: boolean;
      done: string;
      total: string | null;
      unknown_total: boolean;
    }>(
      this.database,
      undefined,
      `SELECT execution_id, status, count(*) AS n, bool_or(run_count > 0) AS started,
         sum(CASE WHEN status = 'Success' THEN coalesce(progress_total, progress_done) ELSE progress_done END) AS done,
         sum(coalesce(progress_total, progress_done)) AS total,
         bool_or(progress_total IS NULL AND status NOT IN ${FINAL}) AS unknown_total
       FROM task WHERE execution_id = ANY($1::bigint[]) GROUP BY execution_id, status`,
      [executionIds.map(String)],
    );
    const unknownTotal = new Set<bigint>();
    for (const row of rows) {
      const id = int8(row.execution_id);
      let metrics = result.get(id);
      if (!metrics) {
        metrics = {
          counts: { Pending: 0, Running: 0, Stopped: 0, Error: 0, Success: 0 },
          started: false,
          progressDone: 0n,
          progressTotal: 0n,
        };
        result.set(id, metrics);
      }
      if (row.status in metrics.counts) metrics.counts[row.status] += Number(row.n);
      metrics.started ||= row.started;
      metrics.progressDone += int8(row.done ?? 0);
      metrics.progressTotal = (metrics.progressTotal ?? 0n) + int8(row.total ?? 0);
      if (row.unknown_total) unknownTotal.add(id);
    }
    for (const id of unknownTotal) result.get(id)!.progressTotal = null;
    return result;
  }

  /**
   * Records a stop request on an unfinished execution and returns it; null when it is finished (or
   * gone). Asking twice keeps the first request's time.
   */
  async requestStop(id: bigint): Promise<Execution | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `UPDATE execution SET stop_requested_at = coalesce(stop_requested_at, now()), update_time = now()
       WHERE id = $1::bigint AND status NOT IN ${FINAL}
       RETURNING ${EXECUTION_COLUMNS}`,
      [id.toString()],
    );
    return rows[0] ? toExecution(rows[0]) : null;
  }

  /**
   * Sets the execution's status from its tasks' with `rule`, in one transaction that first locks
   * the execution: refreshes after concurrent task changes run one after the other, and each counts
   * every task change committed before it. A final status gets the last task's end time; an
   * unfinished one none. `onFinal` runs in the same transaction when the execution has just become
   * final (a notice for the outbox). Returns the execution as it is now, or null when it is gone.
   */
  async refreshStatus(
    id: bigint,
    rule: ExecutionStatusRule,
    onFinal?: ExecutionFinalHook,
  ): Promise<Execution | null> {
    return this.database.transaction(async (tx) => {
      const locked = await queryRows<Record<string, unknown>>(
        this.database,
        tx,
        `SELECT ${EXECUTION_COLUMNS} FROM execution WHERE id = $1::bigint FOR UPDATE`,
        [id.toString()],
      );
      if (!locked[0]) return null;
      const current = toExecution(locked[0]);
      const rows = await queryRows<{
        status: JobStatusName;
        n: bigint | string;
        started: boolean;
        last_end: Date | null;
      }>(
        this.database,
        tx,
        `SELECT status, count(*) AS n, bool_or(run_count > 0) AS started, max(end_time) AS last_end
         FROM task WHERE execution_id = $1::bigint GROUP BY status`,
        [id.toString()],
      );
      const counts: Record<JobStatusName, number> = {
        Pending: 0,
        Running: 0,
        Stopped: 0,
        Error: 0,
        Success: 0,
      };
      let started = false;
      let lastEnd: Date | null = null;
      for (const row of rows) {
        if (row.status in counts) counts[row.status] += Number(row.n);
        started ||= row.started;
        const end = dateOrNull(row.last_end);
        if (end && (!lastEnd || end > lastEnd)) lastEnd = end;
      }
      const status = rule(counts, started);
      if (status === null || status === current.status) return current;
      const final = status === 'Stopped' || status === 'Error' || status === 'Success';
      const updated = await queryRows<Record<string, unknown>>(
        this.database,
        tx,
        `UPDATE execution SET status = $2, end_time = $3::timestamptz, update_time = now()
         WHERE id = $1::bigint RETURNING ${EXECUTION_COLUMNS}`,
        [id.toString(), status, final ? (lastEnd ?? new Date()) : null],
      );
      const execution = toExecution(updated[0]!);
      // What a run reports when it ends commits with its final status, or neither does.
      if (final && onFinal) await onFinal(tx, execution);
      return execution;
    });
  }

  /** Merges `attrs` into the execution's `extra_attrs`. */
  async mergeExtraAttrs(id: bigint, attrs: Record<string, unknown>): Promise<void> {
    await queryRows(
      this.database,
      undefined,
      `UPDATE execution SET extra_attrs = extra_attrs || $2::jsonb, update_time = now() WHERE id = $1::bigint`,
      [id.toString(), JSON.stringify(attrs)],
    );
  }

  /** Ids of the unfinished executions of a job kind. */
  async unfinishedIds(jobKind: string): Promise<bigint[]> {
    const rows = await queryRows<{ id: string }>(
      this.database,
      undefined,
      `SELECT id FROM execution WHERE job_kind = $1 AND status NOT IN ${FINAL} ORDER BY id`,
      [jobKind],
    );
    return rows.map((row) => int8(row.id));
  }
}

function whereOf(filter: ExecutionFilter): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.vendorType !== undefined) {
    params.push(filter.vendorType);
    conditions.push(`vendor_type = $${params.length}`);
  }
  if (filter.vendorId !== undefined) {
    params.push(filter.vendorId.toString());
    conditions.push(`vendor_id = $${params.length}::bigint`);
  }
  if (filter.jobKind !== undefined) {
    params.push(filter.jobKind);
    conditions.push(`job_kind = $${params.length}`);
  }
  if (filter.statuses !== undefined) {
    params.push([...filter.statuses]);
    conditions.push(`status = ANY($${params.length}::text[])`);
  }
  return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

export function toExecution(row: Record<string, unknown>): Execution {
  return {
    id: int8(row.id),
    vendorType: String(row.vendor_type),
    vendorId: int8(row.vendor_id),
    jobKind: String(row.job_kind),
    status: row.status as JobStatusName,
    statusMessage: String(row.status_message ?? ''),
    trigger: String(row.trigger),
    extraAttrs: jsonObject(row.extra_attrs),
    dedupeKey: (row.dedupe_key as string | null) ?? null,
    stopRequestedAt: dateOrNull(row.stop_requested_at),
    startTime: new Date(row.start_time as Date),
    endTime: dateOrNull(row.end_time),
    updateTime: new Date(row.update_time as Date),
  };
}

export function toTask(row: Record<string, unknown>): Task {
  return {
    id: int8(row.id),
    executionId: int8(row.execution_id),
    jobId: String(row.job_id),
    payload: json(row.payload),
    status: row.status as JobStatusName,
    statusMessage: String(row.status_message ?? ''),
    runCount: Number(row.run_count),
    extraAttrs: jsonObject(row.extra_attrs),
    progressDone: int8(row.progress_done),
    progressTotal: int8OrNull(row.progress_total),
    workerId: (row.worker_id as string | null) ?? null,
    enqueuedAt: dateOrNull(row.enqueued_at),
    creationTime: new Date(row.creation_time as Date),
    updateTime: new Date(row.update_time as Date),
    startTime: dateOrNull(row.start_time),
    endTime: dateOrNull(row.end_time),
  };
}
