export { PgMetadataStore } from './pg-metadata-store.js';
export {
  PRISMA_MIGRATE_LOCK_KEY,
  defaultMigrationsDir,
  migrate,
  migrationChecksum,
  readMigrations,
  scriptMatchesChecksum,
} from './migrate.js';
export type { MigrateResult, MigrationFile } from './migrate.js';
export { createPool } from './pool.js';
export type { Pool, PoolClient, PoolConfig } from './pool.js';
export { Prisma, PrismaClient, createPrismaClient } from './prisma-client.js';
