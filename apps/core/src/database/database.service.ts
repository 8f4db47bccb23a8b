import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createPool, createPrismaClient, type PrismaClient } from '@berth/db';
import { DATABASE_URL } from '../config/config.constants.js';

export type DatabasePool = ReturnType<typeof createPool>;

/** Owns the process's one PostgreSQL pool; closes it when the application shuts down. */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  readonly pool: DatabasePool;
  /** The domain's Prisma client, on the same pool. */
  readonly prisma: PrismaClient;
  private closed = false;

  constructor(@Inject(DATABASE_URL) databaseUrl: string) {
    // createPool reports idle-client errors itself, so a database restart does not crash the process.
    this.pool = createPool(databaseUrl);
    this.prisma = createPrismaClient(this.pool);
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
    await this.prisma.$disconnect();
    await this.pool.end();
  }
}
