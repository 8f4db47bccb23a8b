import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

export interface AuditLogFilters {
  username?: string;
  resource?: string;
  /** One of Harbor's operations (create, delete, pull, …). */
  operation?: string;
  resourceType?: string;
  /** ISO dates (YYYY-MM-DD), inclusive. */
  from?: string;
  to?: string;
}

export interface AuditLogListParams extends AuditLogFilters {
  page: number;
  pageSize: number;
}

/** Harbor's AuditLog plus the fields Berth adds (`operation_result`, `client_ip`). */
export type AuditLogEntry = Schema<'AuditLog'> & { operation_result?: boolean; client_ip?: string };

/** Query keys of the system audit log. */
export const auditLogKeys = {
  all: ['audit-logs'] as const,
  lists: () => [...auditLogKeys.all, 'list'] as const,
  list: (params: AuditLogListParams) => [...auditLogKeys.lists(), params] as const,
};

/** Harbor's `q` syntax for the filters: fuzzy text, exact choices, a time range. */
export function auditLogQ(filters: AuditLogFilters): string | undefined {
  const parts: string[] = [];
  const text = (value: string | undefined) => value?.replace(/[,=~{}()[\]"']/g, '').trim();
  const username = text(filters.username);
  const resource = text(filters.resource);
  if (username) parts.push(`username=~${username}`);
  if (resource) parts.push(`resource=~${resource}`);
  if (filters.operation) parts.push(`operation=${filters.operation}`);
  if (filters.resourceType) parts.push(`resource_type=${filters.resourceType}`);
  if (filters.from || filters.to) {
    const from = filters.from ? `${filters.from} 00:00:00` : '1970-01-01 00:00:00';
    const to = filters.to ? `${filters.to} 23:59:59` : '9999-12-31 23:59:59';
    parts.push(`op_time=[${from}~${to}]`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

export const auditLogListQuery = (client: BerthClient, params: AuditLogListParams) =>
  queryOptions({
    queryKey: auditLogKeys.list(params),
    queryFn: async () => {
      const q = auditLogQ(params);
      const result = await client.api.GET('/audit-logs', {
        params: {
          query: { page: params.page, page_size: params.pageSize, sort: '-op_time', ...(q ? { q } : {}) },
        },
      });
      return { items: unwrap(result) as AuditLogEntry[], total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });
