import { Inject, Injectable } from '@nestjs/common';
import type { RegistryServices } from '@berth/distribution';
import {
  ArtifactRepository,
  REPOSITORY_SORT_FIELDS,
  type RepositoryFilter,
  type RepositoryRow,
} from '@berth/db';
import type { Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { REGISTRY_SERVICES } from '../registry/registry.constants.js';
import { apiOrigin, throughEngine, type RequestContext } from './registry-bridge.js';
import {
  likeEscape,
  pageRequest,
  parseHarborQuery,
  parseSort,
  type Page,
  type QueryTerm,
} from './harbor-query.js';
import type { RepositoryDto, TListRepositoriesQuery, TUpdateRepositoryRequest } from './repository.dto.js';
import { repositoryPath } from './repository-path.js';
import { RepositoryVisibilityService } from './repository-visibility.service.js';

export type { RequestContext } from './registry-bridge.js';

@Injectable()
export class RepositoryService {
  constructor(
    @Inject(ArtifactRepository) private readonly catalog: ArtifactRepository,
    @Inject(RepositoryVisibilityService) private readonly visibility: RepositoryVisibilityService,
    @Inject(REGISTRY_SERVICES) private readonly registry: RegistryServices,
  ) {}

  /** `GET /repositories`: every repository the principal may list. */
  async listAll(principal: Principal, query: TListRepositoriesQuery): Promise<Page<RepositoryDto>> {
    const filter = nameFilter(parseHarborQuery(query.q, { name: ['exact', 'fuzzy'], project_id: ['exact'] }));
    const visibility = await this.visibility.visibility(principal);
    if (!visibility.all) {
      filter.projectIds = visibility.wholeProjectIds;
      filter.repositoryIds = visibility.repositoryIds;
    }
    return this.page(filter, query);
  }

  /** `GET /projects/{project_name}/repositories`. */
  async listInProject(
    principal: Principal,
    project: ProjectRef,
    query: TListRepositoriesQuery,
  ): Promise<Page<RepositoryDto>> {
    const filter = nameFilter(parseHarborQuery(query.q, { name: ['exact', 'fuzzy'] }));
    const scoped = await this.visibility.inProject(principal, project);
    if (scoped === null) filter.projectIds = [project.id];
    else filter.repositoryIds = scoped;
    return this.page(filter, query);
  }

  async get(project: ProjectRef, rawName: string): Promise<RepositoryDto> {
    const repository = await this.require(project, rawName);
    const stats = await this.catalog.repositoryStats([repository.id]);
    return toRepositoryDto(repository, stats.get(repository.id));
  }

  async update(project: ProjectRef, rawName: string, body: TUpdateRepositoryRequest): Promise<void> {
    const repository = await this.require(project, rawName);
    await this.catalog.updateRepositoryDescription(repository.id, body.description);
  }

  /**
   * Deletes every artifact through the engine (so quotas and references stay right, and each
   * deletion is an event), then the repository.
   */
  async delete(context: RequestContext, project: ProjectRef, rawName: string): Promise<void> {
    const repository = await this.require(project, rawName);
    await throughEngine(() => this.registry.catalog.delete(repository.name, apiOrigin(context)));
  }

  async require(project: ProjectRef, rawName: string): Promise<RepositoryRow> {
    const { fullName } = repositoryPath(project.name, rawName);
    const repository = await this.catalog.findRepository(fullName);
    if (!repository || repository.projectId !== project.id) {
      throw HarborError.notFound(`repository ${fullName} not found`);
    }
    return repository;
  }

  private async page(filter: RepositoryFilter, query: TListRepositoriesQuery): Promise<Page<RepositoryDto>> {
    const sort = parseSort(query.sort, REPOSITORY_SORT_FIELDS);
    const { page, pageSize, offset } = pageRequest(query);
    const { rows, total } = await this.catalog.listRepositories(filter, sort, pageSize, offset);
    const stats = await this.catalog.repositoryStats(rows.map((row) => row.id));
    return { items: rows.map((row) => toRepositoryDto(row, stats.get(row.id))), total, page, pageSize };
  }
}

function nameFilter(query: Map<string, QueryTerm>): RepositoryFilter {
  const filter: RepositoryFilter = {};
  const name = query.get('name');
  if (name?.kind === 'exact') filter.nameExact = name.value;
  else if (name?.kind === 'fuzzy') filter.nameLike = `%${likeEscape(name.value)}%`;
  else if (name)
    throw HarborError.badRequest('name supports exact (name=v) or fuzzy (name=~v) matching only');
  const projectId = query.get('project_id');
  if (projectId) {
    if (projectId.kind !== 'exact' || !/^\d{1,18}$/.test(projectId.value)) {
      throw HarborError.badRequest('project_id must be an exact integer match');
    }
    filter.projectId = BigInt(projectId.value);
  }
  return filter;
}

export function toRepositoryDto(
  row: RepositoryRow,
  stats: { artifactCount: number; pullCount: number } | undefined,
): RepositoryDto {
  return {
    id: Number(row.id),
    project_id: Number(row.projectId),
    name: row.name,
    description: row.description,
    artifact_count: stats?.artifactCount ?? 0,
    pull_count: stats?.pullCount ?? 0,
    creation_time: row.createdAt.toISOString(),
    update_time: row.updatedAt.toISOString(),
  };
}
