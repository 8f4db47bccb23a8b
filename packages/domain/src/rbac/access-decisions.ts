import type { Membership, RobotPermissionEntry } from '@berth/db';
import picomatch from 'picomatch';
import {
  ALL_PROJECT_PERMISSIONS,
  PROJECT_ROLE_PERMISSIONS,
  ProjectRole,
  PUBLIC_PROJECT_PERMISSIONS,
  SYSTEM_PERMISSIONS,
  type Action,
  type Permission,
} from './rbac-policy.js';

/**
 * Who asks, as access decisions need to know them: anonymous, a user (by id, and whether a system
 * administrator), or a robot (by its permission list). The apps' richer principals fit this shape.
 */
export type AccessPrincipal =
  | { kind: 'anonymous' }
  | { kind: 'user'; id: bigint; sysadmin: boolean }
  | { kind: 'robot'; permissions: readonly RobotPermissionEntry[] };

/** A project as access decisions see it. */
export interface ProjectRef {
  id: bigint;
  name: string;
  public: boolean;
}

/** Resources that live inside repositories: a member scoped by globs holds them only there. */
export const REPOSITORY_SCOPED_RESOURCES: ReadonlySet<string> = new Set([
  'repository',
  'artifact',
  'tag',
  'accessory',
  'artifact-label',
  'artifact-addition',
  'scan',
  'sbom',
]);

/** Harbor's order of project roles, most powerful first (not the order of their ids). */
const ROLE_RANK: readonly ProjectRole[] = [
  ProjectRole.ProjectAdmin,
  ProjectRole.Maintainer,
  ProjectRole.Developer,
  ProjectRole.Guest,
  ProjectRole.LimitedGuest,
];

/** The most powerful of `roles`; null for none. */
export function highestRole(roles: readonly number[]): ProjectRole | null {
  return ROLE_RANK.find((role) => roles.includes(role)) ?? null;
}

/** Whether a project's metadata makes it public (Harbor's `public: "true"`). */
export function isPublicProject(metadata: unknown): boolean {
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    (metadata as Record<string, unknown>).public === 'true'
  );
}

const matchers = new Map<string, (path: string) => boolean>();

/** Whether a repository path (inside its project) matches any of a member's globs. */
export function matchesAny(globs: readonly string[], path: string): boolean {
  return globs.some((glob) => {
    let matcher = matchers.get(glob);
    if (!matcher) {
      matcher = picomatch(glob, { dot: true });
      matchers.set(glob, matcher);
    }
    return matcher(path);
  });
}

/**
 * What a robot's permission list grants in one namespace (a project's name, or `/` for the system):
 * entries for that namespace or for every project (`*`), less whatever any of them denies.
 */
export function robotGrants(
  permissions: readonly RobotPermissionEntry[],
  kind: 'project' | 'system',
  namespace: string,
): Permission[] {
  const allowed: Permission[] = [];
  const denied = new Set<string>();
  for (const entry of permissions) {
    if (entry.kind !== kind) continue;
    if (entry.namespace !== namespace && entry.namespace !== '*') continue;
    for (const access of entry.access) {
      if (access.effect === 'deny') denied.add(`${access.resource}:${access.action}`);
      else allowed.push({ resource: access.resource, action: access.action as Action });
    }
  }
  return allowed.filter((p) => !denied.has(`${p.resource}:${p.action}`));
}

/** System permissions: all of them for system administrators, a system robot's grants, else none. */
export function systemPermissionsOf(principal: AccessPrincipal): Permission[] {
  if (principal.kind === 'user' && principal.sysadmin) return [...SYSTEM_PERMISSIONS];
  if (principal.kind === 'robot') return robotGrants(principal.permissions, 'system', '/');
  return [];
}

/**
 * What a user's memberships in one project grant. A user may hold several roles at once (directly
 * and through groups): each grants its permissions within its own repository globs, so the highest
 * role wins where they overlap. With `repository` (the path inside the project, e.g. `team-a/app`)
 * repository-level resources are checked against the globs; without it only listings pass, since
 * their services filter rows by the same globs.
 */
export function membershipPermissions(memberships: readonly Membership[], repository?: string): Permission[] {
  const granted: Permission[] = [];
  for (const membership of memberships) {
    const scopes = membership.repositoryScopes;
    const inScope = (permission: Permission) =>
      scopes.length === 0 ||
      !REPOSITORY_SCOPED_RESOURCES.has(permission.resource) ||
      (repository === undefined ? permission.action === 'list' : matchesAny(scopes, repository));
    for (const permission of PROJECT_ROLE_PERMISSIONS[membership.role as ProjectRole] ?? []) {
      if (inScope(permission)) granted.push(permission);
    }
  }
  return dedupePermissions(granted);
}

/** Adds what a public project grants every visitor to what the principal holds there. */
export function withPublicVisitor(project: ProjectRef, own: readonly Permission[]): Permission[] {
  return project.public ? dedupePermissions([...PUBLIC_PROJECT_PERMISSIONS, ...own]) : [...own];
}

/** Whether a role grants `resource` `action` (by the permission table). */
export function roleHolds(role: number, resource: string, action: Action): boolean {
  return (PROJECT_ROLE_PERMISSIONS[role as ProjectRole] ?? []).some(
    (p) => p.resource === resource && p.action === action,
  );
}

/** Every project-level permission, as system administrators hold it in every project. */
export function allProjectPermissions(): Permission[] {
  return [...ALL_PROJECT_PERMISSIONS];
}

export function dedupePermissions(permissions: readonly Permission[]): Permission[] {
  const seen = new Set<string>();
  return permissions.filter((p) => {
    const key = `${p.resource}:${p.action}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
