import type {
  BlobRecord,
  CommitManifestResult,
  ManifestDescriptor,
  ManifestReference,
  MetadataStore,
  NewManifest,
  PageRequest,
  ReferrerDescriptor,
  RegistryEvent,
  StoredManifest,
  UploadSession,
} from '@berth/distribution';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { Database } from './database.js';
import type { OutboxMessage } from './outbox/outbox-message.js';
import { appendToOutbox } from './outbox/outbox.repository.js';

/**
 * The engine's MetadataStore on PostgreSQL (tables of /prisma/schema.prisma).
 *
 * Every call is one statement or one short READ COMMITTED transaction of parameterised SQL on the
 * `pg` pool; the hottest reads are named prepared statements, so each connection plans them once.
 *
 * Concurrency rules:
 * - Creating rows that may race (repository, blob, link, manifest, tag) is INSERT … ON CONFLICT,
 *   never read-then-insert, so concurrent pushes of the same content into a new repository all
 *   succeed.
 * - commitManifest locks what the manifest needs (`FOR KEY SHARE` on the repository's blob links and
 *   child manifests) before writing, so a concurrent unlinkBlob or deleteManifest either happens
 *   before the check (and the commit reports it missing) or waits for the commit.
 * - Deadlocks and serialization failures, and a foreign key that vanished between two statements
 *   (a row deleted by a concurrent delete or GC), retry the whole transaction a few times.
 * - Ordering of tags and repository names is bytewise (`COLLATE "C"`), whatever the database's
 *   collation, as the distribution spec's "lexical order" means.
 *
 * Events: each change writes its events to the outbox (`outbox_event`) as its transaction's last
 * statement, so the change and its events commit together (see OutboxRepository for the order).
 *
 * Storage quota (per project, counted as Harbor does): `project_blob` holds each distinct digest the
 * project's manifests need (their blobs and the manifests themselves) with how many manifests need
 * it; `project.quota_used` is the sum of those rows' sizes. Only commitManifest (a manifest new in its
 * repository) and deleteManifest change them. Both touch the project row last, with one
 * `UPDATE … WHERE quota_used + added <= quota_limit` just before COMMIT: under READ COMMITTED an
 * UPDATE that waited for a concurrent one re-checks its condition on the row that one committed, so
 * usage stays exact while the project's lock is held only for the end of each transaction (holding
 * it from the start queued every push into a project behind the previous one's whole commit).
 * Pushes sharing a new digest queue on its `project_blob` row, which both take in digest order, so
 * exactly one of them counts its size. A commit that would exceed `quota_limit` (when ≥ 0) rolls back
 * whole. Upload sessions and linked but unreferenced blobs never count.
 */
export class PgMetadataStore implements MetadataStore {
  private readonly pool: pg.Pool;
  private readonly database: Database | null;
  /**
   * In the store `guardBlob` hands its work: the connection holding the blob guard, on which the
   * store's calls run, so a guarded upload needs one pooled connection, not two (a full pool of
   * guards each waiting for a second connection would never finish). Passed explicitly rather than
   * through AsyncLocalStorage, whose promise hooks would tax every promise of the process.
   */
  private readonly guardClient: pg.PoolClient | null;

  /** On the process's `Database` (its pool), or on a pool of its own (tests, benchmarks). */
  constructor(source: pg.Pool | Database, guardClient: pg.PoolClient | null = null) {
    this.database = source instanceof Database ? source : null;
    this.pool = source instanceof Database ? source.pool : source;
    this.guardClient = guardClient;
  }

  /**
   * A shared session advisory lock on the digest (`BLOB_GUARD_NAMESPACE`, GcRepository takes it
   * exclusively to delete bytes) held while `work` runs; `work` gets a view of this store bound to
   * the connection that holds it.
   */
  async guardBlob<T>(digest: string, work: (guarded: PgMetadataStore) => Promise<T>): Promise<T> {
    if (this.guardClient) return work(this);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query({ ...SQL.guardBlob, values: [BLOB_GUARD_NAMESPACE, digest] });
      try {
        return await work(new PgMetadataStore(this.database ?? this.pool, client));
      } finally {
        await client.query({ ...SQL.unguardBlob, values: [BLOB_GUARD_NAMESPACE, digest] }).catch((error) => {
          // A connection that may still hold the lock must not go back to the pool.
          broken = error instanceof Error ? error : new Error(String(error));
        });
      }
    } finally {
      client.release(
        broken ?? (brokenGuards.has(client) ? new Error('a guarded transaction broke') : undefined),
      );
    }
  }

  /** The guard's connection inside `guardBlob`, else the pool. */
  private get runner(): pg.Pool | pg.PoolClient {
    return this.guardClient ?? this.pool;
  }

  async getRepositoryBlob(repository: string, digest: string): Promise<{ size: number } | null> {
    const { rows } = await this.runner.query<{ size: string }>({
      ...SQL.getRepositoryBlob,
      values: [repository, digest],
    });
    const row = rows[0];
    return row ? { size: Number(row.size) } : null;
  }

  async linkBlob(repository: string, blob: BlobRecord): Promise<void> {
    await this.transaction((client) => this.link(client, repository, blob));
  }

  async unlinkBlob(repository: string, digest: string, events: RegistryEvent[]): Promise<boolean> {
    return this.transaction(async (client) => {
      const result = await client.query({ ...SQL.unlinkBlob, values: [repository, digest] });
      if ((result.rowCount ?? 0) === 0) return false;
      await recordEvents(client, events);
      return true;
    });
  }

  async createUpload(session: UploadSession): Promise<void> {
    if (!isUuid(session.id)) {
      throw new TypeError(`upload session id must be a UUID, got ${JSON.stringify(session.id)}`);
    }
    await this.pool.query({
      ...SQL.createUpload,
      values: [session.id, session.repository, session.createdAt],
    });
  }

  async getUpload(repository: string, uploadId: string): Promise<UploadSession | null> {
    if (!isUuid(uploadId)) return null;
    const { rows } = await this.pool.query<{ id: string; repository: string; created_at: Date }>({
      ...SQL.getUpload,
      values: [uploadId, repository],
    });
    const row = rows[0];
    return row ? { id: row.id, repository: row.repository, createdAt: row.created_at } : null;
  }

  async completeUpload(repository: string, uploadId: string, blob: BlobRecord): Promise<boolean> {
    if (!isUuid(uploadId)) return false;
    // Into a repository that exists (every upload but a new repository's first): one statement, one
    // round trip instead of a six-statement transaction. Each round trip wakes a PostgreSQL backend
    // and waits for it; in a push of small images those waits were a large share of the time.
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.runner.query<{ completed: boolean; repository_exists: boolean }>({
          ...SQL.completeUploadInRepository,
          values: [uploadId, repository, blob.digest, blob.size],
        });
        if (rows[0]?.repository_exists) return rows[0].completed;
        break;
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      }
    }
    return this.transaction(async (client) => {
      const deleted = await client.query({ ...SQL.deleteUpload, values: [uploadId, repository] });
      if ((deleted.rowCount ?? 0) === 0) return new Rollback(false);
      await this.link(client, repository, blob);
      return true;
    });
  }

  async deleteUpload(repository: string, uploadId: string): Promise<boolean> {
    if (!isUuid(uploadId)) return false;
    const result = await this.pool.query({ ...SQL.deleteUpload, values: [uploadId, repository] });
    return (result.rowCount ?? 0) > 0;
  }

  async getManifest(repository: string, reference: ManifestReference): Promise<StoredManifest | null> {
    const query =
      'digest' in reference
        ? { ...SQL.getManifestByDigest, values: [repository, reference.digest] }
        : { ...SQL.getManifestByTag, values: [repository, reference.tag] };
    const { rows } = await this.pool.query<{
      digest: string;
      media_type: string;
      size: string;
      payload: Buffer;
    }>(query);
    const row = rows[0];
    return row
      ? { digest: row.digest, mediaType: row.media_type, size: Number(row.size), payload: row.payload }
      : null;
  }

  async getManifestDescriptor(
    repository: string,
    reference: ManifestReference,
  ): Promise<ManifestDescriptor | null> {
    const query =
      'digest' in reference
        ? { ...SQL.getManifestDescriptorByDigest, values: [repository, reference.digest] }
        : { ...SQL.getManifestDescriptorByTag, values: [repository, reference.tag] };
    const { rows } = await this.pool.query<{ digest: string; media_type: string; size: string }>(query);
    const row = rows[0];
    return row ? { digest: row.digest, mediaType: row.media_type, size: Number(row.size) } : null;
  }

  async commitManifest(
    repository: string,
    manifest: NewManifest,
    tags: string[],
    events: RegistryEvent[],
  ): Promise<CommitManifestResult> {
    const blobDigests = unique(manifest.blobs.map((blob) => blob.digest));
    const childDigests = unique(manifest.manifests.map((child) => child.digest));
    let refusal: OutboxMessage | null = null;

    const result = await this.transaction<CommitManifestResult>(async (client) => {
      // The repository and, locked, the links of the blobs the manifest needs: one round trip.
      const { rows } = await client.query<{ id: string; linked: string[] }>({
        ...SQL.repositoryWithLinkedBlobs,
        values: [repository, blobDigests],
      });
      let repositoryId = rows[0]?.id ?? null;
      if (repositoryId === null) {
        // A repository that does not exist has no blobs and no manifests.
        if (blobDigests.length > 0 || childDigests.length > 0) {
          return new Rollback({ ok: false, missingBlobs: blobDigests, missingManifests: childDigests });
        }
        repositoryId = await ensureRepository(client, repository);
      }

      const linked = new Set(rows[0]?.linked ?? []);
      const missingBlobs = blobDigests.filter((digest) => !linked.has(digest));
      const missingManifests = await lockMissing(client, SQL.lockManifests, repositoryId, childDigests);
      if (missingBlobs.length > 0 || missingManifests.length > 0) {
        return new Rollback({ ok: false, missingBlobs, missingManifests });
      }

      const { id: manifestId, created } = await insertManifest(client, repositoryId, manifest);
      // The repository's update time moves when a manifest or tag changed, at most once a second,
      // so concurrent pushes into one repository do not queue behind each commit.
      const uniqueTags = unique(tags);
      if (uniqueTags.length > 0) {
        await client.query({
          ...SQL.upsertTagsAndTouch,
          values: [repositoryId, uniqueTags, manifestId, created],
        });
      } else if (created) {
        await client.query({ ...SQL.touchRepository, values: [repositoryId] });
      }
      // The project row is the lock every push into the project shares, and the outbox's
      // partition lock comes after it: both are taken at the end and held only to the commit.
      let warning: OutboxMessage | null = null;
      if (created) {
        const charge = await chargeQuota(client, repositoryId, manifest, blobDigests);
        if (charge?.denied) {
          refusal = quotaNotification(
            'QUOTA_EXCEED',
            charge.projectName,
            repository,
            manifest,
            events,
            charge.denied,
          );
          return new Rollback({ ok: false, denied: charge.denied });
        }
        if (charge?.warning) {
          warning = quotaNotification(
            'QUOTA_WARNING',
            charge.projectName,
            repository,
            manifest,
            events,
            charge.warning,
          );
        }
      }
      await recordEvents(client, events, warning ? [warning] : []);
      return { ok: true, created };
    });
    // The refused push rolled back with its events; its notice is written on its own. The push is
    // answered DENIED whatever becomes of the notice, so a failure to write it is not the client's.
    if (refusal) {
      await appendToOutbox(this.pool, [refusal]).then(
        () => this.database?.committed(),
        () => undefined,
      );
    }
    return result;
  }

  async tagManifest(
    repository: string,
    tag: string,
    digest: string,
    events: RegistryEvent[],
    options: { replace: boolean },
  ): Promise<'created' | 'moved' | 'unchanged' | 'exists' | 'unknown'> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ repository_id: string; manifest_id: string }>({
        ...SQL.lockManifestByName,
        values: [repository, digest],
      });
      const target = rows[0];
      if (!target) return 'unknown' as const;
      for (let attempt = 0; attempt < 3; attempt++) {
        const current = await client.query<{ manifest_id: string }>({
          ...SQL.lockTag,
          values: [target.repository_id, tag],
        });
        const pointsAt = current.rows[0]?.manifest_id;
        if (pointsAt === target.manifest_id) return 'unchanged' as const;
        if (pointsAt !== undefined && !options.replace) return 'exists' as const;
        if (pointsAt === undefined) {
          // A concurrent creator of the same tag makes this insert nothing: look again.
          const inserted = await client.query({
            ...SQL.insertTag,
            values: [target.repository_id, tag, target.manifest_id],
          });
          if ((inserted.rowCount ?? 0) === 0) continue;
        } else {
          await client.query({ ...SQL.moveTag, values: [target.repository_id, tag, target.manifest_id] });
        }
        await client.query({ ...SQL.touchRepository, values: [target.repository_id] });
        await recordEvents(client, events);
        return pointsAt === undefined ? ('created' as const) : ('moved' as const);
      }
      throw new Error(`tag ${tag} of ${repository} kept changing concurrently`);
    });
  }

  async deleteManifest(
    repository: string,
    digest: string,
    events: RegistryEvent[],
    options?: { untaggedOnly?: boolean },
  ): Promise<boolean> {
    return this.transaction(async (client) => {
      const repositoryId = await findRepository(client, repository);
      if (repositoryId === null) return false;
      if (options?.untaggedOnly) {
        // Locked first, checked in the next statement (a new snapshot): a tag or an index written
        // by a transaction that held the manifest's key-share lock is seen once it committed.
        const locked = await client.query({ ...SQL.lockManifestForDelete, values: [repositoryId, digest] });
        if ((locked.rowCount ?? 0) === 0) return false;
        const { rows: held } = await client.query<{ held: boolean }>({
          ...SQL.manifestHeld,
          values: [repositoryId, digest],
        });
        if (held[0]?.held) return false;
      }
      // Tags and references go with it (ON DELETE CASCADE); the blob references it held are
      // returned first, so the project's usage drops in the same transaction.
      const { rows } = await client.query<{ blobs: string[] | null }>({
        ...SQL.deleteManifest,
        values: [repositoryId, digest],
      });
      const row = rows[0];
      if (!row) return false;
      await releaseQuota(client, repositoryId, [...(row.blobs ?? []), digest]);
      await recordEvents(client, events);
      return true;
    });
  }

  async deleteTag(
    repository: string,
    tag: string,
    events: RegistryEvent[],
    digest?: string,
  ): Promise<boolean> {
    return this.transaction(async (client) => {
      const result = await client.query({ ...SQL.deleteTag, values: [repository, tag, digest ?? null] });
      if ((result.rowCount ?? 0) === 0) return false;
      await recordEvents(client, events);
      return true;
    });
  }

  async listManifestDigests(repository: string): Promise<string[] | null> {
    const { rows } = await this.pool.query<{ digest: string | null }>({
      ...SQL.listManifestDigests,
      values: [repository],
    });
    if (rows.length === 0) return null;
    return rows.flatMap((row) => (row.digest === null ? [] : [row.digest]));
  }

  async deleteRepository(
    repository: string,
    events: RegistryEvent[],
  ): Promise<'deleted' | 'not-empty' | 'unknown'> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: string; empty: boolean }>({
        ...SQL.lockRepositoryForDelete,
        values: [repository],
      });
      const row = rows[0];
      if (!row) return 'unknown' as const;
      if (!row.empty) return 'not-empty' as const;
      await client.query({ ...SQL.deleteRepository, values: [row.id] });
      await recordEvents(client, events);
      return 'deleted' as const;
    });
  }

  async listTags(repository: string, page: PageRequest): Promise<string[] | null> {
    const limit = sqlLimit(page.limit);
    const query =
      page.last === undefined
        ? { ...SQL.listTags, values: [repository, limit] }
        : { ...SQL.listTagsAfter, values: [repository, limit, page.last] };
    const { rows } = await this.pool.query<{ name: string | null }>(query);
    if (rows.length === 0) return null;
    return rows.flatMap((row) => (row.name === null ? [] : [row.name]));
  }

  async listRepositories(page: PageRequest): Promise<string[]> {
    const limit = sqlLimit(page.limit);
    const query =
      page.last === undefined
        ? { ...SQL.listRepositories, values: [limit] }
        : { ...SQL.listRepositoriesAfter, values: [limit, page.last] };
    const { rows } = await this.pool.query<{ name: string }>(query);
    return rows.map((row) => row.name);
  }

  async listReferrers(
    repository: string,
    digest: string,
    artifactType?: string,
  ): Promise<ReferrerDescriptor[]> {
    const query = artifactType
      ? { ...SQL.listReferrersOfType, values: [repository, digest, artifactType] }
      : { ...SQL.listReferrers, values: [repository, digest] };
    const { rows } = await this.pool.query<{
      media_type: string;
      digest: string;
      size: string;
      artifact_type: string | null;
      annotations: Record<string, string> | null;
    }>(query);
    return rows.map((row) => ({
      mediaType: row.media_type,
      digest: row.digest,
      size: Number(row.size),
      artifactType: row.artifact_type,
      annotations: row.annotations,
    }));
  }

  /** Blob row, repository and link, inside the caller's transaction. */
  private async link(client: pg.PoolClient, repository: string, blob: BlobRecord): Promise<void> {
    await client.query({ ...SQL.insertBlob, values: [blob.digest, blob.size] });
    const repositoryId = await ensureRepository(client, repository);
    await client.query({ ...SQL.insertLink, values: [repositoryId, blob.digest] });
  }

  /**
   * Runs `work` in a transaction on one pooled connection and commits, unless it returns a
   * `Rollback`. Retries the whole transaction on deadlock, serialization failure or a vanished
   * foreign key.
   */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T | Rollback<T>>): Promise<T> {
    const guard = this.guardClient;
    for (let attempt = 1; ; attempt++) {
      const client = guard ?? (await this.pool.connect());
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        if (result instanceof Rollback) {
          wroteEvents.delete(client);
          await client.query('ROLLBACK');
          return result.value;
        }
        await client.query('COMMIT');
        if (wroteEvents.delete(client)) this.database?.committed();
        return result;
      } catch (error) {
        wroteEvents.delete(client);
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      } finally {
        // A client whose ROLLBACK failed is in an unknown state: destroy it instead of reusing it.
        // The guard's connection is released by guardBlob.
        if (!guard) client.release(broken);
        else if (broken) brokenGuards.add(guard);
      }
    }
  }
}

/** Writes a change's events (and notices) to the outbox, the last statement of its transaction. */
async function recordEvents(
  client: pg.PoolClient,
  events: RegistryEvent[],
  notifications: OutboxMessage[] = [],
): Promise<void> {
  const messages: OutboxMessage[] = [
    ...(events.length > 0 ? [{ topic: 'registry' as const, events }] : []),
    ...notifications,
  ];
  if (messages.length > 0) {
    await appendToOutbox(client, messages);
    wroteEvents.add(client);
  }
}

/**
 * Harbor's QUOTA_WARNING is sent when a push leaves the project's usage at or above this percent
 * of its limit, having been below it (Harbor's default warning level).
 */
export const QUOTA_WARNING_PERCENT = 85;

/** A quota notice for webhooks about the push of `manifest` (Harbor's quota event). */
function quotaNotification(
  eventType: 'QUOTA_EXCEED' | 'QUOTA_WARNING',
  projectName: string,
  repository: string,
  manifest: NewManifest,
  events: RegistryEvent[],
  details: string,
): OutboxMessage {
  const first = events[0];
  return {
    topic: 'notification',
    id: randomUUID(),
    occurredAt: first ? new Date(first.timestamp) : new Date(),
    notification: {
      eventType,
      projectName,
      repository,
      resources: [{ digest: manifest.digest, ...(first?.target.tag ? { tag: first.target.tag } : {}) }],
      operator: first?.actor.name ?? 'anonymous',
      eventData: { custom_attributes: { Details: details } },
    },
  };
}

/**
 * First key of the blob guard's advisory locks ('gcbl'); the second is `hashtext(digest)`. Uploads,
 * mounts and copies hold it shared; GC's byte deletion exclusively.
 */
export const BLOB_GUARD_NAMESPACE = 0x6763626c;

/** Guard connections whose ROLLBACK failed: destroyed rather than returned to the pool. */
const brokenGuards = new WeakSet<pg.PoolClient>();

/** Clients whose open transaction wrote events: their commit tells the dispatcher. */
const wroteEvents = new WeakSet<pg.PoolClient>();

class Rollback<T> {
  constructor(readonly value: T) {}
}

const MAX_ATTEMPTS = 4;

/** deadlock_detected, serialization_failure, foreign_key_violation. */
const RETRYABLE_CODES = new Set(['40P01', '40001', '23503']);

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Upload ids come from URLs: anything that is not a UUID is simply unknown (the column is `uuid`). */
function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** LIMIT for a page size: negative means none, non-finite or unsafe means all (NULL). */
function sqlLimit(limit: number): number | null {
  if (!Number.isFinite(limit) || limit > Number.MAX_SAFE_INTEGER) return null;
  return Math.max(0, Math.floor(limit));
}

async function findRepository(client: pg.PoolClient, name: string): Promise<string | null> {
  const { rows } = await client.query<{ id: string }>({ ...SQL.repositoryId, values: [name] });
  return rows[0]?.id ?? null;
}

/**
 * The repository's id, creating it if needed. INSERT … ON CONFLICT DO NOTHING waits for a
 * concurrent creator and then yields nothing; the next SELECT (a new snapshot under READ
 * COMMITTED) sees that creator's row.
 */
async function ensureRepository(client: pg.PoolClient, name: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await findRepository(client, name);
    if (existing !== null) return existing;
    const { rows } = await client.query<{ id: string }>({ ...SQL.insertRepository, values: [name] });
    if (rows[0]) return rows[0].id;
  }
  throw new Error(`repository ${name} could not be created or found`);
}

/** Locks the rows of `digests` that exist (so they cannot vanish before COMMIT); returns the others. */
async function lockMissing(
  client: pg.PoolClient,
  statement: { name: string; text: string },
  repositoryId: string,
  digests: string[],
): Promise<string[]> {
  if (digests.length === 0) return [];
  const { rows } = await client.query<{ digest: string }>({ ...statement, values: [repositoryId, digests] });
  const found = new Set(rows.map((row) => row.digest));
  return digests.filter((digest) => !found.has(digest));
}

/** Stores the manifest with its references (one statement), or locks the row already there. */
async function insertManifest(
  client: pg.PoolClient,
  repositoryId: string,
  manifest: NewManifest,
): Promise<{ id: string; created: boolean }> {
  const references = [
    ...manifest.blobs.map((blob) => ({ ...blob, kind: 'blob' })),
    ...manifest.manifests.map((child) => ({ ...child, kind: 'manifest' })),
  ];
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await client.query<{ id: string }>({
      ...SQL.insertManifest,
      values: [
        repositoryId,
        manifest.digest,
        manifest.mediaType,
        manifest.artifactType,
        manifest.size,
        manifest.payload,
        manifest.subjectDigest,
        manifest.annotations === null ? null : JSON.stringify(manifest.annotations),
        manifest.extraAttrs == null ? null : JSON.stringify(manifest.extraAttrs),
        references.map((reference) => reference.digest),
        references.map((reference) => reference.kind),
        references.map((reference) => reference.size),
      ],
    });
    if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
    // Same digest, same bytes: keep the stored row, locked so a concurrent delete waits for us.
    const existing = await client.query<{ id: string }>({
      ...SQL.lockManifest,
      values: [repositoryId, manifest.digest],
    });
    if (existing.rows[0]) return { id: existing.rows[0].id, created: false };
  }
  throw new Error(`manifest ${manifest.digest} could not be stored`);
}

/**
 * Counts a newly stored manifest toward its project: one more reference to each of its blobs and
 * to itself, and the size of those the project did not hold yet added to its usage, in one
 * statement. Returns the refusal message when that would exceed the project's limit (the caller
 * rolls back), the warning when it took the usage to `QUOTA_WARNING_PERCENT` of the limit, or null.
 */
async function chargeQuota(
  client: pg.PoolClient,
  repositoryId: string,
  manifest: NewManifest,
  blobDigests: string[],
): Promise<{ projectName: string; denied?: string; warning?: string } | null> {
  const { rows } = await client.query<{
    added: string;
    charged: boolean;
    name: string;
    quota_limit: string;
    quota_used: string;
    used_after: string | null;
  }>({
    ...SQL.chargeQuota,
    values: [repositoryId, blobDigests, manifest.digest, manifest.size],
  });
  const row = rows[0];
  if (!row) throw new Error(`repository ${repositoryId} has no project`);
  const added = Number(row.added);
  if (added === 0) return null;
  const limit = Number(row.quota_limit);
  if (row.charged) {
    // The usage after this charge, read from the row the UPDATE wrote: of concurrent pushes, the
    // one that crossed the level is the one whose before and after straddle it.
    const after = Number(row.used_after);
    const level = (limit * QUOTA_WARNING_PERCENT) / 100;
    if (limit <= 0 || after < level || after - added >= level) return null;
    return {
      projectName: row.name,
      warning:
        `quota usage reach ${QUOTA_WARNING_PERCENT}%: resource storage used ${formatBytes(after)} ` +
        `of ${formatBytes(limit)}`,
    };
  }
  // The usage shown is the statement's snapshot: the refusal itself was decided on the latest row.
  return {
    projectName: row.name,
    denied:
      `quota exceeded: pushing ${manifest.digest} adds ${formatBytes(added)} to project ${row.name}, ` +
      `which uses ${formatBytes(Number(row.quota_used))} of its ${formatBytes(limit)} storage limit`,
  };
}

/** Undoes chargeQuota for a deleted manifest: `digests` are its blob references and its own digest. */
async function releaseQuota(client: pg.PoolClient, repositoryId: string, digests: string[]): Promise<void> {
  const targets = unique(digests).sort();
  const { rows: projects } = await client.query<{ project_id: string }>({
    ...SQL.projectOf,
    values: [repositoryId],
  });
  const projectId = projects[0]?.project_id;
  if (projectId === undefined) throw new Error(`repository ${repositoryId} has no project`);
  await client.query({ ...SQL.decrementProjectBlobs, values: [projectId, targets] });
  const { rows } = await client.query<{ freed: string | null }>({
    ...SQL.dropUnusedProjectBlobs,
    values: [projectId, targets],
  });
  const freed = Number(rows[0]?.freed ?? 0);
  // Last before COMMIT, as in chargeQuota, so both take the project_blob rows before the project row.
  if (freed > 0) await client.query({ ...SQL.addQuotaUsed, values: [projectId, -freed] });
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]} (${bytes} B)`;
}

/** Named statements: prepared once per connection, then only bound and executed. */
/** Where a manifest is found by digest or by tag: shared by the reads with and without its payload. */
const MANIFEST_BY_DIGEST = `FROM repository r
      JOIN manifest m ON m.repository_id = r.id
      WHERE r.name = $1 AND m.digest = $2`;
const MANIFEST_BY_TAG = `FROM repository r
      JOIN tag t ON t.repository_id = r.id
      JOIN manifest m ON m.id = t.manifest_id
      WHERE r.name = $1 AND t.name = $2`;

const SQL = {
  guardBlob: {
    name: 'berth_guard_blob',
    text: 'SELECT pg_advisory_lock_shared($1, hashtext($2))',
  },
  unguardBlob: {
    name: 'berth_unguard_blob',
    text: 'SELECT pg_advisory_unlock_shared($1, hashtext($2))',
  },
  lockManifestForDelete: {
    name: 'berth_lock_manifest_for_delete',
    text: 'SELECT id FROM manifest WHERE repository_id = $1 AND digest = $2 FOR UPDATE',
  },
  manifestHeld: {
    name: 'berth_manifest_held',
    // Tagged, or listed by an index of the repository.
    text: `SELECT EXISTS (
        SELECT 1 FROM tag t JOIN manifest m ON m.id = t.manifest_id
        WHERE m.repository_id = $1 AND m.digest = $2)
      OR EXISTS (
        SELECT 1 FROM manifest_reference mr JOIN manifest p ON p.id = mr.manifest_id
        WHERE mr.digest = $2 AND mr.kind = 'manifest' AND p.repository_id = $1) AS held`,
  },
  getRepositoryBlob: {
    name: 'berth_get_repository_blob',
    text: `SELECT b.size FROM repository r
      JOIN repository_blob rb ON rb.repository_id = r.id
      JOIN blob b ON b.digest = rb.digest
      WHERE r.name = $1 AND rb.digest = $2`,
  },
  insertBlob: {
    name: 'berth_insert_blob',
    text: 'INSERT INTO blob (digest, size) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING',
  },
  insertLink: {
    name: 'berth_insert_link',
    // A link made again moves its time (at most once a minute): GC's grace window counts from the
    // last upload or mount, so a blob uploaded again for a push in flight is not freed under it.
    text: `INSERT INTO repository_blob (repository_id, digest) VALUES ($1, $2)
      ON CONFLICT (repository_id, digest) DO UPDATE SET created_at = now()
      WHERE repository_blob.created_at < now() - interval '1 minute'`,
  },
  unlinkBlob: {
    name: 'berth_unlink_blob',
    text: `DELETE FROM repository_blob rb USING repository r
      WHERE r.id = rb.repository_id AND r.name = $1 AND rb.digest = $2`,
  },
  repositoryId: {
    name: 'berth_repository_id',
    text: 'SELECT id FROM repository WHERE name = $1',
  },
  insertRepository: {
    name: 'berth_insert_repository',
    // The project is the first path component. The core's authorizer refuses pushes into projects
    // that do not exist; the store creates one (private) only when run without that gate, so the
    // engine alone stays a working registry. A concurrent creator makes this yield nothing; the
    // caller then retries and finds the row.
    text: `WITH existing AS (SELECT id FROM project WHERE name = split_part($1, '/', 1)),
      created AS (
        INSERT INTO project (name) SELECT split_part($1, '/', 1) WHERE NOT EXISTS (SELECT 1 FROM existing)
        ON CONFLICT (name) DO NOTHING RETURNING id)
      INSERT INTO repository (name, project_id)
      SELECT $1, id FROM (SELECT id FROM existing UNION ALL SELECT id FROM created) AS p
      ON CONFLICT (name) DO NOTHING RETURNING id`,
  },
  touchRepository: {
    name: 'berth_touch_repository',
    // Also marks the repository's first artifact: listings show a repository from then on.
    text: `UPDATE repository SET updated_at = now(), first_push_at = coalesce(first_push_at, now())
      WHERE id = $1 AND (updated_at < now() - interval '1 second' OR first_push_at IS NULL)`,
  },
  createUpload: {
    name: 'berth_create_upload',
    text: 'INSERT INTO upload_session (id, repository, created_at) VALUES ($1, $2, $3)',
  },
  getUpload: {
    name: 'berth_get_upload',
    text: 'SELECT id, repository, created_at FROM upload_session WHERE id = $1 AND repository = $2',
  },
  completeUploadInRepository: {
    name: 'berth_complete_upload_in_repository',
    // Changes nothing when the repository does not exist (the caller then creates it in a
    // transaction). The link's foreign key on the blob is checked at the end of the statement, when
    // the blob row inserted beside it is visible; a repository or blob deleted meanwhile fails the
    // whole statement (23503, retried).
    text: `WITH repo AS (SELECT id FROM repository WHERE name = $2),
      deleted AS (
        DELETE FROM upload_session WHERE id = $1 AND repository = $2 AND EXISTS (SELECT 1 FROM repo)
        RETURNING id),
      stored AS (
        INSERT INTO blob (digest, size) SELECT $3, $4 FROM deleted
        ON CONFLICT (digest) DO NOTHING),
      linked AS (
        INSERT INTO repository_blob (repository_id, digest) SELECT repo.id, $3 FROM repo, deleted
        ON CONFLICT (repository_id, digest) DO UPDATE SET created_at = now()
        WHERE repository_blob.created_at < now() - interval '1 minute')
      SELECT EXISTS (SELECT 1 FROM deleted) AS completed, EXISTS (SELECT 1 FROM repo) AS repository_exists`,
  },
  deleteUpload: {
    name: 'berth_delete_upload',
    text: 'DELETE FROM upload_session WHERE id = $1 AND repository = $2',
  },
  getManifestByDigest: {
    name: 'berth_get_manifest_by_digest',
    text: `SELECT m.digest, m.media_type, m.size, m.payload ${MANIFEST_BY_DIGEST}`,
  },
  getManifestByTag: {
    name: 'berth_get_manifest_by_tag',
    text: `SELECT m.digest, m.media_type, m.size, m.payload ${MANIFEST_BY_TAG}`,
  },
  getManifestDescriptorByDigest: {
    name: 'berth_get_manifest_descriptor_by_digest',
    text: `SELECT m.digest, m.media_type, m.size ${MANIFEST_BY_DIGEST}`,
  },
  getManifestDescriptorByTag: {
    name: 'berth_get_manifest_descriptor_by_tag',
    text: `SELECT m.digest, m.media_type, m.size ${MANIFEST_BY_TAG}`,
  },
  repositoryWithLinkedBlobs: {
    name: 'berth_repository_with_linked_blobs',
    text: `SELECT r.id, ARRAY(
        SELECT rb.digest FROM repository_blob rb
        WHERE rb.repository_id = r.id AND rb.digest = ANY($2::text[])
        FOR KEY SHARE) AS linked
      FROM repository r WHERE r.name = $1`,
  },
  lockManifests: {
    name: 'berth_lock_manifests',
    text: 'SELECT digest FROM manifest WHERE repository_id = $1 AND digest = ANY($2::text[]) FOR KEY SHARE',
  },
  lockManifest: {
    name: 'berth_lock_manifest',
    text: 'SELECT id FROM manifest WHERE repository_id = $1 AND digest = $2 FOR KEY SHARE',
  },
  insertManifest: {
    name: 'berth_insert_manifest',
    // The references' foreign key on the manifest is checked at the end of the statement, when the
    // row inserted beside them is visible. Nothing is inserted when the manifest was there already.
    text: `WITH inserted AS (
        INSERT INTO manifest
          (repository_id, digest, media_type, artifact_type, size, payload, subject_digest, annotations,
           extra_attrs)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)
        ON CONFLICT (repository_id, digest) DO NOTHING
        RETURNING id),
      referenced AS (
        INSERT INTO manifest_reference (manifest_id, digest, kind, size)
        SELECT inserted.id, ref.digest, ref.kind, ref.size
        FROM inserted, unnest($10::text[], $11::text[], $12::bigint[]) AS ref (digest, kind, size)
        ON CONFLICT (manifest_id, digest) DO NOTHING)
      SELECT id FROM inserted`,
  },
  upsertTagsAndTouch: {
    name: 'berth_upsert_tags_and_touch',
    // The tags' upsert yields rows only for tags created or moved.
    text: `WITH upserted AS (
        INSERT INTO tag (repository_id, name, manifest_id) SELECT $1, name, $3 FROM unnest($2::text[]) AS name
        ON CONFLICT (repository_id, name) DO UPDATE
          SET manifest_id = EXCLUDED.manifest_id, updated_at = now()
          WHERE tag.manifest_id <> EXCLUDED.manifest_id
        RETURNING manifest_id)
      UPDATE repository SET updated_at = now(), first_push_at = coalesce(first_push_at, now())
      WHERE id = $1
        AND ((updated_at < now() - interval '1 second' AND ($4::boolean OR EXISTS (SELECT 1 FROM upserted)))
          OR ($4::boolean AND first_push_at IS NULL))`,
  },
  deleteManifest: {
    name: 'berth_delete_manifest',
    // The blob references are read in the same statement, before ON DELETE CASCADE removes them.
    text: `WITH target AS (
        SELECT id FROM manifest WHERE repository_id = $1 AND digest = $2 FOR UPDATE),
      blobs AS (
        SELECT array_agg(mr.digest) AS digests FROM manifest_reference mr
        JOIN target t ON mr.manifest_id = t.id WHERE mr.kind = 'blob'),
      deleted AS (DELETE FROM manifest m USING target t WHERE m.id = t.id RETURNING m.id)
      SELECT (SELECT digests FROM blobs) AS blobs FROM deleted`,
  },
  projectOf: {
    name: 'berth_project_of',
    text: 'SELECT project_id FROM repository WHERE id = $1',
  },
  chargeQuota: {
    name: 'berth_charge_quota',
    // Sizes of blobs come from the blob table (what was stored), not from the manifest's descriptors.
    // `xmax = 0` marks a project_blob row this statement inserted rather than updated; rows are taken
    // in digest order so that two pushes sharing digests queue instead of deadlocking. The UPDATE
    // adds to the usage only when the result fits the limit, re-checked on the latest row when it
    // had to wait for another transaction's; the final SELECT reports the project either way.
    text: `WITH target AS (SELECT project_id AS id FROM repository WHERE id = $1),
      wanted AS (
        SELECT b.digest, b.size FROM blob b WHERE b.digest = ANY($2::text[])
        UNION SELECT $3::text, $4::bigint),
      charged AS (
        INSERT INTO project_blob (project_id, digest, size, ref_count)
        SELECT target.id, wanted.digest, wanted.size, 1 FROM target, wanted ORDER BY wanted.digest
        ON CONFLICT (project_id, digest) DO UPDATE SET ref_count = project_blob.ref_count + 1
        RETURNING (xmax = 0) AS inserted, size),
      added AS (SELECT coalesce(sum(size) FILTER (WHERE inserted), 0) AS bytes FROM charged),
      updated AS (
        UPDATE project p SET quota_used = p.quota_used + added.bytes
        FROM target, added
        WHERE p.id = target.id AND added.bytes > 0
          AND (p.quota_limit < 0 OR p.quota_used + added.bytes <= p.quota_limit)
        RETURNING p.id, p.quota_used)
      SELECT added.bytes AS added, EXISTS (SELECT 1 FROM updated) AS charged,
        p.name, p.quota_limit, p.quota_used, (SELECT quota_used FROM updated) AS used_after
      FROM added, target JOIN project p ON p.id = target.id`,
  },
  addQuotaUsed: {
    name: 'berth_add_quota_used',
    text: 'UPDATE project SET quota_used = greatest(quota_used + $2::bigint, 0) WHERE id = $1',
  },
  decrementProjectBlobs: {
    name: 'berth_decrement_project_blobs',
    text: `UPDATE project_blob SET ref_count = ref_count - 1
      WHERE project_id = $1 AND digest = ANY($2::text[])`,
  },
  dropUnusedProjectBlobs: {
    name: 'berth_drop_unused_project_blobs',
    text: `WITH dropped AS (
        DELETE FROM project_blob WHERE project_id = $1 AND digest = ANY($2::text[]) AND ref_count <= 0
        RETURNING size)
      SELECT sum(size) AS freed FROM dropped`,
  },
  deleteTag: {
    name: 'berth_delete_tag',
    text: `DELETE FROM tag t USING repository r
      WHERE r.id = t.repository_id AND r.name = $1 AND t.name = $2
        AND ($3::text IS NULL OR t.manifest_id = (SELECT id FROM manifest WHERE repository_id = r.id AND digest = $3))`,
  },
  lockManifestByName: {
    name: 'berth_lock_manifest_by_name',
    // Locked so a concurrent delete of the manifest waits for the tag to be written.
    text: `SELECT m.repository_id, m.id AS manifest_id
      FROM repository r JOIN manifest m ON m.repository_id = r.id
      WHERE r.name = $1 AND m.digest = $2
      FOR KEY SHARE OF m`,
  },
  lockTag: {
    name: 'berth_lock_tag',
    text: 'SELECT manifest_id FROM tag WHERE repository_id = $1 AND name = $2 FOR UPDATE',
  },
  insertTag: {
    name: 'berth_insert_tag',
    text: `INSERT INTO tag (repository_id, name, manifest_id) VALUES ($1, $2, $3)
      ON CONFLICT (repository_id, name) DO NOTHING`,
  },
  moveTag: {
    name: 'berth_move_tag',
    text: 'UPDATE tag SET manifest_id = $3, updated_at = now() WHERE repository_id = $1 AND name = $2',
  },
  listManifestDigests: {
    name: 'berth_list_manifest_digests',
    // One row per manifest, or one row with a NULL digest for an empty repository, or none.
    text: `SELECT m.digest FROM repository r LEFT JOIN manifest m ON m.repository_id = r.id
      WHERE r.name = $1 ORDER BY m.id`,
  },
  lockRepositoryForDelete: {
    name: 'berth_lock_repository_for_delete',
    text: `SELECT r.id, NOT EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id) AS empty
      FROM repository r WHERE r.name = $1 FOR UPDATE`,
  },
  deleteRepository: {
    name: 'berth_delete_repository',
    text: 'DELETE FROM repository WHERE id = $1',
  },
  // One row per tag, or one row with a NULL name for a repository without tags, or no row at all
  // for an unknown repository.
  listTags: {
    name: 'berth_list_tags',
    text: `SELECT t.name FROM repository r
      LEFT JOIN LATERAL (
        SELECT name FROM tag WHERE repository_id = r.id ORDER BY name COLLATE "C" LIMIT $2
      ) t ON true
      WHERE r.name = $1 AND r.first_push_at IS NOT NULL
      ORDER BY t.name COLLATE "C"`,
  },
  listTagsAfter: {
    name: 'berth_list_tags_after',
    text: `SELECT t.name FROM repository r
      LEFT JOIN LATERAL (
        SELECT name FROM tag WHERE repository_id = r.id AND name COLLATE "C" > $3
        ORDER BY name COLLATE "C" LIMIT $2
      ) t ON true
      WHERE r.name = $1 AND r.first_push_at IS NOT NULL
      ORDER BY t.name COLLATE "C"`,
  },
  // A repository is listed once an artifact was pushed to it: uploads alone (or a push the quota
  // refused) leave a row that stays out of listings.
  listRepositories: {
    name: 'berth_list_repositories',
    text: `SELECT name FROM repository WHERE first_push_at IS NOT NULL ORDER BY name COLLATE "C" LIMIT $1`,
  },
  listRepositoriesAfter: {
    name: 'berth_list_repositories_after',
    text: `SELECT name FROM repository WHERE name COLLATE "C" > $2 AND first_push_at IS NOT NULL
      ORDER BY name COLLATE "C" LIMIT $1`,
  },
  listReferrers: {
    name: 'berth_list_referrers',
    text: `SELECT m.media_type, m.digest, m.size, m.artifact_type, m.annotations FROM repository r
      JOIN manifest m ON m.repository_id = r.id
      WHERE r.name = $1 AND m.subject_digest = $2
      ORDER BY m.id`,
  },
  listReferrersOfType: {
    name: 'berth_list_referrers_of_type',
    text: `SELECT m.media_type, m.digest, m.size, m.artifact_type, m.annotations FROM repository r
      JOIN manifest m ON m.repository_id = r.id
      WHERE r.name = $1 AND m.subject_digest = $2 AND m.artifact_type = $3
      ORDER BY m.id`,
  },
} as const;
