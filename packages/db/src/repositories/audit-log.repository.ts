import type { Database } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { Prisma } from '../prisma-client.js';
import { orderOf, type Listing, type Slice, type SortKey } from './shared.js';

/** An audit log entry as stored. */
export interface AuditLogEntry {
  id: bigint;
  projectId: bigint | null;
  operation: string;
  resourceType: string;
  resource: string;
  username: string;
  clientIp: string;
  success: boolean;
  opTime: Date;
}

export type AuditLogTextField = 'operation' | 'resourceType' | 'resource' | 'username';
export type AuditLogSortField = AuditLogTextField | 'opTime' | 'id';

/** A condition on a text column: equal, containing (case-insensitive), or one of. */
export type AuditLogCondition =
  | { field: AuditLogTextField; equals: string }
  | { field: AuditLogTextField; contains: string }
  | { field: AuditLogTextField; in: string[] };

export interface AuditLogListQuery {
  /** Only entries of these projects (entries of no project, such as logins, left out); null: all. */
  projectIds: bigint[] | null;
  conditions: AuditLogCondition[];
  from?: Date;
  to?: Date;
  success?: boolean;
  /** Newest first when empty; the id breaks ties so pages are stable. */
  sort: SortKey<AuditLogSortField>[];
  slice: Slice;
}

/** One audit log row to write, from an outbox event. */
export interface AuditLogInsert {
  /** The outbox event it comes from: a redelivered event writes nothing. */
  eventId: string;
  projectId: bigint | null;
  operation: string;
  resourceType: string;
  resource: string;
  username: string;
  clientIp: string;
  success: boolean;
  opTime: Date;
}

/** Harbor's audit log (`audit_log`). */
export class AuditLogRepository {
  constructor(private readonly database: Database) {}

  /**
   * Writes entries, skipping those whose event is recorded already. `projectName` entries (registry
   * events name projects, not ids) are resolved to the project's id in the same statement.
   */
  async insertMany(entries: (AuditLogInsert & { projectName?: string })[]): Promise<void> {
    if (entries.length === 0) return;
    // One JSON parameter rather than an array per column: `pg` would escape and copy every element
    // of every array literal, and a second of pulls is thousands of entries.
    const rows = JSON.stringify(
      entries.map((entry) => ({
        event_id: entry.eventId,
        project_id: entry.projectId?.toString() ?? null,
        operation: entry.operation,
        resource_type: entry.resourceType,
        resource: entry.resource,
        username: entry.username,
        client_ip: entry.clientIp,
        success: entry.success,
        op_time: entry.opTime.toISOString(),
        project_name: entry.projectName ?? null,
      })),
    );
    await mapDatabaseErrors(() =>
      this.database.pool.query(
        `INSERT INTO audit_log (event_id, project_id, operation, resource_type, resource, username, client_ip,
           success, op_time)
         SELECT e.event_id, coalesce(e.project_id, p.id), e.operation, e.resource_type, e.resource, e.username,
           e.client_ip, e.success, e.op_time
         FROM jsonb_to_recordset($1::jsonb)
           AS e (event_id uuid, project_id bigint, operation text, resource_type text, resource text,
             username text, client_ip text, success boolean, op_time timestamptz, project_name text)
         LEFT JOIN project p ON p.name = e.project_name
         ORDER BY e.op_time
         ON CONFLICT (event_id) DO NOTHING`,
        [rows],
      ),
    );
  }

  /** How many entries logged before `before` (of `operations`, or of any when empty) a purge would delete. */
  async countOlderThan(before: Date, operations: readonly string[]): Promise<number> {
    const { rows } = await mapDatabaseErrors(() =>
      this.database.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM audit_log
         WHERE op_time < $1 AND (cardinality($2::text[]) = 0 OR operation = ANY($2::text[]))`,
        [before, [...operations]],
      ),
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Deletes up to `limit` of the oldest entries logged before `before` (of `operations`, or of any
   * when empty) and returns how many went: the audit purge deletes in batches so a large log never
   * holds one long transaction.
   */
  async deleteOlderThan(before: Date, operations: readonly string[], limit: number): Promise<number> {
    const result = await mapDatabaseErrors(() =>
      this.database.pool.query(
        `DELETE FROM audit_log WHERE id IN (
           SELECT id FROM audit_log
           WHERE op_time < $1 AND (cardinality($2::text[]) = 0 OR operation = ANY($2::text[]))
           ORDER BY op_time LIMIT $3)`,
        [before, [...operations], limit],
      ),
    );
    return result.rowCount ?? 0;
  }

  /** One page of entries matching the query, and how many match in all. */
  async list(query: AuditLogListQuery): Promise<Listing<AuditLogEntry>> {
    const where: Prisma.AuditLogWhereInput = { AND: query.conditions.map(conditionOf) };
    if (query.projectIds !== null) {
      where.projectId = query.projectIds.length === 1 ? query.projectIds[0]! : { in: query.projectIds };
    }
    if (query.from || query.to) {
      where.opTime = { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) };
    }
    if (query.success !== undefined) where.success = query.success;
    const orderBy = query.sort.length ? orderOf(query.sort) : [{ opTime: 'desc' as const }];
    if (!query.sort.some((key) => key.field === 'id')) orderBy.push({ id: 'desc' });
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        this.database.prisma.auditLog.count({ where }),
        this.database.prisma.auditLog.findMany({
          where,
          orderBy,
          skip: query.slice.offset,
          take: query.slice.limit,
        }),
      ]);
      return {
        total,
        items: rows.map((row) => ({
          id: row.id,
          projectId: row.projectId,
          operation: row.operation,
          resourceType: row.resourceType,
          resource: row.resource,
          username: row.username,
          clientIp: row.clientIp,
          success: row.success,
          opTime: row.opTime,
        })),
      };
    });
  }
}

function conditionOf(condition: AuditLogCondition): Prisma.AuditLogWhereInput {
  if ('equals' in condition) return { [condition.field]: condition.equals };
  if ('contains' in condition)
    return { [condition.field]: { contains: condition.contains, mode: 'insensitive' } };
  return { [condition.field]: { in: condition.in } };
}
