import { randomUUID } from 'node:crypto';
import type { RegistryEvent } from '@berth/distribution';
import type pg from 'pg';
import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import { partitionKeyOf, type Notification, type OutboxEntry, type OutboxMessage } from './outbox-message.js';

/** Anything that runs SQL: a pool, or a client inside a transaction (PgMetadataStore's). */
export type SqlRunner = Pick<pg.ClientBase, 'query'>;

/**
 * The messages of one append as rows, from the statement's single JSON parameter (an array of
 * `{event_id, topic, partition_key, payload}`): one JSON text is sent as it is, where `pg`'s array
 * literals would escape and copy every payload twice on the way (a second's batched pulls are
 * megabytes).
 */
const ROWS_OF_PARAMETER = `SELECT (m->>'event_id')::uuid AS event_id, m->>'topic' AS topic,
    m->>'partition_key' AS partition_key, m->'payload' AS payload, position
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r (m, position)`;

/**
 * The one statement that appends to the outbox. It first takes a transaction-scoped advisory lock
 * per partition (in key order, so two writers never deadlock), and only then draws ids from the
 * sequence: a later transaction of the same partition waits for this one's commit before it gets
 * an id, so id order within a partition is commit order. Called last in a transaction, the lock is
 * held only for the commit itself.
 */
const APPEND_SQL = `WITH e AS (${ROWS_OF_PARAMETER}),
  keys AS (SELECT DISTINCT partition_key AS key FROM e ORDER BY key),
  locked AS (SELECT count(pg_advisory_xact_lock(hashtext('berth_outbox'), hashtext(key))) AS n FROM keys)
  INSERT INTO outbox_event (event_id, topic, partition_key, payload)
  SELECT e.event_id, e.topic, e.partition_key, e.payload
  FROM locked, e
  ORDER BY e.position`;

/** The same without locks, for messages whose order does not matter (batched pulls). */
const APPEND_UNORDERED_SQL = `INSERT INTO outbox_event (event_id, topic, partition_key, payload)
  SELECT e.event_id, e.topic, e.partition_key, e.payload FROM (${ROWS_OF_PARAMETER}) AS e`;

/**
 * Rows ready for delivery, oldest first: available now, and with no earlier row of their partition
 * waiting out a retry delay (which would let them overtake it).
 */
const CLAIM_SQL = `SELECT o.id, o.topic, o.partition_key, o.payload, o.attempts
  FROM outbox_event o
  WHERE o.available_at <= now()
    AND NOT EXISTS (
      SELECT 1 FROM outbox_event earlier
      WHERE earlier.partition_key = o.partition_key AND earlier.id < o.id AND earlier.available_at > now())
  ORDER BY o.id
  LIMIT $1`;

/** The outbox table: appending inside a change's transaction, and the dispatcher's reads and marks. */
export class OutboxRepository {
  constructor(private readonly database: Database) {}

  /** Appends `messages` in the caller's transaction, in order. */
  async append(tx: Tx, messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await mapDatabaseErrors(() => prismaOf(tx).$executeRawUnsafe(APPEND_SQL, rowsParameter(messages)));
  }

  /** Appends outside any transaction of the caller, without ordering locks (batched pulls). */
  async appendUnordered(messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await mapDatabaseErrors(() => this.database.pool.query(APPEND_UNORDERED_SQL, [rowsParameter(messages)]));
  }

  /** Up to `limit` rows ready for delivery, in id order. */
  async claim(limit: number): Promise<OutboxEntry[]> {
    const { rows } = await this.database.pool.query<{
      id: string;
      topic: string;
      partition_key: string;
      payload: unknown;
      attempts: number;
    }>(CLAIM_SQL, [limit]);
    return rows.map((row) => fromRow(row));
  }

  /** Deletes delivered rows. */
  async complete(sequences: bigint[]): Promise<void> {
    if (sequences.length === 0) return;
    await this.database.pool.query('DELETE FROM outbox_event WHERE id = ANY($1::bigint[])', [
      sequences.map(String),
    ]);
  }

  /** Records a failed delivery: the rows wait `delayMs` before the next attempt. */
  async fail(sequences: bigint[], error: string, delayMs: number): Promise<void> {
    if (sequences.length === 0) return;
    await this.database.pool.query(
      `UPDATE outbox_event SET attempts = attempts + 1, last_error = $2,
         available_at = now() + ($3::int * interval '1 millisecond')
       WHERE id = ANY($1::bigint[])`,
      [sequences.map(String), error.slice(0, 2000), Math.round(delayMs)],
    );
  }

  /** Rows not yet delivered (for health and tests). */
  async pending(): Promise<number> {
    const { rows } = await this.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_event');
    return Number(rows[0]?.n ?? 0);
  }
}

/** Appends `messages` with an open `pg` client in the caller's transaction (the engine's store). */
export async function appendToOutbox(client: SqlRunner, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query(APPEND_SQL, [rowsParameter(messages)]);
}

/** The append statements' parameter: the messages as one JSON array of rows. */
function rowsParameter(messages: OutboxMessage[]): string {
  return JSON.stringify(
    messages.map((message) => ({
      event_id: eventIdOf(message),
      topic: message.topic,
      partition_key: partitionKeyOf(message),
      payload: payloadOf(message),
    })),
  );
}

function eventIdOf(message: OutboxMessage): string {
  if (message.topic !== 'registry') return message.id;
  return message.events.length === 1 ? message.events[0]!.id : randomUUID();
}

function payloadOf(message: OutboxMessage): unknown {
  if (message.topic === 'registry') return { events: message.events };
  if (message.topic === 'notification') {
    return {
      id: message.id,
      occurredAt: message.occurredAt.toISOString(),
      notification: message.notification,
    };
  }
  return {
    id: message.id,
    occurredAt: message.occurredAt.toISOString(),
    record: { ...message.record, projectId: message.record.projectId?.toString() ?? null },
  };
}

function fromRow(row: {
  id: string;
  topic: string;
  partition_key: string;
  payload: unknown;
  attempts: number;
}): OutboxEntry {
  const base = { sequence: BigInt(row.id), partitionKey: row.partition_key, attempts: row.attempts };
  const payload = row.payload as Record<string, unknown>;
  if (row.topic === 'audit') {
    const record = payload.record as Record<string, unknown>;
    return {
      ...base,
      topic: 'audit',
      id: String(payload.id),
      occurredAt: new Date(String(payload.occurredAt)),
      record: {
        projectId: record.projectId === null ? null : BigInt(String(record.projectId)),
        operation: String(record.operation),
        resourceType: String(record.resourceType),
        resource: String(record.resource),
        username: String(record.username),
        clientIp: String(record.clientIp ?? ''),
        success: record.success !== false,
      },
    };
  }
  if (row.topic === 'notification') {
    return {
      ...base,
      topic: 'notification',
      id: String(payload.id),
      occurredAt: new Date(String(payload.occurredAt)),
      notification: payload.notification as Notification,
    };
  }
  return { ...base, topic: 'registry', events: (payload.events ?? []) as RegistryEvent[] };
}
