import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

export { Prisma, PrismaClient } from './generated/prisma/client.js';

/**
 * A Prisma client for the domain code (users, projects, …) on the `pg` driver adapter. Pass a URL
 * for a pool of its own, or an existing pool to share connections with `PgMetadataStore`.
 * The registry engine's hot path does not go through Prisma: see `PgMetadataStore`.
 */
export function createPrismaClient(database: string | pg.Pool): PrismaClient {
  const adapter = new PrismaPg(typeof database === 'string' ? { connectionString: database } : database);
  return new PrismaClient({ adapter });
}
