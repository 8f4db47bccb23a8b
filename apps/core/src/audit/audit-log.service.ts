import { Inject, Injectable } from '@nestjs/common';
import { AuditLogRepository, type AuditLogCondition, type AuditLogListQuery } from '@berth/db';
import { HarborError } from '../common/harbor-error.js';
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
  constructor(@Inject(AuditLogRepository) private readonly auditLog: AuditLogRepository) {}

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
    const paging = pageRequest(query);
    const listing = await this.auditLog.list({
      ...filtersOf(parseHarborQuery(query.q, AUDIT_LOG_QUERY)),
      projectIds,
      sort: parseSort(query.sort, AUDIT_LOG_SORT),
      slice: { offset: paging.offset, limit: paging.pageSize },
    });
    return { rows: listing.items, total: listing.total, paging };
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

/** The `q` of the audit log as the repository's conditions. */
function filtersOf(
  terms: Map<string, QueryTerm>,
): Pick<AuditLogListQuery, 'conditions' | 'from' | 'to' | 'success'> {
  const filters: Pick<AuditLogListQuery, 'conditions' | 'from' | 'to' | 'success'> = { conditions: [] };
  for (const [key, term] of terms) {
    if (key === 'op_time') {
      if (term.kind !== 'range') continue;
      if (term.min) filters.from = parseQueryTime(term.min, key);
      if (term.max) filters.to = parseQueryTime(term.max, key);
      continue;
    }
    if (key === 'operation_result') {
      if (term.kind !== 'exact' || !['true', 'false'].includes(term.value)) {
        throw HarborError.badRequest('operation_result must be true or false');
      }
      filters.success = term.value === 'true';
      continue;
    }
    const field = COLUMNS[key as keyof typeof COLUMNS];
    let condition: AuditLogCondition | null = null;
    if (term.kind === 'exact') condition = { field, equals: term.value };
    else if (term.kind === 'fuzzy') condition = { field, contains: term.value };
    else if (term.kind === 'anyOf') condition = { field, in: term.values };
    if (condition) filters.conditions.push(condition);
  }
  return filters;
}
