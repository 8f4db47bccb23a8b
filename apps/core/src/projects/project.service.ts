import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { DatabaseService } from '../database/database.service.js';
import { AccessControlService, type ProjectRef } from '../rbac/access-control.service.js';
import { isPublic } from '../rbac/project-lookup.service.js';
import type { CveAllowlistDto } from '../security/cve-allowlist.dto.js';
import { CveAllowlistService } from '../security/cve-allowlist.service.js';
import { Action, ProjectResource, ProjectRole, SystemResource } from '../rbac/rbac-policy.js';
import {
  projectDeletedKey,
  projectHiddenKey,
  TokenRevocationService,
  type Revoke,
} from '../token/token-revocation.service.js';
import {
  likeEscape,
  pageRequest,
  parseHarborQuery,
  parseSort,
  toPage,
  type Page,
  type QueryTerm,
} from '../system/harbor-listing.js';
import {
  MAX_STORAGE_LIMIT,
  type ProjectDeletableDto,
  type ProjectDto,
  type ProjectSummaryDto,
  type TCreateProjectRequest,
  type TListProjectsQuery,
  type TMetadataMap,
  type TUpdateProjectRequest,
} from './project.dto.js';
import {
  isMetadataKey,
  normalizeMetadata,
  normalizeMetadataValue,
  readMetadata,
  type ProjectMetadata,
} from './project-metadata.js';

const PROJECT_SORT_FIELDS = {
  name: 'name',
  project_id: 'id',
  creation_time: 'createdAt',
  update_time: 'updatedAt',
} as const;

const PROJECT_QUERY_SPEC = {
  name: ['exact', 'fuzzy', 'anyOf'],
  project_id: ['exact', 'anyOf'],
  public: ['exact'],
  owner: ['exact'],
} as const;

const projectInclude = (userId: bigint | null) =>
  ({
    owner: { select: { username: true } },
    _count: { select: { repositories: true } },
    // Direct and group memberships alike (a user may hold roles both ways).
    members: { where: memberOf(userId ?? -1n), select: { role: true } },
  }) satisfies Prisma.ProjectInclude;

/** Membership rows that make `userId` a member: the user's own and those of the user's groups. */
function memberOf(userId: bigint): Prisma.ProjectMemberWhereInput {
  return { OR: [{ userId }, { group: { users: { some: { userId } } } }] };
}

type ProjectRow = Prisma.ProjectGetPayload<{ include: ReturnType<typeof projectInclude> }>;

/** Projects: listing by visibility, creation under Harbor's rules, metadata, deletion. */
@Injectable()
export class ProjectService {
  constructor(
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(AccessControlService) private readonly access: AccessControlService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CveAllowlistService) private readonly allowlists: CveAllowlistService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  async list(principal: Principal, query: TListProjectsQuery): Promise<Page<ProjectDto>> {
    const page = pageRequest(query);
    const where: Prisma.ProjectWhereInput[] = [...this.filters(query)];
    const visibility = await this.visibility(principal, query.public);
    if (visibility === 'none') return toPage([], 0, page);
    if (visibility) where.push(visibility);

    const sort = parseSort(query.sort, PROJECT_SORT_FIELDS);
    const orderBy: Prisma.ProjectOrderByWithRelationInput[] = sort.length
      ? sort.map((key) => ({ [key.field]: key.descending ? 'desc' : 'asc' }))
      : [{ name: 'asc' }];
    orderBy.push({ id: 'asc' });

    const userId = principal.kind === 'user' ? principal.id : null;
    const prisma = this.database.prisma;
    const [total, rows] = await Promise.all([
      prisma.project.count({ where: { AND: where } }),
      prisma.project.findMany({
        where: { AND: where },
        orderBy,
        skip: page.offset,
        take: page.pageSize,
        include: projectInclude(userId),
      }),
    ]);
    const detail = query.with_detail ?? true;
    const allowlists = await this.allowlists.ofProjects(rows.map((row) => row.id));
    return toPage(
      rows.map((row) => toProjectDto(row, detail, allowlists.get(row.id)!)),
      total,
      page,
    );
  }

  async exists(name: string): Promise<boolean> {
    const project = await this.database.prisma.project.findUnique({ where: { name }, select: { id: true } });
    return project !== null;
  }

  async create(
    principal: Principal,
    request: TCreateProjectRequest,
    clientIp: string,
  ): Promise<{ id: number; name: string }> {
    await this.requireMayCreate(principal);
    const prisma = this.database.prisma;
    const metadata = normalizeMetadata(request.metadata ?? {});
    // Harbor's deprecated `public` field counts when the metadata does not say.
    if (metadata.public === undefined) metadata.public = String(request.public ?? false);

    const isSysadmin = await this.access.canSystem(principal, SystemResource.Quota, Action.Update);
    const requested = request.storage_limit ?? 0;
    const quotaLimit = requested !== 0 && isSysadmin ? requested : await this.defaultStorageLimit();

    const ownerId = await this.ownerFor(principal);
    try {
      const project = await prisma.$transaction(async (tx) => {
        const created = await tx.project.create({
          data: { name: request.project_name, ownerId, metadata, quotaLimit: BigInt(quotaLimit) },
        });
        if (principal.kind === 'user') {
          await tx.projectMember.create({
            data: { projectId: created.id, userId: principal.id, role: ProjectRole.ProjectAdmin },
          });
        }
        if (request.cve_allowlist) await this.allowlists.setProject(tx, created.id, request.cve_allowlist);
        return created;
      });
      await this.record(principal, project.id, 'create', project.name, clientIp);
      return { id: Number(project.id), name: project.name };
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw HarborError.conflict(`the project named ${request.project_name} already exists`);
      }
      throw error;
    }
  }

  async get(principal: Principal, ref: ProjectRef): Promise<ProjectDto> {
    const userId = principal.kind === 'user' ? principal.id : null;
    const row = await this.database.prisma.project.findUnique({
      where: { id: ref.id },
      include: projectInclude(userId),
    });
    if (!row) throw HarborError.notFound(`project ${ref.name} not found`);
    const allowlists = await this.allowlists.ofProjects([row.id]);
    return toProjectDto(row, true, allowlists.get(row.id)!);
  }

  async update(
    principal: Principal,
    ref: ProjectRef,
    request: TUpdateProjectRequest,
    clientIp: string,
  ): Promise<void> {
    if (request.project_name !== undefined && request.project_name !== ref.name) {
      throw HarborError.badRequest('a project cannot be renamed: project_name must be omitted or unchanged');
    }
    const changes = normalizeMetadata(request.metadata ?? {});
    if (changes.public === undefined && request.public !== undefined && request.public !== null) {
      changes.public = String(request.public);
    }
    const data: Prisma.ProjectUpdateInput = {};
    if (request.storage_limit !== undefined && request.storage_limit !== null) {
      if (!(await this.access.canSystem(principal, SystemResource.Quota, Action.Update))) {
        throw HarborError.forbidden('only system administrators can change a project storage_limit');
      }
      data.quotaLimit = BigInt(checkStorageLimit(request.storage_limit));
    }
    await this.revocations.transaction(async (tx, revoke) => {
      const current = readMetadata((await lockProject(tx, ref.id)).metadata);
      const metadata = { ...current, ...changes };
      data.metadata = metadata;
      await tx.project.update({ where: { id: ref.id }, data });
      revokeIfHidden(revoke, ref.name, current, metadata);
      if (request.cve_allowlist) await this.allowlists.setProject(tx, ref.id, request.cve_allowlist);
    });
    await this.record(principal, ref.id, 'update', ref.name, clientIp);
  }

  async deletable(ref: ProjectRef): Promise<ProjectDeletableDto> {
    const repositories = await this.database.prisma.repository.count({ where: { projectId: ref.id } });
    return repositories > 0
      ? { deletable: false, message: deletionRefusal(ref.name, repositories) }
      : { deletable: true };
  }

  async delete(principal: Principal, ref: ProjectRef, clientIp: string): Promise<void> {
    const verdict = await this.deletable(ref);
    if (!verdict.deletable)
      throw HarborError.precondition(verdict.message ?? 'the project cannot be deleted');
    try {
      await this.revocations.transaction(async (tx, revoke) => {
        // Members, robots, labels and quota rows go with it (ON DELETE CASCADE); a repository
        // created meanwhile makes the foreign key refuse.
        await tx.project.delete({ where: { id: ref.id } });
        // Tokens for its repositories would otherwise serve a new project of the same name.
        revoke([projectDeletedKey(ref.name)]);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw HarborError.precondition(deletionRefusal(ref.name, 1));
      }
      if (isNotFound(error)) throw HarborError.notFound(`project ${ref.name} not found`);
      throw error;
    }
    await this.record(principal, ref.id, 'delete', ref.name, clientIp);
  }

  async summary(principal: Principal, ref: ProjectRef): Promise<ProjectSummaryDto> {
    const prisma = this.database.prisma;
    const [project, repoCount] = await Promise.all([
      prisma.project.findUnique({ where: { id: ref.id } }),
      prisma.repository.count({ where: { projectId: ref.id } }),
    ]);
    if (!project) throw HarborError.notFound(`project ${ref.name} not found`);
    const summary: ProjectSummaryDto = { repo_count: repoCount };
    const permissions = await this.access.projectPermissions(principal, ref);
    const holds = (resource: string, action: string) =>
      permissions.some((p) => p.resource === resource && p.action === action);
    if (holds(ProjectResource.Quota, Action.Read)) {
      summary.quota = {
        hard: { storage: Number(project.quotaLimit) },
        used: { storage: Number(project.quotaUsed) },
      };
    }
    if (holds(ProjectResource.Member, Action.List)) {
      const counts = await prisma.projectMember.groupBy({
        by: ['role'],
        where: { projectId: ref.id },
        _count: { _all: true },
      });
      const of = (role: number) => counts.find((c) => c.role === role)?._count._all ?? 0;
      summary.project_admin_count = of(ProjectRole.ProjectAdmin);
      summary.maintainer_count = of(ProjectRole.Maintainer);
      summary.developer_count = of(ProjectRole.Developer);
      summary.guest_count = of(ProjectRole.Guest);
      summary.limited_guest_count = of(ProjectRole.LimitedGuest);
    }
    return summary;
  }

  // ---- metadata ---------------------------------------------------------------------------

  /** The whole metadata map, or `{name: value}` for one key (404 when the project has none). */
  async readMetadata(ref: ProjectRef, name?: string): Promise<Record<string, string>> {
    const project = await this.database.prisma.project.findUnique({ where: { id: ref.id } });
    if (!project) throw HarborError.notFound(`project ${ref.name} not found`);
    const metadata = readMetadata(project.metadata);
    if (name === undefined) return metadata;
    const value = Object.hasOwn(metadata, name) ? metadata[name] : undefined;
    if (value === undefined)
      throw HarborError.notFound(`project ${ref.name} has no metadata ${truncate(name)}`);
    return { [name]: value };
  }

  /** Adds keys the project does not have yet (409 for one it has, as Harbor's unique key does). */
  async addMetadata(
    principal: Principal,
    ref: ProjectRef,
    name: string | undefined,
    input: TMetadataMap,
    clientIp: string,
  ) {
    if (name !== undefined) {
      throw HarborError.notFound(
        `add metadata with POST /projects/${ref.name}/metadatas, not …/${truncate(name)}`,
      );
    }
    const additions = normalizeEntries(input);
    await this.database.prisma.$transaction(async (tx) => {
      const current = readMetadata((await lockProject(tx, ref.id)).metadata);
      for (const key of Object.keys(additions)) {
        if (Object.hasOwn(current, key)) {
          throw HarborError.conflict(`project ${ref.name} already has metadata ${key}; update it with PUT`);
        }
      }
      await tx.project.update({ where: { id: ref.id }, data: { metadata: { ...current, ...additions } } });
    });
    await this.record(principal, ref.id, 'update', ref.name, clientIp);
  }

  /** Sets one key; the body is `{"<meta_name>": "<value>"}`. */
  async updateMetadata(
    principal: Principal,
    ref: ProjectRef,
    name: string,
    input: TMetadataMap,
    clientIp: string,
  ) {
    const keys = Object.keys(input);
    if (keys.length !== 1 || keys[0] !== name) {
      throw HarborError.badRequest(
        `the body must hold exactly the key ${truncate(name)}, e.g. {"${truncate(name)}": "…"}`,
      );
    }
    const value = normalizeMetadataValue(name, input[name]);
    await this.revocations.transaction(async (tx, revoke) => {
      const current = readMetadata((await lockProject(tx, ref.id)).metadata);
      const metadata = { ...current, [name]: value };
      await tx.project.update({ where: { id: ref.id }, data: { metadata } });
      revokeIfHidden(revoke, ref.name, current, metadata);
    });
    await this.record(principal, ref.id, 'update', ref.name, clientIp);
  }

  async deleteMetadata(principal: Principal, ref: ProjectRef, name: string, clientIp: string) {
    await this.revocations.transaction(async (tx, revoke) => {
      const current = readMetadata((await lockProject(tx, ref.id)).metadata);
      if (!Object.hasOwn(current, name)) {
        throw HarborError.notFound(`project ${ref.name} has no metadata ${truncate(name)}`);
      }
      const metadata = { ...current };
      delete metadata[name];
      await tx.project.update({ where: { id: ref.id }, data: { metadata } });
      revokeIfHidden(revoke, ref.name, current, metadata);
    });
    await this.record(principal, ref.id, 'update', ref.name, clientIp);
  }

  // ---- helpers ----------------------------------------------------------------------------

  /**
   * What the caller may list: everything (sysadmin or a robot covering every project), public
   * projects plus their own, or public only (anonymous). 'none' when nothing can match.
   */
  private async visibility(
    principal: Principal,
    publicFilter: boolean | undefined,
  ): Promise<Prisma.ProjectWhereInput | null | 'none'> {
    const isPublic: Prisma.ProjectWhereInput = { metadata: { path: ['public'], equals: 'true' } };
    const includePublic = publicFilter !== false;
    if (principal.kind === 'anonymous') return includePublic ? isPublic : 'none';
    if (await this.access.canSystem(principal, SystemResource.Project, Action.List)) return null;
    if (principal.kind === 'user') {
      const own: Prisma.ProjectWhereInput = { members: { some: memberOf(principal.id) } };
      return includePublic ? { OR: [isPublic, own] } : own;
    }
    const namespaces = principal.permissions
      .filter((permission) => permission.kind === 'project')
      .map((permission) => permission.namespace);
    if (namespaces.includes('*')) return null;
    const own: Prisma.ProjectWhereInput = { name: { in: namespaces } };
    return includePublic ? { OR: [isPublic, own] } : own;
  }

  private filters(query: TListProjectsQuery): Prisma.ProjectWhereInput[] {
    const filters: Prisma.ProjectWhereInput[] = [];
    // Harbor matches `name` as a substring.
    if (query.name) filters.push({ name: { contains: likeEscape(query.name) } });
    if (query.owner) filters.push({ owner: { username: query.owner } });
    if (query.public !== undefined) filters.push(publicIs(query.public));
    for (const [key, term] of parseHarborQuery(query.q, PROJECT_QUERY_SPEC)) {
      filters.push(queryFilter(key, term));
    }
    return filters;
  }

  private async requireMayCreate(principal: Principal): Promise<void> {
    if (principal.kind === 'anonymous') throw HarborError.unauthorized();
    if (principal.kind === 'robot' && principal.level !== 'system') {
      throw HarborError.forbidden('only system level robots can create projects');
    }
    const mayAlways = await this.access.canSystem(principal, SystemResource.Project, Action.Create);
    if (mayAlways) return;
    if (principal.kind === 'robot') throw HarborError.forbidden('this robot may not create projects');
    const setting = await this.database.prisma.systemSetting.findUnique({
      where: { key: 'project_creation_restriction' },
    });
    if (setting?.value === 'adminonly') {
      throw HarborError.forbidden(
        'only system administrators can create projects (project_creation_restriction)',
      );
    }
  }

  private async defaultStorageLimit(): Promise<number> {
    const setting = await this.database.prisma.systemSetting.findUnique({
      where: { key: 'storage_per_project' },
    });
    const value = setting?.value;
    return typeof value === 'number' && Number.isSafeInteger(value) && (value === -1 || value > 0)
      ? value
      : -1;
  }

  /** The creating user; for a robot, the first system administrator (as Harbor does). */
  private async ownerFor(principal: Principal): Promise<bigint | null> {
    if (principal.kind === 'user') return principal.id;
    const admin = await this.database.prisma.user.findFirst({
      where: { sysadmin: true },
      orderBy: { id: 'asc' },
    });
    return admin?.id ?? null;
  }

  private record(principal: Principal, projectId: bigint, operation: string, name: string, clientIp: string) {
    return this.audit.record({
      projectId,
      operation,
      resourceType: 'project',
      resource: name,
      username: principalName(principal),
      clientIp,
    });
  }
}

function toProjectDto(row: ProjectRow, detail: boolean, cveAllowlist: CveAllowlistDto): ProjectDto {
  const roles = row.members.map((member) => member.role);
  const dto: ProjectDto = {
    project_id: Number(row.id),
    name: row.name,
    creation_time: row.createdAt.toISOString(),
    update_time: row.updatedAt.toISOString(),
    deleted: false,
    togglable: true,
    current_user_role_id: highestRole(roles),
    current_user_role_ids: roles,
    repo_count: row._count.repositories,
    metadata: readMetadata(row.metadata),
    cve_allowlist: cveAllowlist,
  };
  if (row.ownerId !== null) dto.owner_id = Number(row.ownerId);
  if (detail && row.owner) dto.owner_name = row.owner.username;
  return dto;
}

// Harbor ranks roles by power, not by id: projectAdmin, maintainer, developer, guest, limitedGuest.
const ROLE_RANK: number[] = [
  ProjectRole.ProjectAdmin,
  ProjectRole.Maintainer,
  ProjectRole.Developer,
  ProjectRole.Guest,
  ProjectRole.LimitedGuest,
];

function highestRole(roles: number[]): number {
  return ROLE_RANK.find((role) => roles.includes(role)) ?? 0;
}

function publicIs(value: boolean): Prisma.ProjectWhereInput {
  const isPublic: Prisma.ProjectWhereInput = { metadata: { path: ['public'], equals: 'true' } };
  return value ? isPublic : { NOT: isPublic };
}

function queryFilter(key: string, term: QueryTerm): Prisma.ProjectWhereInput {
  switch (key) {
    case 'name':
      if (term.kind === 'fuzzy') return { name: { contains: likeEscape(term.value) } };
      if (term.kind === 'anyOf') return { name: { in: term.values } };
      return { name: (term as { value: string }).value };
    case 'project_id': {
      const values = term.kind === 'anyOf' ? term.values : [(term as { value: string }).value];
      for (const value of values) {
        if (!/^\d{1,18}$/.test(value))
          throw HarborError.badRequest(`invalid project_id "${truncate(value)}" in q`);
      }
      return { id: { in: values.map(BigInt) } };
    }
    case 'public': {
      const value = (term as { value: string }).value;
      if (value !== 'true' && value !== 'false')
        throw HarborError.badRequest('public in q must be true or false');
      return publicIs(value === 'true');
    }
    default:
      return { owner: { username: (term as { value: string }).value } };
  }
}

function normalizeEntries(input: TMetadataMap): ProjectMetadata {
  const result: ProjectMetadata = {};
  for (const [key, value] of Object.entries(input)) {
    if (!isMetadataKey(key)) normalizeMetadataValue(key, value);
    else result[key] = normalizeMetadataValue(key, value);
  }
  return result;
}

function checkStorageLimit(value: number): number {
  if (value === 0 || value < -1 || value > MAX_STORAGE_LIMIT) {
    throw HarborError.badRequest(
      `storage_limit must be -1 (unlimited) or a number of bytes from 1 to ${MAX_STORAGE_LIMIT}`,
    );
  }
  return value;
}

/**
 * A project made private stops the pulls that tokens (anonymous ones, or of non-members) hold
 * there only because it was public.
 */
function revokeIfHidden(revoke: Revoke, project: string, before: object, after: object): void {
  if (isPublic(before) && !isPublic(after)) revoke([projectHiddenKey(project)]);
}

/** Reads the project row under a lock, so concurrent metadata changes do not lose each other's keys. */
async function lockProject(tx: Prisma.TransactionClient, id: bigint): Promise<{ metadata: unknown }> {
  const rows = await tx.$queryRaw<{ metadata: unknown }[]>`
    SELECT metadata FROM project WHERE id = ${id} FOR NO KEY UPDATE`;
  const row = rows[0];
  if (!row) throw HarborError.notFound(`project ${id} not found`);
  return row;
}

function deletionRefusal(name: string, repositories: number): string {
  return `the project ${name} contains ${repositories === 1 ? 'a repository' : `${repositories} repositories`} and cannot be deleted; delete its repositories first`;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003';
}

function isNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
}

function truncate(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
