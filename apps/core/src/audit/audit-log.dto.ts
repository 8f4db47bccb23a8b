import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';
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
export const ZAuditLog = z
  .object({
    id: z.number().int(),
    op_time: z.string(),
    operation: z.string(),
    resource: z.string(),
    resource_type: z.string(),
    username: z.string(),
    operation_result: z.boolean(),
    client_ip: z.string().optional(),
  })
  .meta({ id: 'AuditLog' });
export type AuditLogDto = z.infer<typeof ZAuditLog>;

/** Harbor 2.13's `AuditLogExt`. */
export const ZAuditLogExt = z
  .object({
    id: z.number().int(),
    username: z.string(),
    resource: z.string(),
    resource_type: z.string(),
    operation: z.string(),
    operation_description: z.string(),
    operation_result: z.boolean(),
    op_time: z.string(),
  })
  .meta({ id: 'AuditLogExt' });
export type AuditLogExtDto = z.infer<typeof ZAuditLogExt>;

/** Harbor's `AuditLogEventType`: `{operation}_{resource_type}`, e.g. `create_user`. */
export const ZAuditLogEventType = z.object({ event_type: z.string() }).meta({ id: 'AuditLogEventType' });
export type AuditLogEventTypeDto = z.infer<typeof ZAuditLogEventType>;

export class ListAuditLogsQuery extends zodDto(ZListAuditLogsQuery) {}

/**
 * Every (operation, resource type) this registry records, as Harbor's event types. Writers and
 * this list change together: the audit-log test checks that recorded entries are among them.
 */
export const AUDIT_EVENT_TYPES: readonly (readonly [operation: string, resourceType: string])[] = [
  ['create', 'artifact'],
  ['delete', 'artifact'],
  ['pull', 'artifact'],
  ['create', 'tag'],
  ['delete', 'tag'],
  ['delete', 'repository'],
  ['create', 'project'],
  ['update', 'project'],
  ['delete', 'project'],
  ['update', 'quota'],
  ['create', 'member'],
  ['update', 'member'],
  ['delete', 'member'],
  ['create', 'robot'],
  ['update', 'robot'],
  ['delete', 'robot'],
  ['create', 'user'],
  ['update', 'user'],
  ['delete', 'user'],
  ['login', 'user'],
  ['create', 'user_group'],
  ['update', 'user_group'],
  ['delete', 'user_group'],
  ['create', 'user_group_member'],
  ['delete', 'user_group_member'],
  ['update', 'configuration'],
];
