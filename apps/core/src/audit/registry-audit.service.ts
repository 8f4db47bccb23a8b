import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { RegistryEvent } from '@berth/distribution';
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
  private pending: PendingEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(RegistryEventsService) private readonly events: RegistryEventsService,
    @Inject(DatabaseService) private readonly database: DatabaseService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => this.record(event));
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(event: RegistryEvent): void {
    const operation = OPERATION[event.action];
    const { repository, digest, tag, mediaType } = event.target;
    if (!operation || mediaType === BLOB_MEDIA_TYPE) return;
    if (this.pending.length >= MAX_PENDING) {
      this.logger.warn('audit backlog full; dropping a registry audit entry');
      return;
    }
    this.pending.push({
      projectName: repository.split('/')[0] ?? repository,
      operation,
      resource: tag ? `${repository}:${tag}` : `${repository}@${digest ?? ''}`,
      username: event.actor.name ?? 'anonymous',
      clientIp: event.request.addr,
      opTime: new Date(event.timestamp),
    });
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
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
    } catch (error) {
      this.logger.error(`${batch.length} registry audit entries not written`, error);
    }
  }
}
