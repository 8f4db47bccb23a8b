import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DatabaseService } from '../database/database.service.js';
import { highestRole } from '../rbac/access-control.service.js';
import { ProjectRole } from '../rbac/rbac-policy.js';
import { ArtifactCatalog } from './artifact-catalog.js';
import { likeEscape } from './harbor-query.js';
import { RepositoryVisibilityService } from './repository-visibility.service.js';
import type { SearchDto, SearchProjectDto, TSearchQuery } from './search.dto.js';

/** Harbor answers every match; Berth stops at this many projects and as many repositories. */
export const MAX_SEARCH_RESULTS = 500;

interface ProjectRecord {
  id: string;
  name: string;
  owner_id: string | null;
  owner_name: string | null;
  metadata: unknown;
  created_at: Date;
  updated_at: Date;
  repo_count: string;
  roles: number[];
}

/** `GET /search`: projects and repositories whose names contain `q`, among those the caller may see. */
@Injectable()
export class SearchService {
  constructor(
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(ArtifactCatalog) private readonly catalog: ArtifactCatalog,
    @Inject(RepositoryVisibilityService) private readonly visibility: RepositoryVisibilityService,
  ) {}

  async search(principal: Principal, query: TSearchQuery): Promise<SearchDto> {
    const pattern = `%${likeEscape(query.q.trim())}%`;
    const visibility = await this.visibility.visibility(principal);
    const userId = principal.kind === 'user' ? principal.id : null;
    const sysadmin = principal.kind === 'user' && principal.sysadmin;

    const projects = await this.database.pool.query<ProjectRecord>(
      `SELECT p.id, p.name, p.owner_id, u.username AS owner_name, p.metadata, p.created_at, p.updated_at,
              (SELECT count(*) FROM repository r WHERE r.project_id = p.id) AS repo_count,
              -- The user's own role and those of the user's groups, as the rest of the access path.
              ARRAY(SELECT DISTINCT pm.role FROM project_member pm
                    WHERE pm.project_id = p.id
                      AND (pm.user_id = $2
                           OR pm.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2))
                    ORDER BY pm.role) AS roles
       FROM project p
       LEFT JOIN "user" u ON u.id = p.owner_id
       WHERE p.name ILIKE $1 AND ($3::boolean OR p.id = ANY($4::bigint[]))
       ORDER BY p.name COLLATE "C" LIMIT $5`,
      [pattern, userId, visibility.all, visibility.all ? [] : visibility.projectIds, MAX_SEARCH_RESULTS],
    );

    const repositories = await this.catalog.searchRepositories(
      {
        nameLike: pattern,
        ...(visibility.all
          ? {}
          : { projectIds: visibility.wholeProjectIds, repositoryIds: visibility.repositoryIds }),
      },
      MAX_SEARCH_RESULTS,
    );
    const stats = await this.catalog.repositoryStats(repositories.map((repository) => repository.id));
    const projectOf = await this.projectsById(repositories.map((repository) => repository.projectId));

    return {
      project: projects.rows.map((row) => toProjectDto(row, sysadmin)),
      repository: repositories.map((repository) => {
        const project = projectOf.get(repository.projectId);
        const stat = stats.get(repository.id);
        return {
          project_id: Number(repository.projectId),
          project_name: project?.name ?? '',
          project_public: project?.public ?? false,
          repository_name: repository.name,
          pull_count: stat?.pullCount ?? 0,
          artifact_count: stat?.artifactCount ?? 0,
        };
      }),
    };
  }

  private async projectsById(ids: bigint[]): Promise<Map<bigint, { name: string; public: boolean }>> {
    const projects = new Map<bigint, { name: string; public: boolean }>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return projects;
    const { rows } = await this.database.pool.query<{ id: string; name: string; public: boolean }>(
      `SELECT id, name, COALESCE(metadata->>'public' = 'true', false) AS public FROM project WHERE id = ANY($1::bigint[])`,
      [unique],
    );
    for (const row of rows) projects.set(BigInt(row.id), { name: row.name, public: row.public });
    return projects;
  }
}

function toProjectDto(row: ProjectRecord, sysadmin: boolean): SearchProjectDto {
  const metadata: Record<string, string> = {};
  if (typeof row.metadata === 'object' && row.metadata !== null) {
    for (const [key, value] of Object.entries(row.metadata)) {
      if (typeof value === 'string') metadata[key] = value;
    }
  }
  const role = highestRole(row.roles as ProjectRole[]);
  return {
    project_id: Number(row.id),
    owner_id: row.owner_id === null ? 0 : Number(row.owner_id),
    name: row.name,
    creation_time: row.created_at.toISOString(),
    update_time: row.updated_at.toISOString(),
    deleted: false,
    owner_name: row.owner_name ?? '',
    togglable: sysadmin || role === ProjectRole.ProjectAdmin,
    current_user_role_id: role ?? 0,
    current_user_role_ids: row.roles,
    repo_count: Number(row.repo_count),
    metadata,
  };
}
