export { AuditLogSubscriber, auditOfRegistryEvent } from './audit/audit-log.subscriber.js';
export { PullStatisticsSubscriber } from './registry/pull-statistics.subscriber.js';
export * from './rbac/index.js';
export * from './jobs/index.js';
export * from './net/index.js';
export * from './crypto/index.js';
export * from './webhooks/index.js';
export * from './retention/index.js';
export * from './immutability/index.js';
