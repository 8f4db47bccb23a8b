export { BLOB_GUARD_NAMESPACE, PgMetadataStore, QUOTA_WARNING_PERCENT } from './pg-metadata-store.js';
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
export { ensureDatabase } from './ensure-database.js';
export type { Pool, PoolClient, PoolConfig } from './pool.js';
export { Prisma, PrismaClient, createPrismaClient } from './prisma-client.js';
export { Database, type DatabaseOptions, type Tx } from './database.js';
export { listen, type ChannelHandlers, type ChannelListener } from './listen.js';
export {
  DomainDataError,
  ForeignKeyViolationError,
  InvalidDataError,
  RecordNotFoundError,
  UniqueViolationError,
  mapDatabaseErrors,
  toDomainError,
} from './errors.js';
export {
  OutboxDispatcher,
  type OutboxDispatcherOptions,
  type OutboxSubscriber,
} from './outbox/outbox-dispatcher.js';
export type {
  AuditRecord,
  Notification,
  OutboxEntry,
  OutboxMessage,
  OutboxTopic,
} from './outbox/outbox-message.js';
export { OutboxRepository } from './outbox/outbox.repository.js';
export * from './repositories/index.js';
