import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Database, type PrismaClient } from '@berth/db';

export type DatabasePool = Database['pool'];

/**
 * The process's `Database`, closed when the application shuts down.
 *
 * `pool` and `prisma` remain only while services still run SQL themselves; they move to
 * repositories in `@berth/db` (docs/ARCHITECTURE.md), and these two go with the last of them.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  readonly pool: DatabasePool;
  readonly prisma: PrismaClient;

  constructor(@Inject(Database) readonly database: Database) {
    this.pool = database.pool;
    this.prisma = database.prisma;
  }

  /** Round-trips a trivial query; rejects when the database does not answer within `timeoutMs`. */
  ping(timeoutMs = 3000): Promise<void> {
    return this.database.ping(timeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
