import type { AuditLogInsert, AuditLogRepository, OutboxEntry, OutboxSubscriber } from '@berth/db';
import { isManifestMediaType, type RegistryEvent } from '@berth/distribution';

/**
 * Writes Harbor's audit log from the outbox: audited API changes as they were recorded, and the
 * registry's artifact changes and pulls (whether made with a registry client or through the API)
 * as Harbor names them. Blob-level events are not audited; Harbor audits artifacts.
 */
export class AuditLogSubscriber implements OutboxSubscriber {
  readonly name = 'audit log';
  readonly topics = ['registry', 'audit'] as const;

  constructor(private readonly auditLog: AuditLogRepository) {}

  async handle(entries: OutboxEntry[]): Promise<void> {
    const rows: (AuditLogInsert & { projectName?: string })[] = [];
    for (const entry of entries) {
      if (entry.topic === 'audit') {
        rows.push({ eventId: entry.id, opTime: entry.occurredAt, ...entry.record });
        continue;
      }
      if (entry.topic !== 'registry') continue;
      for (const event of entry.events) {
        const row = auditOfRegistryEvent(event);
        if (row) rows.push(row);
      }
    }
    await this.auditLog.insertMany(rows);
  }
}

/** Harbor's audit entry for a registry event, or null for what Harbor does not audit. */
export function auditOfRegistryEvent(
  event: RegistryEvent,
): (AuditLogInsert & { projectName: string }) | null {
  const { repository, digest, tag, mediaType } = event.target;
  const scope = event.scope ?? (mediaType && !isManifestMediaType(mediaType) ? 'blob' : 'artifact');
  if (scope === 'blob' || event.action === 'mount') return null;
  const operation = event.action === 'push' ? 'create' : event.action;
  const resource =
    scope === 'repository' ? repository : tag ? `${repository}:${tag}` : `${repository}@${digest ?? ''}`;
  return {
    eventId: event.id,
    projectId: null,
    projectName: repository.split('/')[0] ?? repository,
    operation,
    resourceType: scope,
    resource,
    username: event.actor.name ?? 'anonymous',
    clientIp: event.request.addr,
    success: true,
    opTime: new Date(event.timestamp),
  };
}
