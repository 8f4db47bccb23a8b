import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { Prisma } from '../prisma-client.js';
import { queryRows } from './job-sql.js';
import { clientOf, likeEscape, orderOf, type Listing, type Slice, type SortKey } from './shared.js';

/** Where a policy sends its events. */
export interface WebhookTarget {
  /** `http` or `slack`. */
  type: string;
  address: string;
  /** The `Authorization` value to send, sealed with the instance key; null for none. */
  authHeaderSealed: string | null;
  skipCertVerify: boolean;
  /** `Default` or `CloudEvents` for `http`; empty for `slack`. */
  payloadFormat: string;
}

/** A project's webhook policy (Harbor's notification policy). */
export interface WebhookPolicy {
  id: bigint;
  projectId: bigint;
  name: string;
  description: string;
  targets: WebhookTarget[];
  eventTypes: string[];
  creator: string;
  enabled: boolean;
  /** The HMAC key of the deliveries' signature, sealed with the instance key. */
  signingSecretSealed: string;
  /** When each event type last fired. */
  lastTriggered: Map<string, Date>;
  creationTime: Date;
  updateTime: Date;
}

export interface NewWebhookPolicy {
  projectId: bigint;
  name: string;
  description: string;
  targets: WebhookTarget[];
  eventTypes: string[];
  creator: string;
  enabled: boolean;
  signingSecretSealed: string;
}

export interface WebhookPolicyChanges {
  name: string;
  description: string;
  targets: WebhookTarget[];
  eventTypes: string[];
  enabled: boolean;
}

export type WebhookPolicySortField = 'id' | 'name' | 'creationTime' | 'updateTime';

export interface WebhookPolicyListQuery extends Slice {
  projectId: bigint;
  /** Every condition on the name must hold: a substring (wildcards match themselves) or exact. */
  names: ({ contains: string } | { is: string })[];
  enabled?: boolean;
  sort: SortKey<WebhookPolicySortField>[];
}

/** An enabled policy subscribed to some of the event types asked about, with its project. */
export interface WebhookSubscription {
  policy: WebhookPolicy;
  projectName: string;
  projectPublic: boolean;
}

/** What a payload says of a repository (Harbor's `event_data.repository`). */
export interface WebhookRepositoryInfo {
  name: string;
  creationTime: Date;
}

/** The executions of webhook deliveries are of this vendor type (Harbor's `WEBHOOK`). */
export const WEBHOOK_VENDOR_TYPE = 'WEBHOOK';

type PolicyRow = Prisma.WebhookPolicyGetPayload<object>;

/**
 * Webhook policies (`notification_policy`). A name is unique within its project
 * (`UniqueViolationError`). Deleting a policy deletes its deliveries' executions with it, as
 * Harbor's does. The sealed secrets are stored as given: sealing and opening is the caller's.
 */
export class WebhookPolicyRepository {
  constructor(private readonly database: Database) {}

  async create(tx: Tx | undefined, policy: NewWebhookPolicy): Promise<WebhookPolicy> {
    const row = await mapDatabaseErrors(() =>
      clientOf(this.database, tx).webhookPolicy.create({
        data: {
          projectId: policy.projectId,
          name: policy.name,
          description: policy.description,
          targets: targetsJson(policy.targets),
          eventTypes: policy.eventTypes,
          creator: policy.creator,
          enabled: policy.enabled,
          signingSecret: policy.signingSecretSealed,
        },
      }),
    );
    return toPolicy(row);
  }

  async findById(id: bigint, tx?: Tx): Promise<WebhookPolicy | null> {
    const row = await mapDatabaseErrors(() =>
      clientOf(this.database, tx).webhookPolicy.findUnique({ where: { id } }),
    );
    return row ? toPolicy(row) : null;
  }

  async list(query: WebhookPolicyListQuery): Promise<Listing<WebhookPolicy>> {
    const where: Prisma.WebhookPolicyWhereInput = {
      AND: [
        { projectId: query.projectId },
        ...(query.enabled !== undefined ? [{ enabled: query.enabled }] : []),
        ...query.names.map((name) => ({
          name: 'contains' in name ? { contains: likeEscape(name.contains) } : name.is,
        })),
      ],
    };
    const prisma = this.database.prisma;
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        prisma.webhookPolicy.count({ where }),
        prisma.webhookPolicy.findMany({
          where,
          // Harbor lists the newest first unless asked otherwise; the id breaks ties.
          orderBy: [...orderOf(query.sort), { id: query.sort.length ? 'asc' : 'desc' }],
          skip: query.offset,
          take: query.limit,
        }),
      ]);
      return { total, items: rows.map(toPolicy) };
    });
  }

  /** Every policy of a project, oldest first (Harbor's last-trigger listing). */
  async listAll(projectId: bigint): Promise<WebhookPolicy[]> {
    const rows = await mapDatabaseErrors(() =>
      this.database.prisma.webhookPolicy.findMany({ where: { projectId }, orderBy: { id: 'asc' } }),
    );
    return rows.map(toPolicy);
  }

  /** Throws `UniqueViolationError` for a name the project uses, `RecordNotFoundError` when it is gone. */
  async update(tx: Tx | undefined, id: bigint, changes: WebhookPolicyChanges): Promise<void> {
    await mapDatabaseErrors(() =>
      clientOf(this.database, tx).webhookPolicy.update({
        where: { id },
        data: {
          name: changes.name,
          description: changes.description,
          targets: targetsJson(changes.targets),
          eventTypes: changes.eventTypes,
          enabled: changes.enabled,
          updateTime: new Date(),
        },
      }),
    );
  }

  async replaceSigningSecret(tx: Tx | undefined, id: bigint, sealed: string): Promise<boolean> {
    const result = await mapDatabaseErrors(() =>
      clientOf(this.database, tx).webhookPolicy.updateMany({
        where: { id },
        data: { signingSecret: sealed, updateTime: new Date() },
      }),
    );
    return result.count > 0;
  }

  /**
   * Deletes the policy and its deliveries (executions, their tasks and logs) together, in `tx` or a
   * transaction of its own; false when it is gone. A delivery running meanwhile finds its task gone
   * and stops there.
   */
  async delete(id: bigint, tx?: Tx): Promise<boolean> {
    const work = (inTx: Tx) =>
      mapDatabaseErrors(async () => {
        const prisma = prismaOf(inTx);
        await prisma.execution.deleteMany({ where: { vendorType: WEBHOOK_VENDOR_TYPE, vendorId: id } });
        const result = await prisma.webhookPolicy.deleteMany({ where: { id } });
        return result.count > 0;
      });
    return tx ? work(tx) : this.database.transaction(work);
  }

  /**
   * Enabled policies of the named projects subscribed to any of `eventTypes`, with their project:
   * what the outbox subscriber asks for each batch of events. One indexed statement.
   */
  async subscriptions(projectNames: readonly string[], eventTypes: readonly string[]) {
    if (projectNames.length === 0 || eventTypes.length === 0) return [];
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `SELECT np.*, p.name AS project_name, coalesce(p.metadata->>'public', 'false') = 'true' AS project_public
       FROM notification_policy np JOIN project p ON p.id = np.project_id
       WHERE p.name = ANY($1::text[]) AND np.enabled AND np.event_types ?| $2::text[]
       ORDER BY np.id`,
      [projectNames, eventTypes],
    );
    return rows.map((row): WebhookSubscription => ({
      policy: toPolicy(fromSqlRow(row)),
      projectName: String(row.project_name),
      projectPublic: row.project_public === true,
    }));
  }

  /** Creation times of the named repositories that exist (for payloads' `date_created`). */
  async repositories(names: readonly string[]): Promise<Map<string, WebhookRepositoryInfo>> {
    const result = new Map<string, WebhookRepositoryInfo>();
    if (names.length === 0) return result;
    const rows = await queryRows<{ name: string; created_at: Date }>(
      this.database,
      undefined,
      'SELECT name, created_at FROM repository WHERE name = ANY($1::text[])',
      [names],
    );
    for (const row of rows) {
      result.set(row.name, { name: row.name, creationTime: new Date(row.created_at) });
    }
    return result;
  }

  /** Records that `eventType` fired for the policy at `at` (a later time only moves it forward). */
  async recordTriggers(tx: Tx | undefined, triggers: { policyId: bigint; eventType: string; at: Date }[]) {
    if (triggers.length === 0) return;
    await queryRows(
      this.database,
      tx,
      `UPDATE notification_policy np
       SET last_triggered = np.last_triggered || t.fired
       FROM (SELECT policy_id, jsonb_object_agg(event_type, at) AS fired
             FROM (SELECT policy_id, event_type, max(at) AS at
                   FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS u (policy_id, event_type, at)
                   GROUP BY policy_id, event_type) latest
             GROUP BY policy_id) t
       WHERE np.id = t.policy_id`,
      [
        triggers.map((trigger) => trigger.policyId.toString()),
        triggers.map((trigger) => trigger.eventType),
        triggers.map((trigger) => trigger.at.toISOString()),
      ],
    );
  }

  /**
   * Deletes the finished delivery executions of each policy beyond its newest `keep` (Harbor's
   * execution retention, 50 per policy); returns how many went.
   */
  async trimExecutions(policyIds: readonly bigint[], keep: number): Promise<number> {
    if (policyIds.length === 0) return 0;
    const rows = await queryRows<{ n: string }>(
      this.database,
      undefined,
      `WITH ranked AS (
         SELECT id, row_number() OVER (PARTITION BY vendor_id ORDER BY id DESC) AS position
         FROM execution WHERE vendor_type = $1 AND vendor_id = ANY($2::bigint[])),
       deleted AS (
         DELETE FROM execution e USING ranked r
         WHERE e.id = r.id AND r.position > $3 AND e.status IN ('Stopped', 'Error', 'Success')
         RETURNING e.id)
       SELECT count(*) AS n FROM deleted`,
      [WEBHOOK_VENDOR_TYPE, policyIds.map(String), keep],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

function targetsJson(targets: readonly WebhookTarget[]): Prisma.InputJsonValue {
  return targets.map((target) => ({
    type: target.type,
    address: target.address,
    authHeader: target.authHeaderSealed,
    skipCertVerify: target.skipCertVerify,
    payloadFormat: target.payloadFormat,
  }));
}

function toTargets(stored: unknown): WebhookTarget[] {
  if (!Array.isArray(stored)) return [];
  return stored.map((item: Record<string, unknown>) => ({
    type: String(item.type ?? 'http'),
    address: String(item.address ?? ''),
    authHeaderSealed: typeof item.authHeader === 'string' && item.authHeader ? item.authHeader : null,
    skipCertVerify: item.skipCertVerify === true,
    payloadFormat: typeof item.payloadFormat === 'string' ? item.payloadFormat : '',
  }));
}

function toLastTriggered(stored: unknown): Map<string, Date> {
  const result = new Map<string, Date>();
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return result;
  for (const [type, at] of Object.entries(stored)) {
    const date = new Date(String(at));
    if (!Number.isNaN(date.getTime())) result.set(type, date);
  }
  return result;
}

/** A row of `SELECT np.*` through `pg`, in Prisma's field names. */
function fromSqlRow(row: Record<string, unknown>): PolicyRow {
  const json = (value: unknown): Prisma.JsonValue =>
    (typeof value === 'string' ? JSON.parse(value) : value) as Prisma.JsonValue;
  return {
    id: BigInt(row.id as string),
    projectId: BigInt(row.project_id as string),
    name: String(row.name),
    description: String(row.description),
    targets: json(row.targets),
    eventTypes: json(row.event_types),
    creator: String(row.creator),
    enabled: row.enabled === true,
    signingSecret: String(row.signing_secret),
    lastTriggered: json(row.last_triggered),
    creationTime: new Date(row.creation_time as string),
    updateTime: new Date(row.update_time as string),
  };
}

function toPolicy(row: PolicyRow): WebhookPolicy {
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    description: row.description,
    targets: toTargets(row.targets),
    eventTypes: Array.isArray(row.eventTypes) ? row.eventTypes.map(String) : [],
    creator: row.creator,
    enabled: row.enabled,
    signingSecretSealed: row.signingSecret,
    lastTriggered: toLastTriggered(row.lastTriggered),
    creationTime: row.creationTime,
    updateTime: row.updateTime,
  };
}
