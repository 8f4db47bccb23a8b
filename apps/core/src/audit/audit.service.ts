import { Inject, Injectable, Logger } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';

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

/** Writes the audit log. A failed write is logged and never fails the audited operation. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@Inject(DatabaseService) private readonly database: DatabaseService) {}

  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.database.prisma.auditLog.create({
        data: {
          projectId: entry.projectId ?? null,
          operation: entry.operation,
          resourceType: entry.resourceType,
          resource: entry.resource,
          username: entry.username,
          clientIp: entry.clientIp ?? '',
          success: entry.success ?? true,
        },
      });
    } catch (error) {
      this.logger.error(
        `audit entry ${entry.operation} ${entry.resourceType} ${entry.resource} not written`,
        error,
      );
    }
  }
}
