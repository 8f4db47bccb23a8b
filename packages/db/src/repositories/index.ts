import type { Database } from '../database.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { ArtifactRepository } from './artifact.repository.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { PullStatisticsRepository } from './pull-statistics.repository.js';
import { VisibilityRepository } from './visibility.repository.js';

export { AuditLogRepository } from './audit-log.repository.js';
export type { AuditLogInsert } from './audit-log.repository.js';
export {
  ARTIFACT_SORT_FIELDS,
  ArtifactRepository,
  REPOSITORY_SORT_FIELDS,
  type AccessoryRow,
  type ArtifactFilter,
  type ArtifactRow,
  type ArtifactScope,
  type LabelRow,
  type RepositoryFilter,
  type RepositoryRow,
  type RepositoryStats,
  type SortKey,
  type TagRow,
} from './artifact.repository.js';
export { VisibilityRepository, type ProjectSearchHit, type UserMembership } from './visibility.repository.js';
export { PullStatisticsRepository, type ManifestPulls } from './pull-statistics.repository.js';

/**
 * Every repository class, each constructed from the process's `Database`. The apps register them
 * all from this list (apps/core: `DatabaseModule`), so adding a repository is adding it here.
 */
export const REPOSITORY_CLASSES: readonly (new (database: Database) => object)[] = [
  OutboxRepository,
  AuditLogRepository,
  PullStatisticsRepository,
  ArtifactRepository,
  VisibilityRepository,
];
