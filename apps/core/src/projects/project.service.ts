import { Inject, Injectable } from '@nestjs/common';
import {
  Database,
  ForeignKeyViolationError,
  ProjectMemberRepository,
  ProjectRepository,
  RecordNotFoundError,
  SystemSettingRepository,
  UniqueViolationError,
  type ProjectCondition,
  type ProjectDetails,
  type Tx,
} from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { AccessControlService, highestRole, type ProjectRef } from '../rbac/access-control.service.js';
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

/** Projects: listing by visibility, creation under Harbor's rules, metadata, deletion. */
@Injectable()
export class ProjectService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(ProjectRepository) private readonly projects: ProjectRepository,
    @Inject(ProjectMemberRepository) private readonly members: ProjectMemberRepository,
    @Inject(SystemSettingRepository) private readonly settings: SystemSettingRepository,
    @Inject(AccessControlService) private readonly access: AccessControlService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CveAllowlistService) private readonly allowlists: CveAllowlistService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  async list(principal: Principal, query: TListProjectsQuery): Promise<Page<ProjectDto>> {
    const page = pageRequest(query);
    const where = this.filters(query);
    const visibility = await this.visibility(principal, query.public);
    if (visibility === 'none') return toPage([], 0, page);
    if (visibility) where.push(visibility);

    const sort = parseSort(query.sort, PROJECT_SORT_FIELDS);
    const { total, items } = await this.projects.list({
      where,
      sort: sort.length ? sort : [{ field: 'name', descending: false }],
      offset: page.offset,
      limit: page.pageSize,
      // Direct and group memberships alike (a user may hold roles both ways).
      viewerId: principal.kind === 'user' ? principal.id : null,
    });
    const detail = query.with_detail ?? true;
    const allowlists = await this.allowlists.ofProjects(items.map((project) => project.id));
    return toPage(
      items.map((project) => toProjectDto(project, detail, allowlists.get(project.id)!)),
      total,
      page,
    );
  }

  async exists(name: string): Promise<boolean> {
    return (await this.projects.findByName(name)) !== null;
  }

  async create(
    principal: Principal,
    request: TCreateProjectRequest,
    clientIp: string,
  ): Promise<{ id: number; name: string }> {
    await this.requireMayCreate(principal);
    const metadata = normalizeMetadata(request.metadata ?? {});
    // Harbor's deprecated `public` field counts when the metadata does not say.
    if (metadata.public === undefined) metadata.public = String(request.public ?? false);

    const isSysadmin = await this.access.canSystem(principal, SystemResource.Quota, Action.Update);
    const requested = request.storage_limit ?? 0;
    const quotaLimit = requested !== 0 && isSysadmin ? requested : await this.defaultStorageLimit();

    const ownerId = await this.ownerFor(principal);
    try {
      const project = await this.database.transaction(async (tx) => {
        const created = await this.projects.create(tx, {
          name: request.project_name,
          ownerId,
          metadata,
          quotaLimit: BigInt(quotaLimit),
        });
        if (principal.kind === 'user') {
          await this.members.create(tx, {
            projectId: created.id,
            member: { userId: principal.id },
            role: ProjectRole.ProjectAdmin,
            repositoryScopes: [],
          });
        }
        if (request.cve_allowlist) await this.allowlists.setProject(tx, created.id, request.cve_allowlist);
        await this.append(tx, principal, created.id, 'create', created.name, clientIp);
        return created;
      });
      return { id: Number(project.id), name: project.name };
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        throw HarborError.conflict(`the project named ${request.project_name} already exists`);
      }
      throw error;
    }
  }

  async get(principal: Principal, ref: ProjectRef): Promise<ProjectDto> {
    const project = await this.projects.findDetails(ref.id, principal.kind === 'user' ? principal.id : null);
    if (!project) throw HarborError.notFound(`project ${ref.name} not found`);
    const allowlists = await this.allowlists.ofProjects([project.id]);
    return toProjectDto(project, true, allowlists.get(project.id)!);
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
    let quotaLimit: bigint | undefined;
    if (request.storage_limit !== undefined && request.storage_limit !== null) {
      if (!(await this.access.canSystem(principal, SystemResource.Quota, Action.Update))) {
        throw HarborError.forbidden('only system administrators can change a project storage_limit');
      }
      quotaLimit = BigInt(checkStorageLimit(request.storage_limit));
    }
    await this.revocations.transaction(async (tx, revoke) => {
      const current = await this.lockMetadata(tx, ref);
      const metadata = { ...current, ...changes };
      await this.projects.update(tx, ref.id, {
        metadata,
        ...(quotaLimit !== undefined ? { quotaLimit } : {}),
      });
      revokeIfHidden(revoke, ref.name, current, metadata);
      if (request.cve_allowlist) await this.allowlists.setProject(tx, ref.id, request.cve_allowlist);
      await this.append(tx, principal, ref.id, 'update', ref.name, clientIp);
    });
  }

  async deletable(ref: ProjectRef): Promise<ProjectDeletableDto> {
    const repositories = await this.projects.repositoryCount(ref.id);
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
        await this.projects.delete(tx, ref.id);
        // Tokens for its repositories would otherwise serve a new project of the same name.
        revoke([projectDeletedKey(ref.name)]);
        await this.append(tx, principal, ref.id, 'delete', ref.name, clientIp);
      });
    } catch (error) {
      if (error instanceof ForeignKeyViolationError) {
        throw HarborError.precondition(deletionRefusal(ref.name, 1));
      }
      if (error instanceof RecordNotFoundError) throw HarborError.notFound(`project ${ref.name} not found`);
      throw error;
    }
  }

  async summary(principal: Principal, ref: ProjectRef): Promise<ProjectSummaryDto> {
    const [project, repoCount] = await Promise.all([
      this.projects.findById(ref.id),
      this.projects.repositoryCount(ref.id),
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
      const counts = await this.members.roleCounts(ref.id);
      const of = (role: number) => counts.get(role) ?? 0;
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
    const project = await this.projects.findById(ref.id);
    if (!project) throw HarborError.notFound(`project ${ref.name} not found`);
    const metadata = project.metadata;
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
    await this.database.transaction(async (tx) => {
      const current = await this.lockMetadata(tx, ref);
      for (const key of Object.keys(additions)) {
        if (Object.hasOwn(current, key)) {
          throw HarborError.conflict(`project ${ref.name} already has metadata ${key}; update it with PUT`);
        }
      }
      await this.projects.update(tx, ref.id, { metadata: { ...current, ...additions } });
      await this.append(tx, principal, ref.id, 'update', ref.name, clientIp);
    });
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
      const current = await this.lockMetadata(tx, ref);
      const metadata = { ...current, [name]: value };
      await this.projects.update(tx, ref.id, { metadata });
      revokeIfHidden(revoke, ref.name, current, metadata);
      await this.append(tx, principal, ref.id, 'update', ref.name, clientIp);
    });
  }

  async deleteMetadata(principal: Principal, ref: ProjectRef, name: string, clientIp: string) {
    await this.revocations.transaction(async (tx, revoke) => {
      const current = await this.lockMetadata(tx, ref);
      if (!Object.hasOwn(current, name)) {
        throw HarborError.notFound(`project ${ref.name} has no metadata ${truncate(name)}`);
      }
      const metadata = { ...current };
      delete metadata[name];
      await this.projects.update(tx, ref.id, { metadata });
      revokeIfHidden(revoke, ref.name, current, metadata);
      await this.append(tx, principal, ref.id, 'update', ref.name, clientIp);
    });
  }

  // ---- helpers ----------------------------------------------------------------------------

  /**
   * What the caller may list: everything (sysadmin or a robot covering every project), public
   * projects plus their own, or public only (anonymous). 'none' when nothing can match.
   */
  private async visibility(
    principal: Principal,
    publicFilter: boolean | undefined,
  ): Promise<ProjectCondition | null | 'none'> {
    const isPublic: ProjectCondition = { kind: 'public', value: true };
    const includePublic = publicFilter !== false;
    if (principal.kind === 'anonymous') return includePublic ? isPublic : 'none';
    if (await this.access.canSystem(principal, SystemResource.Project, Action.List)) return null;
    if (principal.kind === 'user') {
      const own: ProjectCondition = { kind: 'memberIs', userId: principal.id };
      return includePublic ? { kind: 'anyOf', conditions: [isPublic, own] } : own;
    }
    const namespaces = principal.permissions
      .filter((permission) => permission.kind === 'project')
      .map((permission) => permission.namespace);
    if (namespaces.includes('*')) return null;
    const own: ProjectCondition = { kind: 'nameIn', values: namespaces };
    return includePublic ? { kind: 'anyOf', conditions: [isPublic, own] } : own;
  }

  private filters(query: TListProjectsQuery): ProjectCondition[] {
    const filters: ProjectCondition[] = [];
    // Harbor matches `name` as a substring.
    if (query.name) filters.push({ kind: 'nameContains', value: query.name });
    if (query.owner) filters.push({ kind: 'ownerIs', username: query.owner });
    if (query.public !== undefined) filters.push({ kind: 'public', value: query.public });
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
    if ((await this.settings.value('project_creation_restriction')) === 'adminonly') {
      throw HarborError.forbidden(
        'only system administrators can create projects (project_creation_restriction)',
      );
    }
  }

  private async defaultStorageLimit(): Promise<number> {
    const value = await this.settings.value('storage_per_project');
    return typeof value === 'number' && Number.isSafeInteger(value) && (value === -1 || value > 0)
      ? value
      : -1;
  }

  /** The creating user; for a robot, the first system administrator (as Harbor does). */
  private async ownerFor(principal: Principal): Promise<bigint | null> {
    if (principal.kind === 'user') return principal.id;
    return this.projects.firstSystemAdministratorId();
  }

  /** The project's metadata, locked until `tx` ends; 404 when the project is gone. */
  private async lockMetadata(tx: Tx, ref: ProjectRef): Promise<Record<string, string>> {
    const metadata = await this.projects.lockMetadata(tx, ref.id);
    if (!metadata) throw HarborError.notFound(`project ${ref.id} not found`);
    return metadata;
  }

  private append(
    tx: Tx,
    principal: Principal,
    projectId: bigint,
    operation: string,
    name: string,
    clientIp: string,
  ) {
    return this.audit.append(tx, {
      projectId,
      operation,
      resourceType: 'project',
      resource: name,
      username: principalName(principal),
      clientIp,
    });
  }
}

function toProjectDto(project: ProjectDetails, detail: boolean, cveAllowlist: CveAllowlistDto): ProjectDto {
  const roles = project.viewerRoles;
  const dto: ProjectDto = {
    project_id: Number(project.id),
    name: project.name,
    creation_time: project.createdAt.toISOString(),
    update_time: project.updatedAt.toISOString(),
    deleted: false,
    togglable: true,
    // Harbor ranks roles by power, not by id; 0 when the caller holds none.
    current_user_role_id: highestRole(roles) ?? 0,
    current_user_role_ids: roles,
    repo_count: project.repositoryCount,
    metadata: project.metadata,
    cve_allowlist: cveAllowlist,
  };
  if (project.ownerId !== null) dto.owner_id = Number(project.ownerId);
  if (detail && project.ownerName !== null) dto.owner_name = project.ownerName;
  return dto;
}

function queryFilter(key: string, term: QueryTerm): ProjectCondition {
  switch (key) {
    case 'name':
      if (term.kind === 'fuzzy') return { kind: 'nameContains', value: term.value };
      if (term.kind === 'anyOf') return { kind: 'nameIn', values: term.values };
      return { kind: 'nameIs', value: (term as { value: string }).value };
    case 'project_id': {
      const values = term.kind === 'anyOf' ? term.values : [(term as { value: string }).value];
      for (const value of values) {
        if (!/^\d{1,18}$/.test(value))
          throw HarborError.badRequest(`invalid project_id "${truncate(value)}" in q`);
      }
      return { kind: 'idIn', values: values.map(BigInt) };
    }
    case 'public': {
      const value = (term as { value: string }).value;
      if (value !== 'true' && value !== 'false')
        throw HarborError.badRequest('public in q must be true or false');
      return { kind: 'public', value: value === 'true' };
    }
    default:
      return { kind: 'ownerIs', username: (term as { value: string }).value };
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

function deletionRefusal(name: string, repositories: number): string {
  return `the project ${name} contains ${repositories === 1 ? 'a repository' : `${repositories} repositories`} and cannot be deleted; delete its repositories first`;
}

function truncate(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
