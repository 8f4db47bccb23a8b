import { Inject, Injectable } from '@nestjs/common';
import type { Prisma } from '@berth/db';
import { HarborError } from '../common/harbor-error.js';
import { DatabaseService } from '../database/database.service.js';
import {
  pageRequest,
  parseHarborQuery,
  parseQueryTime,
  parseSort,
  toPage,
  type Page,
  type QueryTerm,
} from '../system/harbor-listing.js';
import {
  AUDIT_EVENT_TYPES,
  AUDIT_LOG_QUERY,
  AUDIT_LOG_SORT,
  type AuditLogDto,
  type AuditLogEventTypeDto,
  type AuditLogExtDto,
  type TListAuditLogsQuery,
} from './audit-log.dto.js';

/** The read side of the audit log (Harbor's legacy and extended shapes): AuditService writes. */
@Injectable()
export class AuditLogService {
  constructor(@Inject(DatabaseService) private readonly database: DatabaseService) {}

  /** Every entry (system administrators), or one project's when `projectId` is given. */
  async list(query: TListAuditLogsQuery, scope: { projectId?: bigint }): Promise<Page<AuditLogDto>> {
    const { rows, total, paging } = await this.find(
      query,
      scope.projectId === undefined ? null : [scope.projectId],
    );
    const withAddress = scope.projectId === undefined;
    const items = rows.map((row): AuditLogDto => ({
      id: Number(row.id),
      op_time: row.opTime.toISOString(),
      operation: row.operation,
      resource: row.resource,
      resource_type: row.resourceType,
      username: row.username,
      operation_result: row.success,
      ...(withAddress ? { client_ip: row.clientIp } : {}),
    }));
    return toPage(items, total, paging);
  }

  /**
   * Harbor 2.13's extended audit log, from the same rows: every entry when `projectIds` is null,
   * else only the entries of those projects (entries of no project, such as logins, are then left out).
   */
  async listExt(query: TListAuditLogsQuery, projectIds: bigint[] | null): Promise<Page<AuditLogExtDto>> {
    const { rows, total, paging } = await this.find(query, projectIds);
    const items = rows.map((row): AuditLogExtDto => ({
      id: Number(row.id),
      username: row.username,
      resource: row.resource,
      resource_type: row.resourceType,
      operation: row.operation,
      operation_description: describeOperation(row.operation, row.resourceType, row.resource),
      operation_result: row.success,
      op_time: row.opTime.toISOString(),
    }));
    return toPage(items, total, paging);
  }

  eventTypes(): AuditLogEventTypeDto[] {
    return AUDIT_EVENT_TYPES.map(([operation, resourceType]) => ({
      event_type: `${operation}_${resourceType}`,
    }));
  }

  private async find(query: TListAuditLogsQuery, projectIds: bigint[] | null) {
    const terms = parseHarborQuery(query.q, AUDIT_LOG_QUERY);
    const sort = parseSort(query.sort, AUDIT_LOG_SORT);
    const paging = pageRequest(query);
    const where: Prisma.AuditLogWhereInput = { AND: [...whereTerms(terms)] };
    if (projectIds !== null) {
      where.projectId = projectIds.length === 1 ? projectIds[0]! : { in: projectIds };
    }
    const orderBy: Prisma.AuditLogOrderByWithRelationInput[] = sort.length
      ? sort.map((key) => ({ [key.field]: key.descending ? 'desc' : 'asc' }))
      : [{ opTime: 'desc' }];
    // A stable order across pages even when times tie.
    if (!sort.some((key) => key.field === 'id')) orderBy.push({ id: 'desc' });
    const [total, rows] = await Promise.all([
      this.database.prisma.auditLog.count({ where }),
      this.database.prisma.auditLog.findMany({ where, orderBy, skip: paging.offset, take: paging.pageSize }),
    ]);
    return { rows, total, paging };
  }
}

/** Harbor's wording for what an artifact operation was from the client's side. */
const ARTIFACT_VERBS: Record<string, string> = { create: 'push', pull: 'pull', delete: 'delete' };

function describeOperation(operation: string, resourceType: string, resource: string): string {
  const verb = resourceType === 'artifact' ? (ARTIFACT_VERBS[operation] ?? operation) : operation;
  return `${verb} ${resourceType.replaceAll('_', ' ')}: ${resource}`;
}

const COLUMNS = {
  operation: 'operation',
  resource_type: 'resourceType',
  resource: 'resource',
  username: 'username',
} as const;

function whereTerms(terms: Map<string, QueryTerm>): Prisma.AuditLogWhereInput[] {
  const where: Prisma.AuditLogWhereInput[] = [];
  for (const [key, term] of terms) {
    if (key === 'op_time') {
      if (term.kind !== 'range') continue;
      where.push({
        opTime: {
          ...(term.min ? { gte: parseQueryTime(term.min, key) } : {}),
          ...(term.max ? { lte: parseQueryTime(term.max, key) } : {}),
        },
      });
      continue;
    }
    if (key === 'operation_result') {
      if (term.kind !== 'exact' || !['true', 'false'].includes(term.value)) {
        throw HarborError.badRequest('operation_result must be true or false');
      }
      where.push({ success: term.value === 'true' });
      continue;
    }
    const column = COLUMNS[key as keyof typeof COLUMNS];
    switch (term.kind) {
      case 'exact':
        where.push({ [column]: term.value });
        break;
      case 'fuzzy':
        where.push({ [column]: { contains: term.value, mode: 'insensitive' } });
        break;
      case 'anyOf':
        where.push({ [column]: { in: term.values } });
        break;
      default:
        break;
    }
  }
  return where;
}
