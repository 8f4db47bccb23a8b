import { z } from 'zod';
import { ZPageParams, type QuerySpec } from '../system/harbor-listing.js';

export const ZListAuditLogsQuery = z.strictObject({
  q: z.string().max(2048, 'q is too long').optional(),
  sort: z.string().max(256, 'sort is too long').optional(),
  ...ZPageParams,
});
export type TListAuditLogsQuery = z.output<typeof ZListAuditLogsQuery>;

/** What `q` may filter on, with Harbor's keys. */
export const AUDIT_LOG_QUERY: QuerySpec = {
  operation: ['exact', 'fuzzy', 'anyOf'],
  resource_type: ['exact', 'fuzzy', 'anyOf'],
  resource: ['exact', 'fuzzy'],
  username: ['exact', 'fuzzy'],
  op_time: ['range'],
  operation_result: ['exact'],
};

export const AUDIT_LOG_SORT = {
  op_time: 'opTime',
  id: 'id',
  operation: 'operation',
  resource_type: 'resourceType',
  resource: 'resource',
  username: 'username',
} as const;

/**
 * Harbor's `AuditLog`, plus `operation_result` (Harbor's name for it in `AuditLogExt`) so failed
 * logins can be told from successful ones, and for system administrators the client address.
 */
export interface AuditLogDto {
  id: number;
  op_time: string;
  operation: string;
  resource: string;
  resource_type: string;
  username: string;
  operation_result: boolean;
  client_ip?: string;
}
