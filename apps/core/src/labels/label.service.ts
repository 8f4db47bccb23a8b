import { Inject, Injectable } from '@nestjs/common';
import type { Prisma } from '@berth/db';
import type { Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { DatabaseService } from '../database/database.service.js';
import { AccessControlService, type ProjectRef } from '../rbac/access-control.service.js';
import { ProjectLookupService } from '../rbac/project-lookup.service.js';
import { Action, ProjectResource, SystemResource } from '../rbac/rbac-policy.js';
import {
  likeEscape,
  pageRequest,
  parseHarborQuery,
  parseSort,
  toPage,
  type Page,
} from '../system/harbor-listing.js';
import type {
  LabelDto,
  LabelScope,
  TCreateLabelRequest,
  TListLabelsQuery,
  TUpdateLabelRequest,
} from './label.dto.js';

type LabelRow = Prisma.LabelGetPayload<object>;

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
    @Inject(DatabaseService) private readonly database: DatabaseService,
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
    const where: Prisma.LabelWhereInput[] = [{ scope }];
    if (scope === 'p') {
      if (query.project_id === undefined) {
        throw HarborError.badRequest('project_id is required to list project labels (scope=p)');
      }
      const project = await this.project(principal, BigInt(query.project_id));
      await this.require(principal, project, Action.List);
      where.push({ projectId: project.id });
    }
    if (query.name) where.push({ name: { contains: likeEscape(query.name) } });
    for (const [, term] of parseHarborQuery(query.q, { name: ['exact', 'fuzzy'] })) {
      where.push({
        name:
          term.kind === 'fuzzy' ? { contains: likeEscape(term.value) } : (term as { value: string }).value,
      });
    }
    const sort = parseSort(query.sort, LABEL_SORT_FIELDS);
    const orderBy: Prisma.LabelOrderByWithRelationInput[] = sort.length
      ? sort.map((key) => ({ [key.field]: key.descending ? 'desc' : 'asc' }))
      : [{ name: 'asc' }];
    orderBy.push({ id: 'asc' });
    const prisma = this.database.prisma;
    const [total, rows] = await Promise.all([
      prisma.label.count({ where: { AND: where } }),
      prisma.label.findMany({ where: { AND: where }, orderBy, skip: page.offset, take: page.pageSize }),
    ]);
    return toPage(rows.map(toLabelDto), total, page);
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
    const label = await this.unique(request.name, request.scope, projectId, null, (tx) =>
      tx.label.create({
        data: {
          name: request.name,
          description: request.description ?? '',
          color: request.color ?? '',
          scope: request.scope,
          projectId,
        },
      }),
    );
    return Number(label.id);
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
    await this.unique(name, label.scope as LabelScope, label.projectId, label.id, (tx) =>
      tx.label.update({
        where: { id: label.id },
        data: {
          name,
          ...(request.description !== undefined ? { description: request.description } : {}),
          ...(request.color !== undefined ? { color: request.color } : {}),
        },
      }),
    );
  }

  async delete(principal: Principal, id: bigint): Promise<void> {
    const label = await this.find(id);
    await this.requireFor(principal, label, Action.Delete);
    // Its artifact attachments go with it (ON DELETE CASCADE).
    await this.database.prisma.label.deleteMany({ where: { id: label.id } });
  }

  private async find(id: bigint): Promise<LabelRow> {
    const label = await this.database.prisma.label.findUnique({ where: { id } });
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

  private async requireFor(principal: Principal, label: LabelRow, action: Action): Promise<void> {
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

  /**
   * Runs `write` unless another label of the scope has `name`. The unique index cannot say so for
   * global labels (their project_id is NULL), so the check runs under a transaction lock on the name.
   */
  private async unique<T>(
    name: string,
    scope: LabelScope,
    projectId: bigint | null,
    exceptId: bigint | null,
    write: (tx: Prisma.TransactionClient) => Promise<T>,
  ): Promise<T> {
    const key = `label:${scope}:${projectId ?? 0}:${name}`;
    return this.database.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
      const clash = await tx.label.findFirst({
        where: { name, scope, projectId, ...(exceptId !== null ? { id: { not: exceptId } } : {}) },
      });
      if (clash) {
        throw HarborError.conflict(
          `a ${scope === 'g' ? 'global' : 'project'} label named ${JSON.stringify(name)} already exists`,
        );
      }
      return write(tx);
    });
  }
}

function toLabelDto(row: LabelRow): LabelDto {
  return {
    id: Number(row.id),
    name: row.name,
    description: row.description,
    color: row.color,
    scope: row.scope === 'p' ? 'p' : 'g',
    project_id: Number(row.projectId ?? 0),
    creation_time: row.createdAt.toISOString(),
    update_time: row.updatedAt.toISOString(),
  };
}
