import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Database, OutboxRepository, type AuditRecord, type Tx } from '@berth/db';

export interface AuditEntry {
  projectId?: bigint | null;
  /** Harbor's operation names: create, delete, update, pull, push, login, logout… */
  operation: string;
  /** project, repository, artifact, member, robot, user, configuration, login… */
  resourceType: string;
  resource: string;
  username: string;
  clientIp?: string;
  success?: boolean;
}

/**
 * Records audited API changes as outbox events; the audit subscriber writes the log from them.
 * `append` writes in the change's own transaction, so the change and its entry commit together;
 * the dispatcher delivers it right after the commit (`Database.onCommit`).
 */
@Injectable()
export class AuditService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
  ) {}

  /** Appends the entry to the outbox inside `tx`, the transaction of the change it describes. */
  async append(tx: Tx, entry: AuditEntry): Promise<void> {
    await this.outbox.append(tx, [
      { topic: 'audit', id: randomUUID(), occurredAt: new Date(), record: toRecord(entry) },
    ]);
  }

  /** Records an entry that goes with no other change (a refused attempt, a login). */
  async record(entry: AuditEntry): Promise<void> {
    await this.database.transaction((tx) => this.append(tx, entry));
  }
}

function toRecord(entry: AuditEntry): AuditRecord {
  return {
    projectId: entry.projectId ?? null,
    operation: entry.operation,
    resourceType: entry.resourceType,
    resource: entry.resource,
    username: entry.username,
    clientIp: entry.clientIp ?? '',
    success: entry.success ?? true,
  };
}
