import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  Database,
  ProjectRepository,
  RecordNotFoundError,
  RobotRepository,
  SystemSettingRepository,
  UniqueViolationError,
  type Robot,
  type RobotChanges,
  type RobotPermissionEntry,
  type RobotSortField,
  type Tx,
} from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { AuthenticationService } from '../auth/authentication.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { hashPassword } from '../crypto/password-hasher.js';
import { AccessControlService, type ProjectRef } from '../rbac/access-control.service.js';
import { projectRefOf } from '../rbac/project-lookup.service.js';
import { TokenRevocationService, type Revoke } from '../token/token-revocation.service.js';
import {
  Action,
  ALL_PROJECT_PERMISSIONS,
  hasPermission,
  ProjectResource,
  SYSTEM_PERMISSIONS,
  SystemResource,
  type Permission,
} from '../rbac/rbac-policy.js';
import {
  ROBOT_NAME_PATTERN,
  type RobotCreatedDto,
  type RobotDto,
  type RobotPage,
  type RobotSecretDto,
  type TCreateRobotRequest,
  type TListRobotsQuery,
  type TRefreshRobotSecretRequest,
  type TRobotPermission,
  type TUpdateRobotRequest,
} from './robot.dto.js';
import { parseRobotQuery, parseRobotSort, type RobotSortKey } from './robot-query.js';

type Level = 'system' | 'project';

/** Days a robot lives when created with duration 0 and no `robot_token_duration` setting. */
const DEFAULT_ROBOT_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_RULE =
  'the secret must be 8 to 128 characters with at least one upper case letter, one lower case letter and one digit';

/**
 * Robot accounts, Harbor's model: system robots (any projects, system resources) and project robots
 * (one project). Managing them needs the system's or the project's `robot` permission: for a robot
 * a route names, the access guard's `robot` rule has checked it; listing and creating check it here.
 * A robot is never granted a permission its creator (or updater) does not hold.
 */
@Injectable()
export class RobotService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(RobotRepository) private readonly robots: RobotRepository,
    @Inject(ProjectRepository) private readonly projects: ProjectRepository,
    @Inject(SystemSettingRepository) private readonly settings: SystemSettingRepository,
    @Inject(AccessControlService) private readonly access: AccessControlService,
    @Inject(AuthenticationService) private readonly authentication: AuthenticationService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  async list(principal: Principal, query: TListRobotsQuery): Promise<RobotPage> {
    const filter = parseRobotQuery(query.q);
    const sort = parseRobotSort(query.sort);
    const level: Level = filter.level ?? 'system';
    let project: ProjectRef | null = null;
    if (level === 'project') {
      if (filter.projectId === undefined) {
        throw HarborError.badRequest(
          'listing project robots needs the project: q=Level=project,ProjectID=<id>',
        );
      }
      project = await this.projectById(principal, filter.projectId);
    }
    await this.requireAccess(principal, level, project, Action.List);

    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 10;
    const { total, items } = await this.robots.list({
      level,
      projectId: project ? project.id : null,
      ...(filter.name
        ? { name: { value: this.shortName(filter.name.value, project), fuzzy: filter.name.fuzzy } }
        : {}),
      sort: sort.map(({ key, descending }) => ({ field: SORT_FIELDS[key], descending })),
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    const prefix = await this.authentication.robotPrefix();
    return { items: items.map((robot) => toDto(robot, prefix)), total, page, pageSize };
  }

  async get(id: string): Promise<RobotDto> {
    const robot = await this.find(id);
    return toDto(robot, await this.authentication.robotPrefix());
  }

  async create(
    principal: Principal,
    request: TCreateRobotRequest,
    clientIp: string,
  ): Promise<RobotCreatedDto> {
    requireUser(principal);
    const project = await this.projectOfPermissions(principal, request.level, request.permissions);
    await this.requireAccess(principal, request.level, project, Action.Create);
    await this.requireGrantable(principal, request.permissions);
    if (request.secret !== undefined) requireStrongSecret(request.secret);

    const secret = request.secret ?? generateSecret();
    const secretHash = await hashPassword(secret);
    const duration = await this.effectiveDuration(request.duration ?? 0);
    const createdAt = new Date();
    const prefix = await this.authentication.robotPrefix();
    const fullName = fullNameOf(prefix, request.name, project?.name ?? null);

    let robot: Robot;
    try {
      robot = await this.database.transaction(async (tx) => {
        const created = await this.robots.create(tx, {
          name: request.name,
          description: request.description ?? '',
          level: request.level,
          projectId: project?.id ?? null,
          secretHash,
          duration,
          expiresAt: expiry(createdAt, duration),
          disabled: request.disable ?? false,
          creatorRef: principal.id,
          permissions: request.permissions as RobotPermissionEntry[],
          createdAt,
        });
        await this.append(tx, principal, 'create', fullName, project?.id ?? null, clientIp);
        return created;
      });
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        throw HarborError.conflict(`robot account ${fullName} already exists`);
      }
      throw error;
    }
    return {
      id: Number(robot.id),
      name: fullName,
      secret,
      creation_time: robot.createdAt.toISOString(),
      expires_at: robot.expiresAt ? Math.floor(robot.expiresAt.getTime() / 1000) : -1,
    };
  }

  async update(
    principal: Principal,
    id: string,
    request: TUpdateRobotRequest,
    clientIp: string,
  ): Promise<void> {
    requireUser(principal);
    const robot = await this.find(id);
    const level = robot.level;
    const project = robotProjectRef(robot);
    const prefix = await this.authentication.robotPrefix();
    const fullName = fullNameOf(prefix, robot.name, robot.project?.name ?? null);
    if (request.level !== level || (request.name !== robot.name && request.name !== fullName)) {
      throw HarborError.badRequest('the name and level of a robot account cannot be changed');
    }
    const permissionsProject = await this.projectOfPermissions(principal, level, request.permissions);
    if (level === 'project' && permissionsProject?.id !== project?.id) {
      throw HarborError.badRequest(
        `a project robot's permissions must name its own project ${robot.project?.name}`,
      );
    }
    await this.requireGrantable(principal, request.permissions);

    const changes: RobotChanges = {
      description: request.description ?? robot.description,
      disabled: request.disable ?? robot.disabled,
      permissions: request.permissions as RobotPermissionEntry[],
    };
    if (request.duration !== undefined && request.duration !== null && request.duration !== robot.duration) {
      const duration = await this.effectiveDuration(request.duration);
      changes.duration = duration;
      changes.expiresAt = expiry(robot.createdAt, duration);
    }
    await this.change(robot, async (tx, revoke) => {
      await this.robots.update(tx, robot.id, changes);
      // Tokens issued before carry what the robot held then: disabled or narrowed, they must stop.
      revoke([fullName]);
      await this.append(tx, principal, 'update', fullName, robot.project?.id ?? null, clientIp);
    });
  }

  async delete(principal: Principal, id: string, clientIp: string): Promise<void> {
    const robot = await this.find(id);
    const fullName = fullNameOf(
      await this.authentication.robotPrefix(),
      robot.name,
      robot.project?.name ?? null,
    );
    await this.revocations.transaction(async (tx, revoke) => {
      await this.robots.delete(tx, robot.id);
      // Neither logins verified moments ago nor registry tokens may outlive the robot.
      revoke([fullName]);
      await this.append(tx, principal, 'delete', fullName, robot.project?.id ?? null, clientIp);
    });
  }

  /** Replaces the secret with the one given or a new random one, which is answered (once). */
  async refreshSecret(
    principal: Principal,
    id: string,
    request: TRefreshRobotSecretRequest,
    clientIp: string,
  ): Promise<RobotSecretDto> {
    requireUser(principal);
    const robot = await this.find(id);
    if (request.secret !== undefined && request.secret !== '') requireStrongSecret(request.secret);
    const secret = request.secret || generateSecret();
    const secretHash = await hashPassword(secret);
    const fullName = fullNameOf(
      await this.authentication.robotPrefix(),
      robot.name,
      robot.project?.name ?? null,
    );
    await this.change(robot, async (tx, revoke) => {
      await this.robots.update(tx, robot.id, { secretHash });
      // A secret is refreshed because the old one may have leaked: so may its tokens.
      revoke([fullName]);
      await this.append(tx, principal, 'update', fullName, robot.project?.id ?? null, clientIp);
    });
    return { secret };
  }

  // --- authorization -----------------------------------------------------------------------------

  private async requireAccess(
    principal: Principal,
    level: Level,
    project: ProjectRef | null,
    action: Action,
  ): Promise<void> {
    const allowed =
      level === 'system'
        ? await this.access.canSystem(principal, SystemResource.Robot, action)
        : project !== null && (await this.access.can(principal, project, ProjectResource.Robot, action));
    if (allowed) return;
    if (principal.kind === 'anonymous') throw HarborError.unauthorized();
    throw HarborError.forbidden(
      level === 'system'
        ? `${principalName(principal)} may not ${action} system robot accounts`
        : `${principalName(principal)} may not ${action} robot accounts of project ${project?.name}`,
    );
  }

  /**
   * Every permission granted (`effect` allow) must exist in the permission table and be held by
   * `principal` where it is granted: no robot gets more than the person who sets it up.
   */
  private async requireGrantable(principal: Principal, permissions: TRobotPermission[]): Promise<void> {
    for (const entry of permissions) {
      const allowed = entry.access.filter((access) => access.effect !== 'deny');
      if (entry.kind === 'system') {
        if (entry.namespace !== '/')
          throw HarborError.badRequest('system permissions take the namespace "/"');
        this.requireKnown(entry, SYSTEM_PERMISSIONS);
        const held = this.access.systemPermissions(principal);
        this.requireHeld(allowed, held, 'the system');
        continue;
      }
      this.requireKnown(entry, ALL_PROJECT_PERMISSIONS);
      if (entry.namespace === '*') {
        if (!(principal.kind === 'user' && principal.sysadmin) && allowed.length > 0) {
          throw HarborError.forbidden(
            'only system administrators may grant permissions in every project (namespace "*")',
          );
        }
        continue;
      }
      const project = await this.projectByName(principal, entry.namespace);
      const held = await this.access.projectPermissions(principal, project);
      this.requireHeld(allowed, held, `project ${project.name}`);
    }
  }

  private requireKnown(entry: TRobotPermission, universe: readonly Permission[]): void {
    for (const access of entry.access) {
      if (!hasPermission(universe, access.resource, access.action as Action)) {
        throw HarborError.badRequest(
          `unknown ${entry.kind} permission ${access.resource}:${access.action} in namespace ${entry.namespace}`,
        );
      }
    }
  }

  private requireHeld(allowed: TRobotPermission['access'], held: Permission[], where: string): void {
    for (const access of allowed) {
      if (!hasPermission(held, access.resource, access.action as Action)) {
        throw HarborError.forbidden(
          `cannot grant ${access.resource}:${access.action} in ${where}: a robot never gets more than its creator holds`,
        );
      }
    }
  }

  /** For a project robot, the one project its permissions name; null for a system robot. */
  private async projectOfPermissions(
    principal: Principal,
    level: Level,
    permissions: TRobotPermission[],
  ): Promise<ProjectRef | null> {
    if (level === 'system') return null;
    const [entry, ...rest] = permissions;
    if (!entry || rest.length > 0 || entry.kind !== 'project' || entry.namespace === '*') {
      throw HarborError.badRequest(
        'a project robot takes exactly one permission entry of kind project naming its project',
      );
    }
    return this.projectByName(principal, entry.namespace);
  }

  private async projectByName(principal: Principal, name: string): Promise<ProjectRef> {
    const project = await this.projects.findByName(name);
    if (!project) throw notFoundFor(principal, `project ${name} not found`);
    return projectRefOf(project);
  }

  private async projectById(principal: Principal, id: bigint): Promise<ProjectRef> {
    const project = await this.projects.findById(id);
    if (!project) throw notFoundFor(principal, `project ${id} not found`);
    return projectRefOf(project);
  }

  // --- helpers -----------------------------------------------------------------------------------

  private async find(id: string): Promise<Robot> {
    if (!/^\d{1,18}$/.test(id))
      throw HarborError.badRequest(`robot_id must be a positive integer, got "${id.slice(0, 40)}"`);
    const robot = await this.robots.findById(BigInt(id));
    if (!robot) throw HarborError.notFound(`robot account ${id} not found`);
    return robot;
  }

  /** Runs a change of `robot` that revokes its tokens; a robot deleted meanwhile answers 404. */
  private async change(robot: Robot, work: (tx: Tx, revoke: Revoke) => Promise<void>): Promise<void> {
    try {
      await this.revocations.transaction(work);
    } catch (error) {
      if (error instanceof RecordNotFoundError)
        throw HarborError.notFound(`robot account ${robot.id} not found`);
      throw error;
    }
  }

  /** 0 means the `robot_token_duration` setting (days), else 30. */
  private async effectiveDuration(duration: number): Promise<number> {
    if (duration !== 0) return duration;
    const days = Number(await this.settings.value('robot_token_duration'));
    return Number.isInteger(days) && days > 0 ? days : DEFAULT_ROBOT_DAYS;
  }

  /** A name filter may be given as the full name: the prefix and project part are not stored. */
  private shortName(value: string, project: ProjectRef | null): string {
    const plus = value.lastIndexOf('+');
    if (project && plus !== -1) return value.slice(plus + 1);
    const dollar = value.indexOf('$');
    return dollar !== -1 && !ROBOT_NAME_PATTERN.test(value) ? value.slice(dollar + 1) : value;
  }

  private async append(
    tx: Tx,
    principal: Principal,
    operation: string,
    resource: string,
    projectId: bigint | null,
    clientIp: string,
  ): Promise<void> {
    await this.audit.append(tx, {
      projectId,
      operation,
      resourceType: 'robot',
      resource,
      username: principalName(principal),
      clientIp,
    });
  }
}

function requireUser(principal: Principal): asserts principal is Extract<Principal, { kind: 'user' }> {
  if (principal.kind === 'anonymous') throw HarborError.unauthorized();
  if (principal.kind === 'robot')
    throw HarborError.forbidden('robot accounts cannot create or change robot accounts');
}

function notFoundFor(principal: Principal, message: string): HarborError {
  return principal.kind === 'anonymous' ? HarborError.unauthorized() : HarborError.notFound(message);
}

function requireStrongSecret(secret: string): void {
  if (
    secret.length < 8 ||
    secret.length > 128 ||
    !/[a-z]/.test(secret) ||
    !/[A-Z]/.test(secret) ||
    !/\d/.test(secret)
  ) {
    throw HarborError.badRequest(SECRET_RULE);
  }
}

/** 32 random characters from upper and lower case letters and digits (about 190 bits). */
function generateSecret(): string {
  for (;;) {
    const bytes = randomBytes(48);
    let secret = '';
    for (const byte of bytes) {
      // 248 = 4 × 62: bytes above it are skipped so every character is equally likely.
      if (byte < 248) secret += SECRET_ALPHABET[byte % SECRET_ALPHABET.length];
      if (secret.length === 32) break;
    }
    if (secret.length === 32 && /[a-z]/.test(secret) && /[A-Z]/.test(secret) && /\d/.test(secret))
      return secret;
  }
}

function expiry(from: Date, duration: number): Date | null {
  return duration === -1 ? null : new Date(from.getTime() + duration * DAY_MS);
}

export function fullNameOf(prefix: string, name: string, projectName: string | null): string {
  return projectName === null ? `${prefix}${name}` : `${prefix}${projectName}+${name}`;
}

const SORT_FIELDS: Record<RobotSortKey, RobotSortField> = {
  id: 'id',
  name: 'name',
  creationTime: 'createdAt',
  updateTime: 'updatedAt',
  expiresAt: 'expiresAt',
};

function robotProjectRef(robot: Robot): ProjectRef | null {
  return robot.project ? projectRefOf(robot.project) : null;
}

function toDto(robot: Robot, prefix: string): RobotDto {
  return {
    id: Number(robot.id),
    name: fullNameOf(prefix, robot.name, robot.project?.name ?? null),
    description: robot.description,
    level: robot.level,
    duration: robot.duration,
    editable: true,
    disable: robot.disabled,
    expires_at: robot.expiresAt ? Math.floor(robot.expiresAt.getTime() / 1000) : -1,
    permissions: robot.permissions as TRobotPermission[],
    creator_type: 'local',
    creator_ref: robot.creatorRef === null ? 0 : Number(robot.creatorRef),
    creation_time: robot.createdAt.toISOString(),
    update_time: robot.updatedAt.toISOString(),
  };
}
