import type { RegistryEvent } from '@berth/distribution';

/**
 * An audited change made through the API (a project created, a member removed…), as Harbor's audit
 * log records it. Written to the outbox in the change's transaction; the audit subscriber turns it
 * into an `audit_log` row.
 */
export interface AuditRecord {
  projectId: bigint | null;
  /** Harbor's operation names: create, delete, update, login… */
  operation: string;
  /** project, repository, artifact, tag, member, robot, user, user_group, configuration… */
  resourceType: string;
  resource: string;
  username: string;
  clientIp: string;
  success: boolean;
}

/**
 * Something webhooks announce that is not a change of registry content (those are `registry`
 * events): a push refused by the quota or one that took usage past its warning level, a finished
 * retention run, later scans and replications. Producers record it in the transaction of what it
 * reports (or, for a refusal that rolled back, on its own).
 */
export interface Notification {
  /** Harbor's event type: QUOTA_EXCEED, QUOTA_WARNING, TAG_RETENTION, REPLICATION, SCANNING_… */
  eventType: string;
  projectName: string;
  /** The repository (`project/name`) it concerns, when one does. */
  repository: string | null;
  /** The artifacts it concerns (Harbor's `event_data.resources`, without URLs). */
  resources: { digest?: string; tag?: string }[];
  /** Who caused it; `anonymous` or a system name when no one did. */
  operator: string;
  /** More of Harbor's `event_data` (`custom_attributes`, `retention`, `scan`, `replication`). */
  eventData: Record<string, unknown>;
}

/**
 * What the outbox carries, by topic:
 * - `registry`: changes of registry content in distribution's envelope (push, delete, tag, untag,
 *   copy), one per change; pulls are batched by the core and flushed as one row of many events.
 * - `audit`: an audited API change.
 * - `notification`: an event for webhooks that is no change of registry content (`Notification`).
 */
export type OutboxMessage =
  | { topic: 'registry'; events: RegistryEvent[] }
  | { topic: 'audit'; id: string; occurredAt: Date; record: AuditRecord }
  | { topic: 'notification'; id: string; occurredAt: Date; notification: Notification };

export type OutboxTopic = OutboxMessage['topic'];

/** A stored outbox row as the dispatcher hands it to subscribers. */
export type OutboxEntry = {
  /** The row's position: commit order within a partition. */
  sequence: bigint;
  partitionKey: string;
  /** Earlier failed deliveries of this row. */
  attempts: number;
} & OutboxMessage;

/**
 * The partition of a message: a repository for registry events and notifications about one, a
 * project (or the system) for audit and other notifications.
 */
export function partitionKeyOf(message: OutboxMessage): string {
  if (message.topic === 'registry') return `repository:${message.events[0]?.target.repository ?? ''}`;
  if (message.topic === 'notification') {
    const { repository, projectName } = message.notification;
    return repository ? `repository:${repository}` : `project-name:${projectName}`;
  }
  return message.record.projectId === null ? 'system' : `project:${message.record.projectId}`;
}
