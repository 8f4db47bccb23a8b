import { Inject, Injectable } from '@nestjs/common';
import picomatch from 'picomatch';
import type { Principal, RobotPrincipal } from '../auth/principal.js';
import { DatabaseService } from '../database/database.service.js';
import {
  ALL_PROJECT_PERMISSIONS,
  PROJECT_ROLE_PERMISSIONS,
  ProjectRole,
  PUBLIC_PROJECT_PERMISSIONS,
  SYSTEM_PERMISSIONS,
  type Action,
  type Permission,
} from './rbac-policy.js';

export interface ProjectRef {
  id: bigint;
  name: string;
  public: boolean;
}

/** Resources that live inside repositories: a member scoped by globs holds them only there. */
const REPOSITORY_SCOPED = new Set([
  'repository',
  'artifact',
  'tag',
  'accessory',
  'artifact-label',
  'artifact-addition',
  'scan',
  'sbom',
]);

/**
 * Answers what a principal may do, from the one table in rbac-policy.ts. System administrators
 * hold everything; members hold their role's permissions (within their repository globs, if
 * any); robots hold what their permission list grants; everyone holds the public-project visitor
 * permissions in public projects.
 */
@Injectable()
export class AccessControlService {
  constructor(@Inject(DatabaseService) private readonly database: DatabaseService) {}

  systemPermissions(principal: Principal): Permission[] {
    if (principal.kind === 'user' && principal.sysadmin) return [...SYSTEM_PERMISSIONS];
    if (principal.kind === 'robot') return robotGrants(principal, 'system', '/');
    return [];
  }

  async canSystem(principal: Principal, resource: string, action: Action): Promise<boolean> {
    return this.systemPermissions(principal).some((p) => p.resource === resource && p.action === action);
  }

  /**
   * Permissions in `project`; with `repository` (the path inside the project, e.g. `team-a/app`)
   * repository-level resources are checked against a member's repository globs.
   */
  async projectPermissions(
    principal: Principal,
    project: ProjectRef,
    repository?: string,
  ): Promise<Permission[]> {
    const own = await this.ownProjectPermissions(principal, project, repository);
    return project.public ? dedupe([...PUBLIC_PROJECT_PERMISSIONS, ...own]) : own;
  }

  /**
   * What the principal holds in `project` by its own right (system administration, roles, robot
   * permissions), leaving out what a public project grants everyone.
   */
  async ownProjectPermissions(
    principal: Principal,
    project: ProjectRef,
    repository?: string,
  ): Promise<Permission[]> {
    const granted: Permission[] = [];
    if (principal.kind === 'user') {
      if (principal.sysadmin) return [...ALL_PROJECT_PERMISSIONS];
      // A user may hold several roles at once (directly and through groups): each grants its
      // permissions within its own repository globs, so the highest role wins where they overlap.
      for (const membership of await this.memberships(principal.id, project.id)) {
        const scopes = membership.repositoryScopes;
        // Without a repository only listings pass: their services filter rows by the same globs.
        const inScope = (permission: Permission) =>
          scopes.length === 0 ||
          !REPOSITORY_SCOPED.has(permission.resource) ||
          (repository === undefined ? permission.action === 'list' : matchesAny(scopes, repository));
        for (const permission of PROJECT_ROLE_PERMISSIONS[membership.role] ?? []) {
          if (inScope(permission)) granted.push(permission);
        }
      }
    } else if (principal.kind === 'robot') {
      granted.push(...robotGrants(principal, 'project', project.name));
    }
    return dedupe(granted);
  }

  async can(
    principal: Principal,
    project: ProjectRef,
    resource: string,
    action: Action,
    repository?: string,
  ): Promise<boolean> {
    const permissions = await this.projectPermissions(principal, project, repository);
    return permissions.some((p) => p.resource === resource && p.action === action);
  }

  /**
   * The projects where the principal holds `resource` `action` through a role or a robot
   * permission, for listings that span projects; null means every project (system administrators).
   * Public projects' visitor permissions are not counted: callers add those themselves.
   */
  async projectsWhere(principal: Principal, resource: string, action: Action): Promise<bigint[] | null> {
    if (principal.kind === 'anonymous') return [];
    if (principal.kind === 'user') {
      if (principal.sysadmin) return null;
      const { rows } = await this.database.pool.query<{ project_id: string; role: number }>(
        `SELECT DISTINCT project_id, role FROM project_member
         WHERE user_id = $1 OR group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $1)`,
        [principal.id],
      );
      const holds = (role: number) =>
        (PROJECT_ROLE_PERMISSIONS[role as ProjectRole] ?? []).some(
          (p) => p.resource === resource && p.action === action,
        );
      return [...new Set(rows.filter((row) => holds(row.role)).map((row) => BigInt(row.project_id)))];
    }
    const namespaces = new Set<string>();
    for (const entry of principal.permissions) {
      if (entry.kind !== 'project') continue;
      if (
        robotGrants(principal, 'project', entry.namespace).some(
          (p) => p.resource === resource && p.action === action,
        )
      )
        namespaces.add(entry.namespace);
    }
    if (namespaces.size === 0) return [];
    const projects = await this.database.prisma.project.findMany({
      where: namespaces.has('*') ? {} : { name: { in: [...namespaces] } },
      select: { id: true },
    });
    return projects.map((project) => project.id);
  }

  /** The highest role a user holds in a project, directly or through a group; null for none. */
  async memberRole(userId: bigint, projectId: bigint): Promise<ProjectRole | null> {
    const roles = (await this.memberships(userId, projectId)).map((membership) => membership.role);
    return highestRole(roles);
  }

  /** The user's own membership in the project and those of the groups the user is in. */
  async memberships(userId: bigint, projectId: bigint): Promise<Membership[]> {
    const { rows } = await this.database.pool.query<{ role: number; repository_scopes: unknown }>(
      `SELECT role, repository_scopes FROM project_member
       WHERE project_id = $1
         AND (user_id = $2 OR group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2))`,
      [projectId, userId],
    );
    return rows.map((row) => ({
      role: row.role as ProjectRole,
      repositoryScopes: Array.isArray(row.repository_scopes) ? (row.repository_scopes as string[]) : [],
    }));
  }
}

export interface Membership {
  role: ProjectRole;
  /** Empty: the whole project. */
  repositoryScopes: string[];
}

/** Harbor's order of project roles, most powerful first. */
const ROLE_RANK: readonly ProjectRole[] = [
  ProjectRole.ProjectAdmin,
  ProjectRole.Maintainer,
  ProjectRole.Developer,
  ProjectRole.Guest,
  ProjectRole.LimitedGuest,
];

export function highestRole(roles: readonly ProjectRole[]): ProjectRole | null {
  return ROLE_RANK.find((role) => roles.includes(role)) ?? null;
}

const matchers = new Map<string, (path: string) => boolean>();

export function matchesAny(globs: string[], path: string): boolean {
  return globs.some((glob) => {
    let matcher = matchers.get(glob);
    if (!matcher) {
      matcher = picomatch(glob, { dot: true });
      matchers.set(glob, matcher);
    }
    return matcher(path);
  });
}

function robotGrants(robot: RobotPrincipal, kind: 'project' | 'system', namespace: string): Permission[] {
  const allowed: Permission[] = [];
  const denied = new Set<string>();
  for (const entry of robot.permissions) {
    if (entry.kind !== kind) continue;
    if (entry.namespace !== namespace && entry.namespace !== '*') continue;
    for (const access of entry.access) {
      if (access.effect === 'deny') denied.add(`${access.resource}:${access.action}`);
      else allowed.push({ resource: access.resource, action: access.action as Action });
    }
  }
  return allowed.filter((p) => !denied.has(`${p.resource}:${p.action}`));
}

function dedupe(permissions: Permission[]): Permission[] {
  const seen = new Set<string>();
  return permissions.filter((p) => {
    const key = `${p.resource}:${p.action}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
