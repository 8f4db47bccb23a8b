import type { Database } from '../database.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { PullStatisticsRepository } from './pull-statistics.repository.js';

export { AuditLogRepository } from './audit-log.repository.js';
export type { AuditLogInsert } from './audit-log.repository.js';
export { PullStatisticsRepository, type ManifestPulls } from './pull-statistics.repository.js';

/**
 * Every repository class, each constructed from the process's `Database`. The apps register them
 * all from this list (apps/core: `DatabaseModule`), so adding a repository is adding it here.
 */
export const REPOSITORY_CLASSES: readonly (new (database: Database) => object)[] = [
  OutboxRepository,
  AuditLogRepository,
  PullStatisticsRepository,
];
