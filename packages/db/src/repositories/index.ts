import type { Database } from '../database.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { ArtifactRepository } from './artifact.repository.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { CveAllowlistRepository } from './cve-allowlist.repository.js';
import { LabelRepository } from './label.repository.js';
import { ProjectMemberRepository } from './project-member.repository.js';
import { ProjectRepository } from './project.repository.js';
import { PullStatisticsRepository } from './pull-statistics.repository.js';
import { QuotaRepository } from './quota.repository.js';
import { RobotRepository } from './robot.repository.js';
import { SigningKeyRepository } from './signing-key.repository.js';
import { StatisticsRepository } from './statistics.repository.js';
import { SystemSettingRepository } from './system-setting.repository.js';
import { TokenRevocationRepository } from './token-revocation.repository.js';
import { UserGroupRepository } from './user-group.repository.js';
import { UserSessionRepository } from './user-session.repository.js';
import { UserRepository } from './user.repository.js';
import { VisibilityRepository } from './visibility.repository.js';
import { AdvisoryLocks } from './advisory-locks.js';
import { ExecutionRepository } from './execution.repository.js';
import { JobWorkerRepository } from './job-worker.repository.js';
import { ScheduleRepository } from './schedule.repository.js';
import { TaskLogRepository } from './task-log.repository.js';
import { TaskRepository } from './task.repository.js';
import { WebhookPolicyRepository } from './webhook-policy.repository.js';
import { RetentionRepository } from './retention.repository.js';
import { ImmutableRuleRepository } from './immutable-rule.repository.js';
import { GcRepository } from './gc.repository.js';

export { AuditLogRepository } from './audit-log.repository.js';
export type {
  AuditLogCondition,
  AuditLogEntry,
  AuditLogInsert,
  AuditLogListQuery,
  AuditLogSortField,
} from './audit-log.repository.js';
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
  type TagRow,
} from './artifact.repository.js';
export { VisibilityRepository, type ProjectSearchHit, type UserMembership } from './visibility.repository.js';
export { PullStatisticsRepository, type ManifestPulls } from './pull-statistics.repository.js';
export {
  ProjectRepository,
  type NewProject,
  type Project,
  type ProjectChanges,
  type ProjectCondition,
  type ProjectDetails,
  type ProjectListQuery,
  type ProjectSortField,
} from './project.repository.js';
export {
  ProjectMemberRepository,
  type MemberEntity,
  type MemberListQuery,
  type Membership,
  type NewProjectMember,
  type ProjectMember,
  type ProjectMemberChanges,
} from './project-member.repository.js';
export {
  RobotRepository,
  type NewRobot,
  type Robot,
  type RobotChanges,
  type RobotLevel,
  type RobotListQuery,
  type RobotPermissionEntry,
  type RobotSortField,
  type RobotWithSecret,
} from './robot.repository.js';
export {
  LabelRepository,
  type Label,
  type LabelChanges,
  type LabelListQuery,
  type LabelScope,
  type LabelSortField,
  type NewLabel,
} from './label.repository.js';
export {
  CveAllowlistRepository,
  type CveAllowlist,
  type CveAllowlistContent,
} from './cve-allowlist.repository.js';
export {
  QuotaRepository,
  type ProjectQuota,
  type QuotaListQuery,
  type QuotaSortField,
} from './quota.repository.js';
export { SystemSettingRepository } from './system-setting.repository.js';
export { StatisticsRepository, type ProjectCounts } from './statistics.repository.js';
export {
  UserRepository,
  type NewUser,
  type User,
  type UserChanges,
  type UserCondition,
  type UserListQuery,
  type UserSortField,
  type UserTextField,
} from './user.repository.js';
export {
  UserSessionRepository,
  type SessionRenewal,
  type UserSession,
  type UserSessionWithUser,
} from './user-session.repository.js';
export {
  UserGroupRepository,
  type NewUserGroup,
  type UserGroup,
  type UserGroupListQuery,
  type UserGroupMember,
} from './user-group.repository.js';
export { SigningKeyRepository, type NewSigningKey, type StoredSigningKey } from './signing-key.repository.js';
export {
  REVOCATION_CHANNEL,
  TokenRevocationRepository,
  notificationPayloads,
  parseNotification,
  type RevocationHandlers,
  type TokenRevocation,
} from './token-revocation.repository.js';
export type { Listing, Slice, SortKey } from './shared.js';
export { AdvisoryLocks, type AdvisoryLease } from './advisory-locks.js';
export {
  ExecutionRepository,
  type Execution,
  type ExecutionFilter,
  type ExecutionFinalHook,
  type ExecutionMetrics,
  type ExecutionStatusRule,
  type JobStatusName,
  type NewExecution,
  type NewTask,
  type Task,
} from './execution.repository.js';
export { TaskRepository, type TaskWithKind } from './task.repository.js';
export { TaskLogRepository, type TaskLogEntry, type TaskLogLevel } from './task-log.repository.js';
export { ScheduleRepository, type Schedule, type ScheduleWrite } from './schedule.repository.js';
export { JobWorkerRepository, type JobWorker, type NewJobWorker } from './job-worker.repository.js';
export {
  WEBHOOK_VENDOR_TYPE,
  WebhookPolicyRepository,
  type NewWebhookPolicy,
  type WebhookPolicy,
  type WebhookPolicyChanges,
  type WebhookPolicyListQuery,
  type WebhookPolicySortField,
  type WebhookRepositoryInfo,
  type WebhookSubscription,
  type WebhookTarget,
} from './webhook-policy.repository.js';
export {
  RetentionRepository,
  type RetentionArtifact,
  type RetentionPolicy,
  type RetentionPolicyWrite,
  type RetentionRule,
  type RetentionTag,
  type RetentionTrigger,
  type Selector,
} from './retention.repository.js';
export {
  IMMUTABLE_RULES_CHANNEL,
  ImmutableRuleRepository,
  type ImmutableRule,
  type ImmutableRuleWrite,
  type ProjectImmutableRule,
} from './immutable-rule.repository.js';
export {
  GcRepository,
  type GcBlob,
  type GcManifest,
  type GcSimulation,
  type GcUpload,
} from './gc.repository.js';

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
  ProjectRepository,
  ProjectMemberRepository,
  RobotRepository,
  LabelRepository,
  CveAllowlistRepository,
  QuotaRepository,
  SystemSettingRepository,
  StatisticsRepository,
  UserRepository,
  UserSessionRepository,
  UserGroupRepository,
  SigningKeyRepository,
  TokenRevocationRepository,
  ExecutionRepository,
  TaskRepository,
  TaskLogRepository,
  ScheduleRepository,
  JobWorkerRepository,
  AdvisoryLocks,
  WebhookPolicyRepository,
  RetentionRepository,
  ImmutableRuleRepository,
  GcRepository,
];
