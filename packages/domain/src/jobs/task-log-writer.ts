import type { TaskLogEntry, TaskLogLevel, TaskLogRepository } from '@berth/db';
import type { TaskLog } from '@berth/jobs';

const FLUSH_LINES = 50;
const FLUSH_AFTER_MS = 300;

/**
 * A task's log for its processor: lines are buffered and written in batches (at 50 lines or
 * 300 ms), so a chatty processor costs few INSERTs and readers still see the log grow.
 */
export class TaskLogWriter implements TaskLog {
  private buffer: TaskLogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly logs: TaskLogRepository,
    private readonly taskId: bigint,
    private readonly onError: (message: string) => void,
  ) {}

  info(message: string): void {
    this.add('INFO', message);
  }

  warn(message: string): void {
    this.add('WARNING', message);
  }

  error(message: string): void {
    this.add('ERROR', message);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const entries = this.buffer;
    this.buffer = [];
    if (entries.length > 0) {
      this.writing = this.writing.then(() =>
        this.logs.append(this.taskId, entries).catch((error: unknown) => {
          this.onError(
            `task ${this.taskId}: log lines lost: ${error instanceof Error ? error.message : String(error)}`,
          );
        }),
      );
    }
    return this.writing;
  }

  private add(level: TaskLogLevel, message: string): void {
    this.buffer.push({ at: new Date(), level, message });
    if (this.buffer.length >= FLUSH_LINES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }
}
