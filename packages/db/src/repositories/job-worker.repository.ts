import type { Database } from '../database.js';
import { queryRows } from './job-sql.js';

/** A running worker process (`job_worker`), Harbor's worker pool. */
export interface JobWorker {
  id: string;
  host: string;
  pid: number;
  engine: string;
  concurrency: number;
  startedAt: Date;
  heartbeatAt: Date;
}

export type NewJobWorker = Omit<JobWorker, 'startedAt' | 'heartbeatAt'>;

/** Worker heartbeats: how the runtime tells a live worker from a dead one. */
export class JobWorkerRepository {
  constructor(private readonly database: Database) {}

  /** Records a worker (again, after its row was pruned), with a fresh heartbeat. */
  async register(worker: NewJobWorker): Promise<void> {
    await queryRows(
      this.database,
      undefined,
      `INSERT INTO job_worker (id, host, pid, engine, concurrency) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), concurrency = excluded.concurrency`,
      [worker.id, worker.host, worker.pid, worker.engine, worker.concurrency],
    );
  }

  /** Refreshes the heartbeat; false when the row is gone (pruned as dead). */
  async heartbeat(id: string): Promise<boolean> {
    const rows = await queryRows(
      this.database,
      undefined,
      `UPDATE job_worker SET heartbeat_at = now() WHERE id = $1 RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }

  async remove(id: string): Promise<void> {
    await queryRows(this.database, undefined, `DELETE FROM job_worker WHERE id = $1`, [id]);
  }

  /** Workers whose heartbeat is no older than `since`, oldest first. */
  async alive(since: Date): Promise<JobWorker[]> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `SELECT * FROM job_worker WHERE heartbeat_at >= $1 ORDER BY started_at, id`,
      [since],
    );
    return rows.map((row) => ({
      id: String(row.id),
      host: String(row.host),
      pid: Number(row.pid),
      engine: String(row.engine),
      concurrency: Number(row.concurrency),
      startedAt: new Date(row.started_at as Date),
      heartbeatAt: new Date(row.heartbeat_at as Date),
    }));
  }

  /** Deletes workers silent since `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    const rows = await queryRows(
      this.database,
      undefined,
      `DELETE FROM job_worker WHERE heartbeat_at < $1 RETURNING id`,
      [before],
    );
    return rows.length;
  }
}
