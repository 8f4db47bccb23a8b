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
  AUDIT_LOG_QUERY,
  AUDIT_LOG_SORT,
  type AuditLogDto,
  type TListAuditLogsQuery,
} from './audit-log.dto.js';

/** The read side of the audit log: AuditService writes, this lists and filters. */
@Injectable()
export class AuditLogService {
  constructor(@Inject(DatabaseService) private readonly database: DatabaseService) {}

  /** Every entry (system administrators), or one project's when `projectId` is given. */
  async list(query: TListAuditLogsQuery, scope: { projectId?: bigint }): Promise<Page<AuditLogDto>> {
    const terms = parseHarborQuery(query.q, AUDIT_LOG_QUERY);
    const sort = parseSort(query.sort, AUDIT_LOG_SORT);
    const paging = pageRequest(query);
    const where: Prisma.AuditLogWhereInput = { AND: [...whereTerms(terms)] };
    if (scope.projectId !== undefined) where.projectId = scope.projectId;
    const orderBy: Prisma.AuditLogOrderByWithRelationInput[] = sort.length
      ? sort.map((key) => ({ [key.field]: key.descending ? 'desc' : 'asc' }))
      : [{ opTime: 'desc' }];
    // A stable order across pages even when times tie.
    if (!sort.some((key) => key.field === 'id')) orderBy.push({ id: 'desc' });
    const [total, rows] = await Promise.all([
      this.database.prisma.auditLog.count({ where }),
      this.database.prisma.auditLog.findMany({ where, orderBy, skip: paging.offset, take: paging.pageSize }),
    ]);
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
