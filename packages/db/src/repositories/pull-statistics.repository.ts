import type { Database } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';

/** Pulls of one manifest to add to its statistics. */
export interface ManifestPulls {
  repository: string;
  digest: string;
  count: number;
  last: Date;
}

/** Artifacts' pull counts and last pull times (`manifest.pull_count`, `pulled_at`). */
export class PullStatisticsRepository {
  constructor(private readonly database: Database) {}

  async addPulls(pulls: ManifestPulls[]): Promise<void> {
    if (pulls.length === 0) return;
    // A stable order, so concurrent writers of the same rows lock them in the same order.
    const batch = [...pulls].sort((a, b) =>
      a.repository === b.repository ? (a.digest < b.digest ? -1 : 1) : a.repository < b.repository ? -1 : 1,
    );
    await mapDatabaseErrors(() =>
      this.database.pool.query(
        `UPDATE manifest m
         SET pull_count = m.pull_count + v.count,
             pulled_at = GREATEST(COALESCE(m.pulled_at, v.last), v.last)
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[]) AS v (repository, digest, count, last)
         JOIN repository r ON r.name = v.repository
         WHERE m.repository_id = r.id AND m.digest = v.digest`,
        [
          batch.map((entry) => entry.repository),
          batch.map((entry) => entry.digest),
          batch.map((entry) => entry.count),
          batch.map((entry) => entry.last),
        ],
      ),
    );
  }
}
