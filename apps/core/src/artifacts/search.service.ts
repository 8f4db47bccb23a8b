import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ArtifactRepository, VisibilityRepository, type ProjectSearchHit } from '@berth/db';
import { highestRole } from '../rbac/access-control.service.js';
import { ProjectRole } from '../rbac/rbac-policy.js';
import { likeEscape } from './harbor-query.js';
import { RepositoryVisibilityService } from './repository-visibility.service.js';
import type { SearchDto, SearchProjectDto, TSearchQuery } from './search.dto.js';

/** Harbor answers every match; Berth stops at this many projects and as many repositories. */
export const MAX_SEARCH_RESULTS = 500;

/** `GET /search`: projects and repositories whose names contain `q`, among those the caller may see. */
@Injectable()
export class SearchService {
  constructor(
    @Inject(VisibilityRepository) private readonly projects: VisibilityRepository,
    @Inject(ArtifactRepository) private readonly catalog: ArtifactRepository,
    @Inject(RepositoryVisibilityService) private readonly visibility: RepositoryVisibilityService,
  ) {}

  async search(principal: Principal, query: TSearchQuery): Promise<SearchDto> {
    const pattern = `%${likeEscape(query.q.trim())}%`;
    const visibility = await this.visibility.visibility(principal);
    const userId = principal.kind === 'user' ? principal.id : null;
    const sysadmin = principal.kind === 'user' && principal.sysadmin;

    const projects = await this.projects.searchProjects(
      pattern,
      userId,
      visibility.all,
      visibility.all ? [] : visibility.projectIds,
      MAX_SEARCH_RESULTS,
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
    const projectOf = await this.projects.projectsById(
      repositories.map((repository) => repository.projectId),
    );

    return {
      project: projects.map((hit) => toProjectDto(hit, sysadmin)),
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
}

function toProjectDto(hit: ProjectSearchHit, sysadmin: boolean): SearchProjectDto {
  const role = highestRole(hit.roles as ProjectRole[]);
  return {
    project_id: Number(hit.id),
    owner_id: hit.ownerId === null ? 0 : Number(hit.ownerId),
    name: hit.name,
    creation_time: hit.createdAt.toISOString(),
    update_time: hit.updatedAt.toISOString(),
    deleted: false,
    owner_name: hit.ownerName ?? '',
    togglable: sysadmin || role === ProjectRole.ProjectAdmin,
    current_user_role_id: role ?? 0,
    current_user_role_ids: hit.roles,
    repo_count: hit.repositoryCount,
    metadata: hit.metadata,
  };
}
