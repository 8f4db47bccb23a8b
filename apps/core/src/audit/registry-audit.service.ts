import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { RegistryEvent } from '@berth/distribution';
import { BatchedFlusher } from '../common/batched-flusher.js';
import { DatabaseService } from '../database/database.service.js';
import { RegistryEventsService } from '../registry/registry-events.service.js';

const FLUSH_INTERVAL_MS = 1000;
const MAX_PENDING = 50_000;
const BLOB_MEDIA_TYPE = 'application/octet-stream';

/** Harbor's audit operation for each registry action on an artifact. */
const OPERATION: Partial<Record<RegistryEvent['action'], string>> = {
  push: 'create',
  pull: 'pull',
  delete: 'delete',
};

interface PendingEntry {
  projectName: string;
  operation: string;
  resource: string;
  username: string;
  clientIp: string;
  opTime: Date;
}

/**
 * Writes the audit log of `/v2/` artifact pushes, pulls and deletes from the registry's events,
 * batched once a second so a pull never waits for the write. Blob-level events are not audited
 * (Harbor audits artifacts); entries still pending at shutdown are written then.
 */
@Injectable()
export class RegistryAuditService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RegistryAuditService.name);
  private readonly flusher = new BatchedFlusher<PendingEntry>({
    intervalMs: FLUSH_INTERVAL_MS,
    write: (batch) => this.write(batch),
    onFailure: 'drop',
    maxPending: MAX_PENDING,
    warn: (message) => this.logger.warn(`registry audit entries: ${message}`),
  });
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(RegistryEventsService) private readonly events: RegistryEventsService,
    @Inject(DatabaseService) private readonly database: DatabaseService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => this.record(event));
    this.flusher.start();
  }

  record(event: RegistryEvent): void {
    const operation = OPERATION[event.action];
    const { repository, digest, tag, mediaType } = event.target;
    if (!operation || mediaType === BLOB_MEDIA_TYPE) return;
    this.flusher.add({
      projectName: repository.split('/')[0] ?? repository,
      operation,
      resource: tag ? `${repository}:${tag}` : `${repository}@${digest ?? ''}`,
      username: event.actor.name ?? 'anonymous',
      clientIp: event.request.addr,
      opTime: new Date(event.timestamp),
    });
  }

  flush(): Promise<void> {
    return this.flusher.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flusher.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.flusher.stop();
  }

  private async write(batch: PendingEntry[]): Promise<void> {
    const names = [...new Set(batch.map((entry) => entry.projectName))];
    const projects = await this.database.prisma.project.findMany({
      where: { name: { in: names } },
      select: { id: true, name: true },
    });
    const ids = new Map(projects.map((project) => [project.name, project.id]));
    await this.database.prisma.auditLog.createMany({
      data: batch.map((entry) => ({
        projectId: ids.get(entry.projectName) ?? null,
        operation: entry.operation,
        resourceType: 'artifact',
        resource: entry.resource,
        username: entry.username,
        clientIp: entry.clientIp,
        opTime: entry.opTime,
      })),
    });
  }
}
