import type { Database } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';

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
    await mapDatabaseErrors(() =>
      this.database.pool.query(
        `INSERT INTO audit_log (event_id, project_id, operation, resource_type, resource, username, client_ip,
           success, op_time)
         SELECT e.event_id, coalesce(e.project_id, p.id), e.operation, e.resource_type, e.resource, e.username,
           e.client_ip, e.success, e.op_time
         FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::boolean[], $9::timestamptz[], $10::text[])
           AS e (event_id, project_id, operation, resource_type, resource, username, client_ip, success, op_time,
             project_name)
         LEFT JOIN project p ON p.name = e.project_name
         ORDER BY e.op_time
         ON CONFLICT (event_id) DO NOTHING`,
        [
          entries.map((entry) => entry.eventId),
          entries.map((entry) => entry.projectId?.toString() ?? null),
          entries.map((entry) => entry.operation),
          entries.map((entry) => entry.resourceType),
          entries.map((entry) => entry.resource),
          entries.map((entry) => entry.username),
          entries.map((entry) => entry.clientIp),
          entries.map((entry) => entry.success),
          entries.map((entry) => entry.opTime),
          entries.map((entry) => entry.projectName ?? null),
        ],
      ),
    );
  }
}
