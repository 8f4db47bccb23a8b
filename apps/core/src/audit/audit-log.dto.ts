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

/** Harbor 2.13's `AuditLogExt`. */
export interface AuditLogExtDto {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  operation_description: string;
  operation_result: boolean;
  op_time: string;
}

/** Harbor's `AuditLogEventType`: `{operation}_{resource_type}`, e.g. `create_user`. */
export interface AuditLogEventTypeDto {
  event_type: string;
}

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
