import type pg from 'pg';
import type { Database } from '../database.js';
import { BLOB_GUARD_NAMESPACE } from '../pg-metadata-store.js';

/** A blob GC may free (or freed): its digest and size in bytes. */
export interface GcBlob {
  digest: string;
  size: number;
}

/** An untagged manifest GC may delete. */
export interface GcManifest {
  id: bigint;
  repository: string;
  digest: string;
  size: number;
}

/** An upload session older than the maximum age. */
export interface GcUpload {
  id: string;
  repository: string;
  createdAt: Date;
}

/** What a dry run found: what the real run would delete. */
export interface GcSimulation {
  manifests: GcManifest[];
  blobs: GcBlob[];
}

/**
 * Garbage collection's SQL. A blob is live while a `manifest_reference` of kind 'blob' names it.
 * An unreferenced blob is eligible when it lost a reference (`unreferenced_at`, set by a trigger
 * when a reference is deleted) after its last upload or link, or when its last upload or link is
 * older than the grace cutoff (an in-flight push's layers stay).
 *
 * Safety against concurrent pushes: `sweepBlobs` locks the candidates' blob rows and every
 * repository link of them FOR UPDATE (a manifest commit holds its links FOR KEY SHARE until it
 * commits, an upload's link insert holds the blob row FOR KEY SHARE), then checks eligibility again
 * in a new statement (a new snapshot, which sees what those transactions committed), and only then
 * deletes the rows, recording each blob in `gc_blob_deletion`. `deleteBytes` deletes the bytes
 * under the blob guard's exclusive advisory lock and only of digests that have no blob row (one
 * uploaded, mounted or copied again meanwhile keeps its bytes), then forgets the pending rows. A
 * run killed in between leaves the pending rows for the next run.
 */
export class GcRepository {
  constructor(private readonly database: Database) {}

  /** Untagged manifests created before `before` that no index of their repository lists and that are no accessory of a manifest there. */
  async untaggedManifests(before: Date, limit: number): Promise<GcManifest[]> {
    return this.manifestsOf(this.database.pool, before, limit);
  }

  /**
   * Blobs eligible now (see the class), in digest order, and the bytes of blobs whose rows a run
   * deleted but whose bytes are still to go.
   */
  async eligibleBlobs(graceCutoff: Date): Promise<GcBlob[]> {
    return this.blobsOf(this.database.pool, graceCutoff);
  }

  /** Blobs whose rows are gone and bytes pending deletion (a killed run's). */
  async pendingDeletions(): Promise<GcBlob[]> {
    const { rows } = await this.database.pool.query<{ digest: string; size: string }>(
      'SELECT digest, size FROM gc_blob_deletion ORDER BY digest',
    );
    return rows.map((row) => ({ digest: row.digest, size: Number(row.size) }));
  }

  /**
   * What a real run would delete, found by doing it in a transaction that is rolled back: untagged
   * manifests deleted round after round (an index's children and an accessory's subject free the
   * next round's), then the blobs eligible after those deletions.
   */
  async simulate(options: {
    deleteUntagged: boolean;
    manifestCutoff: Date;
    graceCutoff: Date;
    maxRounds: number;
  }): Promise<GcSimulation> {
    const client = await this.database.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const manifests: GcManifest[] = [];
      if (options.deleteUntagged) {
        for (let round = 0; round < options.maxRounds; round++) {
          const batch = await this.manifestsOf(client, options.manifestCutoff, null);
          if (batch.length === 0) break;
          manifests.push(...batch);
          await client.query('DELETE FROM manifest WHERE id = ANY($1::bigint[])', [
            batch.map((m) => m.id.toString()),
          ]);
        }
      }
      const blobs = await this.blobsOf(client, options.graceCutoff);
      return { manifests, blobs };
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      try {
        await client.query('ROLLBACK');
      } catch (error) {
        broken = error instanceof Error ? error : new Error(String(error));
      }
      client.release(broken);
    }
  }

  /**
   * Deletes the rows of those of `digests` still eligible, under lock (see the class), and records
   * them as pending byte deletions; quota rows of the project that still named them go too.
   * Resolves the blobs whose rows were deleted.
   */
  async sweepBlobs(digests: string[], graceCutoff: Date): Promise<GcBlob[]> {
    if (digests.length === 0) return [];
    const sorted = [...new Set(digests)].sort();
    return this.withTransaction(async (client) => {
      await client.query('SELECT 1 FROM blob WHERE digest = ANY($1::text[]) ORDER BY digest FOR UPDATE', [
        sorted,
      ]);
      await client.query(
        `SELECT 1 FROM repository_blob WHERE digest = ANY($1::text[])
          ORDER BY repository_id, digest FOR UPDATE`,
        [sorted],
      );
      const victims = await this.blobsOf(client, graceCutoff, sorted);
      if (victims.length === 0) return [];
      const names = victims.map((blob) => blob.digest);
      await client.query('DELETE FROM repository_blob WHERE digest = ANY($1::text[])', [names]);
      await client.query(
        `WITH dropped AS (
            DELETE FROM project_blob WHERE digest = ANY($1::text[]) AND ref_count <= 0
            RETURNING project_id, size),
          freed AS (SELECT project_id, sum(size) AS bytes FROM dropped GROUP BY project_id)
        UPDATE project p SET quota_used = greatest(p.quota_used - freed.bytes, 0)
        FROM freed WHERE p.id = freed.project_id`,
        [names],
      );
      await client.query(
        `WITH gone AS (DELETE FROM blob WHERE digest = ANY($1::text[]) RETURNING digest, size)
        INSERT INTO gc_blob_deletion (digest, size) SELECT digest, size FROM gone
        ON CONFLICT (digest) DO UPDATE SET size = EXCLUDED.size`,
        [names],
      );
      return victims;
    });
  }

  /**
   * Deletes the bytes of pending `blobs` with `remove`, each under the blob guard's exclusive
   * lock, except those that have a blob row again (uploaded, mounted or copied meanwhile), then
   * forgets them. Resolves the blobs whose bytes were deleted.
   */
  async deleteBytes(blobs: GcBlob[], remove: (digests: string[]) => Promise<void>): Promise<GcBlob[]> {
    if (blobs.length === 0) return [];
    const digests = [...new Set(blobs.map((blob) => blob.digest))];
    return this.withTransaction(async (client) => {
      // In hash order, so two sessions taking several never wait on each other in a cycle.
      await client.query(
        `SELECT pg_advisory_xact_lock($1, h) FROM (
          SELECT DISTINCT hashtext(d) AS h FROM unnest($2::text[]) AS d ORDER BY 1) AS keys`,
        [BLOB_GUARD_NAMESPACE, digests],
      );
      const { rows } = await client.query<{ digest: string }>(
        'SELECT digest FROM blob WHERE digest = ANY($1::text[])',
        [digests],
      );
      const revived = new Set(rows.map((row) => row.digest));
      const doomed = blobs.filter((blob) => !revived.has(blob.digest));
      await remove(doomed.map((blob) => blob.digest));
      await client.query('DELETE FROM gc_blob_deletion WHERE digest = ANY($1::text[])', [digests]);
      return doomed;
    });
  }

  /** Upload sessions created before `before`. */
  async staleUploads(before: Date): Promise<GcUpload[]> {
    const { rows } = await this.database.pool.query<{ id: string; repository: string; created_at: Date }>(
      'SELECT id, repository, created_at FROM upload_session WHERE created_at < $1 ORDER BY created_at',
      [before],
    );
    return rows.map((row) => ({ id: row.id, repository: row.repository, createdAt: row.created_at }));
  }

  /** Removes an upload session if it is still older than `before`; false when it went meanwhile. */
  async deleteUpload(id: string, before: Date): Promise<boolean> {
    const result = await this.database.pool.query(
      'DELETE FROM upload_session WHERE id = $1 AND created_at < $2',
      [id, before],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Which of `ids` have an upload session. */
  async knownUploads(ids: string[]): Promise<Set<string>> {
    const uuids = ids.filter((id) => UUID.test(id));
    if (uuids.length === 0) return new Set();
    const { rows } = await this.database.pool.query<{ id: string }>(
      'SELECT id FROM upload_session WHERE id = ANY($1::uuid[])',
      [uuids],
    );
    return new Set(rows.map((row) => row.id));
  }

  private async manifestsOf(
    runner: pg.Pool | pg.PoolClient,
    before: Date,
    limit: number | null,
  ): Promise<GcManifest[]> {
    const { rows } = await runner.query<{ id: string; repository: string; digest: string; size: string }>(
      `SELECT m.id, r.name AS repository, m.digest, m.size
        FROM manifest m JOIN repository r ON r.id = m.repository_id
        WHERE m.created_at < $1
          AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id)
          AND NOT EXISTS (
            SELECT 1 FROM manifest_reference mr JOIN manifest p ON p.id = mr.manifest_id
            WHERE mr.digest = m.digest AND mr.kind = 'manifest' AND p.repository_id = m.repository_id)
          AND NOT (m.subject_digest IS NOT NULL AND EXISTS (
            SELECT 1 FROM manifest s WHERE s.repository_id = m.repository_id AND s.digest = m.subject_digest))
        ORDER BY m.id
        LIMIT $2`,
      [before, limit],
    );
    return rows.map((row) => ({
      id: BigInt(row.id),
      repository: row.repository,
      digest: row.digest,
      size: Number(row.size),
    }));
  }

  private async blobsOf(
    runner: pg.Pool | pg.PoolClient,
    graceCutoff: Date,
    only?: string[],
  ): Promise<GcBlob[]> {
    const { rows } = await runner.query<{ digest: string; size: string }>(
      `SELECT b.digest, b.size FROM blob b
        LEFT JOIN LATERAL (
          SELECT max(rb.created_at) AS linked_at FROM repository_blob rb WHERE rb.digest = b.digest) l ON true
        WHERE ($2::text[] IS NULL OR b.digest = ANY($2::text[]))
          AND NOT EXISTS (SELECT 1 FROM manifest_reference mr WHERE mr.digest = b.digest AND mr.kind = 'blob')
          AND (greatest(b.created_at, l.linked_at) < $1
            OR b.unreferenced_at >= greatest(b.created_at, l.linked_at))
        ORDER BY b.digest`,
      [graceCutoff, only ?? null],
    );
    return rows.map((row) => ({ digest: row.digest, size: Number(row.size) }));
  }

  private async withTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.database.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        const code = (error as { code?: unknown } | null)?.code;
        if (attempt < 4 && (code === '40P01' || code === '40001')) continue;
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
