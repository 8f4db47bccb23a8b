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
 * What the outbox carries, by topic:
 * - `registry`: changes of registry content in distribution's envelope (push, delete, tag, untag,
 *   copy), one per change; pulls are batched by the core and flushed as one row of many events.
 * - `audit`: an audited API change.
 */
export type OutboxMessage =
  | { topic: 'registry'; events: RegistryEvent[] }
  | { topic: 'audit'; id: string; occurredAt: Date; record: AuditRecord };

export type OutboxTopic = OutboxMessage['topic'];

/** A stored outbox row as the dispatcher hands it to subscribers. */
export type OutboxEntry = {
  /** The row's position: commit order within a partition. */
  sequence: bigint;
  partitionKey: string;
  /** Earlier failed deliveries of this row. */
  attempts: number;
} & OutboxMessage;

/** The partition of a message: a repository for registry events, a project (or the system) for audit. */
export function partitionKeyOf(message: OutboxMessage): string {
  if (message.topic === 'registry') return `repository:${message.events[0]?.target.repository ?? ''}`;
  return message.record.projectId === null ? 'system' : `project:${message.record.projectId}`;
}
