export { AuditLogSubscriber, auditOfRegistryEvent } from './audit/audit-log.subscriber.js';
export { PullStatisticsSubscriber } from './registry/pull-statistics.subscriber.js';
export * from './rbac/index.js';
