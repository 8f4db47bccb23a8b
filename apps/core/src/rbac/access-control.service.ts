import { Inject, Injectable } from '@nestjs/common';
import picomatch from 'picomatch';
import type { Principal, RobotPrincipal } from '../auth/principal.js';
import { DatabaseService } from '../database/database.service.js';
import {
  ALL_PROJECT_PERMISSIONS,
  PROJECT_ROLE_PERMISSIONS,
  PUBLIC_PROJECT_PERMISSIONS,
  SYSTEM_PERMISSIONS,
  type Action,
  type Permission,
  type ProjectRole,
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
    const granted: Permission[] = project.public ? [...PUBLIC_PROJECT_PERMISSIONS] : [];
    if (principal.kind === 'user') {
      if (principal.sysadmin) return [...ALL_PROJECT_PERMISSIONS];
      const member = await this.database.prisma.projectMember.findUnique({
        where: { projectId_userId: { projectId: project.id, userId: principal.id } },
      });
      if (member) {
        const scopes = (member.repositoryScopes as string[] | null) ?? [];
        // Without a repository only listings pass: their services filter rows by the same globs.
        const inScope = (permission: Permission) =>
          scopes.length === 0 ||
          !REPOSITORY_SCOPED.has(permission.resource) ||
          (repository === undefined ? permission.action === 'list' : matchesAny(scopes, repository));
        for (const permission of PROJECT_ROLE_PERMISSIONS[member.role as ProjectRole] ?? []) {
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

  /** The role a user holds in a project, or null. */
  async memberRole(userId: bigint, projectId: bigint): Promise<ProjectRole | null> {
    const member = await this.database.prisma.projectMember.findUnique({
      where: { projectId_userId: { projectId, userId } },
    });
    return (member?.role as ProjectRole | undefined) ?? null;
  }
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
