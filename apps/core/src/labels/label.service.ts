import { Inject, Injectable } from '@nestjs/common';
import { Database, LabelRepository, UniqueViolationError, type Label, type LabelScope } from '@berth/db';
import type { Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { AccessControlService, type ProjectRef } from '../rbac/access-control.service.js';
import { ProjectLookupService } from '../rbac/project-lookup.service.js';
import { Action, ProjectResource, SystemResource } from '../rbac/rbac-policy.js';
import { pageRequest, parseHarborQuery, parseSort, toPage, type Page } from '../system/harbor-listing.js';
import type { LabelDto, TCreateLabelRequest, TListLabelsQuery, TUpdateLabelRequest } from './label.dto.js';
import { toLabelDto } from './label.mapper.js';

const LABEL_SORT_FIELDS = {
  id: 'id',
  name: 'name',
  creation_time: 'createdAt',
  update_time: 'updatedAt',
} as const;

/**
 * Labels, global (scope `g`) or of one project (scope `p`). The scope decides the permission, so
 * the routes are open and each operation checks here: global labels need the system `label`
 * permission, project labels the project's. Listing global labels is open to all, as in Harbor.
 */
@Injectable()
export class LabelService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(LabelRepository) private readonly labels: LabelRepository,
    @Inject(AccessControlService) private readonly access: AccessControlService,
    @Inject(ProjectLookupService) private readonly projects: ProjectLookupService,
  ) {}

  async list(principal: Principal, query: TListLabelsQuery): Promise<Page<LabelDto>> {
    const page = pageRequest(query);
    const scope = query.scope;
    if (scope !== 'g' && scope !== 'p') {
      throw HarborError.badRequest(
        'scope is required: g (global labels) or p (project labels, with project_id)',
      );
    }
    let projectId: bigint | undefined;
    if (scope === 'p') {
      if (query.project_id === undefined) {
        throw HarborError.badRequest('project_id is required to list project labels (scope=p)');
      }
      const project = await this.project(principal, BigInt(query.project_id));
      await this.require(principal, project, Action.List);
      projectId = project.id;
    }
    const names: ({ contains: string } | { is: string })[] = [];
    if (query.name) names.push({ contains: query.name });
    for (const [, term] of parseHarborQuery(query.q, { name: ['exact', 'fuzzy'] })) {
      names.push(
        term.kind === 'fuzzy' ? { contains: term.value } : { is: (term as { value: string }).value },
      );
    }
    const sort = parseSort(query.sort, LABEL_SORT_FIELDS);
    const { total, items } = await this.labels.list({
      scope,
      ...(projectId !== undefined ? { projectId } : {}),
      names,
      sort: sort.length ? sort : [{ field: 'name', descending: false }],
      offset: page.offset,
      limit: page.pageSize,
    });
    return toPage(items.map(toLabelDto), total, page);
  }

  async get(principal: Principal, id: bigint): Promise<LabelDto> {
    const label = await this.find(id);
    // Global labels are readable by everyone, as their listing is.
    if (label.scope === 'p') await this.requireFor(principal, label, Action.Read);
    return toLabelDto(label);
  }

  async create(principal: Principal, request: TCreateLabelRequest): Promise<number> {
    let projectId: bigint | null = null;
    if (request.scope === 'p') {
      if (!request.project_id)
        throw HarborError.badRequest('project_id is required for a project label (scope p)');
      const project = await this.project(principal, BigInt(request.project_id));
      await this.require(principal, project, Action.Create);
      projectId = project.id;
    } else {
      await this.require(principal, null, Action.Create);
    }
    try {
      const label = await this.database.transaction((tx) =>
        this.labels.create(tx, {
          name: request.name,
          description: request.description ?? '',
          color: request.color ?? '',
          scope: request.scope,
          projectId,
        }),
      );
      return Number(label.id);
    } catch (error) {
      throw nameTaken(error, request.name, request.scope);
    }
  }

  async update(principal: Principal, id: bigint, request: TUpdateLabelRequest): Promise<void> {
    const label = await this.find(id);
    await this.requireFor(principal, label, Action.Update);
    if (request.scope !== undefined && request.scope !== label.scope) {
      throw HarborError.badRequest('the scope of a label cannot be changed');
    }
    const projectId = request.project_id ?? 0;
    if (label.scope === 'p' && request.project_id !== undefined && BigInt(projectId) !== label.projectId) {
      throw HarborError.badRequest('the project of a label cannot be changed');
    }
    const name = request.name ?? label.name;
    try {
      await this.database.transaction((tx) =>
        this.labels.update(tx, label, {
          name,
          ...(request.description !== undefined ? { description: request.description } : {}),
          ...(request.color !== undefined ? { color: request.color } : {}),
        }),
      );
    } catch (error) {
      throw nameTaken(error, name, label.scope);
    }
  }

  async delete(principal: Principal, id: bigint): Promise<void> {
    const label = await this.find(id);
    await this.requireFor(principal, label, Action.Delete);
    await this.labels.delete(label.id);
  }

  private async find(id: bigint): Promise<Label> {
    const label = await this.labels.findById(id);
    if (!label) throw HarborError.notFound(`label ${id} not found`);
    return label;
  }

  private async project(principal: Principal, id: bigint): Promise<ProjectRef> {
    const project = await this.projects.find(String(id), false);
    if (!project) {
      if (principal.kind === 'anonymous') throw HarborError.unauthorized();
      throw HarborError.notFound(`project ${id} not found`);
    }
    return project;
  }

  private async requireFor(principal: Principal, label: Label, action: Action): Promise<void> {
    if (label.scope === 'p' && label.projectId !== null) {
      await this.require(principal, await this.project(principal, label.projectId), action);
    } else {
      await this.require(principal, null, action);
    }
  }

  /** The label permission in `project`, or the system one when `project` is null. */
  private async require(principal: Principal, project: ProjectRef | null, action: Action): Promise<void> {
    const allowed = project
      ? await this.access.can(principal, project, ProjectResource.Label, action)
      : await this.access.canSystem(principal, SystemResource.Label, action);
    if (allowed) return;
    if (principal.kind === 'anonymous') throw HarborError.unauthorized();
    throw HarborError.forbidden();
  }
}

/** A duplicate name as Harbor answers it (409); any other error unchanged. */
function nameTaken(error: unknown, name: string, scope: LabelScope): unknown {
  if (!(error instanceof UniqueViolationError)) return error;
  return HarborError.conflict(
    `a ${scope === 'g' ? 'global' : 'project'} label named ${JSON.stringify(name)} already exists`,
  );
}
