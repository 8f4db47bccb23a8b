import type { Database } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';

/** Project and repository counts, split by visibility. */
export interface ProjectCounts {
  publicProjects: number;
  publicRepositories: number;
  /** Private projects the viewer may see (all of them when `everything`). */
  privateProjects: number;
  privateRepositories: number;
}

/** The counts behind Harbor's statistic. */
export class StatisticsRepository {
  constructor(private readonly database: Database) {}

  /**
   * Public projects always count; private ones when `viewer` is `'everything'` or the user is a
   * member of them (directly or through a group); with `null`, no private project counts.
   */
  async projectCounts(viewer: 'everything' | bigint | null): Promise<ProjectCounts> {
    const everything = viewer === 'everything';
    const memberOf = typeof viewer === 'bigint' ? String(viewer) : null;
    const { rows } = await mapDatabaseErrors(() =>
      this.database.pool.query<{
        public_projects: string;
        public_repos: string;
        private_projects: string;
        private_repos: string;
      }>(
        `SELECT
           count(*) FILTER (WHERE public) AS public_projects,
           coalesce(sum(repos) FILTER (WHERE public), 0) AS public_repos,
           count(*) FILTER (WHERE NOT public AND visible) AS private_projects,
           coalesce(sum(repos) FILTER (WHERE NOT public AND visible), 0) AS private_repos
         FROM (
           SELECT coalesce(p.metadata->>'public', 'false') = 'true' AS public,
                  ($1::boolean OR EXISTS (
                    SELECT 1 FROM project_member m WHERE m.project_id = p.id
                      AND (m.user_id = $2::bigint
                           OR m.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2::bigint)))) AS visible,
                  (SELECT count(*) FROM repository r WHERE r.project_id = p.id AND r.first_push_at IS NOT NULL) AS repos
           FROM project p) AS counted`,
        [everything, memberOf],
      ),
    );
    const row = rows[0]!;
    return {
      publicProjects: Number(row.public_projects),
      publicRepositories: Number(row.public_repos),
      privateProjects: Number(row.private_projects),
      privateRepositories: Number(row.private_repos),
    };
  }

  /**
   * Bytes of every distinct stored object, blobs and manifests alike, each once however many
   * repositories or projects share it (as a project's quota counts them).
   */
  async storedBytes(): Promise<bigint> {
    const { rows } = await mapDatabaseErrors(() =>
      this.database.pool.query<{ total: string | null }>(
        `SELECT sum(size) AS total FROM (
           SELECT digest, size FROM blob
           UNION
           SELECT digest, size FROM manifest
         ) AS stored`,
      ),
    );
    return BigInt(rows[0]?.total ?? 0);
  }
}
