import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DatabaseService } from '../database/database.service.js';
import { AccessControlService } from '../rbac/access-control.service.js';
import { Action, SystemResource } from '../rbac/rbac-policy.js';
import type { StatisticDto } from './project.dto.js';

/**
 * Harbor's statistic: public projects and repositories count for everyone; private ones only where
 * the caller is a member; totals and storage for those holding the system statistic permission.
 * Storage is counted as quotas count it (blobs and manifests), each stored object once.
 */
@Injectable()
export class StatisticService {
  constructor(
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(AccessControlService) private readonly access: AccessControlService,
  ) {}

  async statistic(principal: Principal): Promise<StatisticDto> {
    const admin = await this.access.canSystem(principal, SystemResource.Statistic, Action.Read);
    const memberOf = principal.kind === 'user' && !admin ? principal.id : null;
    const { rows } = await this.database.pool.query<{
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
                (SELECT count(*) FROM repository r WHERE r.project_id = p.id) AS repos
         FROM project p) AS counted`,
      [admin, memberOf === null ? null : String(memberOf)],
    );
    const row = rows[0]!;
    const statistic: StatisticDto = {
      private_project_count: Number(row.private_projects),
      private_repo_count: Number(row.private_repos),
      public_project_count: Number(row.public_projects),
      public_repo_count: Number(row.public_repos),
      total_project_count: 0,
      total_repo_count: 0,
    };
    if (admin) {
      statistic.total_project_count = statistic.public_project_count + statistic.private_project_count;
      statistic.total_repo_count = statistic.public_repo_count + statistic.private_repo_count;
      // Harbor's total is the size of every distinct stored object, manifests included (Harbor
      // keeps manifests in its blob table), as a project's quota counts them: once each, however
      // many repositories or projects share it. Berth keeps manifests apart from blobs.
      const storage = await this.database.pool.query<{ total: string | null }>(
        `SELECT sum(size) AS total FROM (
           SELECT digest, size FROM blob
           UNION
           SELECT digest, size FROM manifest
         ) AS stored`,
      );
      statistic.total_storage_consumption = Number(storage.rows[0]?.total ?? 0);
    }
    return statistic;
  }
}
