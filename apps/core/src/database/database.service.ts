import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createPool } from '@berth/db';
import { DATABASE_URL } from '../config/config.constants.js';

export type DatabasePool = ReturnType<typeof createPool>;

/** Owns the process's one PostgreSQL pool; closes it when the application shuts down. */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  readonly pool: DatabasePool;
  private closed = false;

  constructor(@Inject(DATABASE_URL) databaseUrl: string) {
    // createPool reports idle-client errors itself, so a database restart does not crash the process.
    this.pool = createPool(databaseUrl);
  }

  /** Round-trips a trivial query; rejects when the database does not answer within `timeoutMs`. */
  async ping(timeoutMs = 3000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.pool.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
