import type { Database } from '../database.js';
import { queryRows } from './job-sql.js';

export type TaskLogLevel = 'INFO' | 'WARNING' | 'ERROR';

export interface TaskLogEntry {
  at: Date;
  level: TaskLogLevel;
  message: string;
}

/** Longest line kept; a longer message is cut (a log is for people, not a dump). */
const MAX_MESSAGE_LENGTH = 8000;

/** Task logs (`task_log`): lines appended while a task runs, read as text at any time. */
export class TaskLogRepository {
  constructor(private readonly database: Database) {}

  async append(taskId: bigint, entries: readonly TaskLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await queryRows(
      this.database,
      undefined,
      `INSERT INTO task_log (task_id, logged_at, level, message)
       SELECT $1::bigint, e.logged_at, e.level, e.message
       FROM unnest($2::timestamptz[], $3::text[], $4::text[]) WITH ORDINALITY AS e (logged_at, level, message, position)
       ORDER BY e.position`,
      [
        taskId.toString(),
        entries.map((entry) => entry.at),
        entries.map((entry) => entry.level),
        // NUL bytes are the one thing PostgreSQL text refuses.
        entries.map((entry) => entry.message.replaceAll('\u0000', '').slice(0, MAX_MESSAGE_LENGTH)),
      ],
    );
  }

  /** The task's log as text, one line per entry (`<time> [LEVEL] message`), in the order written. */
  async text(taskId: bigint): Promise<string> {
    const rows = await queryRows<{ line: string }>(
      this.database,
      undefined,
      `SELECT to_char(logged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ' [' || level || '] ' || message AS line
       FROM task_log WHERE task_id = $1::bigint ORDER BY id`,
      [taskId.toString()],
    );
    return rows.map((row) => `${row.line}\n`).join('');
  }
}
