import type { ProjectMemberRepository, ProjectRepository } from '@berth/db';
import {
  allProjectPermissions,
  dedupePermissions,
  highestRole,
  membershipPermissions,
  robotGrants,
  roleHolds,
  systemPermissionsOf,
  withPublicVisitor,
  type AccessPrincipal,
  type ProjectRef,
} from './access-decisions.js';
import { hasPermission, type Action, type Permission, type ProjectRole } from './rbac-policy.js';

/** The membership reads access decisions make. */
export type MembershipSource = Pick<ProjectMemberRepository, 'memberships' | 'projectRoles'>;
/** The project reads access decisions make. */
export type ProjectIdSource = Pick<ProjectRepository, 'idsByName'>;

/**
 * Answers what a principal may do, from the one permission table (rbac-policy.ts). System
 * administrators hold everything; members hold their role's permissions (within their repository
 * globs, if any); robots hold what their permission list grants; everyone holds the public-project
 * visitor permissions in public projects. The API guard, the token service and listings that span
 * projects all ask it; it is framework-free so that a worker can ask it too.
 */
export class AccessControl {
  constructor(
    private readonly members: MembershipSource,
    private readonly projects: ProjectIdSource,
  ) {}

  systemPermissions(principal: AccessPrincipal): Permission[] {
    return systemPermissionsOf(principal);
  }

  canSystem(principal: AccessPrincipal, resource: string, action: Action): boolean {
    return hasPermission(systemPermissionsOf(principal), resource, action);
  }

  /**
   * Permissions in `project`; with `repository` (the path inside the project, e.g. `team-a/app`)
   * repository-level resources are checked against a member's repository globs.
   */
  async projectPermissions(
    principal: AccessPrincipal,
    project: ProjectRef,
    repository?: string,
  ): Promise<Permission[]> {
    return withPublicVisitor(project, await this.ownProjectPermissions(principal, project, repository));
  }

  /**
   * What the principal holds in `project` by its own right (system administration, roles, robot
   * permissions), leaving out what a public project grants everyone.
   */
  async ownProjectPermissions(
    principal: AccessPrincipal,
    project: ProjectRef,
    repository?: string,
  ): Promise<Permission[]> {
    if (principal.kind === 'user') {
      if (principal.sysadmin) return allProjectPermissions();
      return membershipPermissions(await this.members.memberships(principal.id, project.id), repository);
    }
    if (principal.kind === 'robot') {
      return dedupePermissions(robotGrants(principal.permissions, 'project', project.name));
    }
    return [];
  }

  async can(
    principal: AccessPrincipal,
    project: ProjectRef,
    resource: string,
    action: Action,
    repository?: string,
  ): Promise<boolean> {
    return hasPermission(await this.projectPermissions(principal, project, repository), resource, action);
  }

  /**
   * The projects where the principal holds `resource` `action` through a role or a robot
   * permission, for listings that span projects; null means every project (system administrators).
   * Public projects' visitor permissions are not counted: callers add those themselves.
   */
  async projectsWhere(
    principal: AccessPrincipal,
    resource: string,
    action: Action,
  ): Promise<bigint[] | null> {
    if (principal.kind === 'anonymous') return [];
    if (principal.kind === 'user') {
      if (principal.sysadmin) return null;
      const roles = await this.members.projectRoles(principal.id);
      return [
        ...new Set(roles.filter((row) => roleHolds(row.role, resource, action)).map((row) => row.projectId)),
      ];
    }
    const namespaces = new Set<string>();
    for (const entry of principal.permissions) {
      if (entry.kind !== 'project') continue;
      if (hasPermission(robotGrants(principal.permissions, 'project', entry.namespace), resource, action))
        namespaces.add(entry.namespace);
    }
    if (namespaces.size === 0) return [];
    return this.projects.idsByName(namespaces.has('*') ? null : [...namespaces]);
  }

  /** The highest role a user holds in a project, directly or through a group; null for none. */
  async memberRole(userId: bigint, projectId: bigint): Promise<ProjectRole | null> {
    const memberships = await this.members.memberships(userId, projectId);
    return highestRole(memberships.map((membership) => membership.role));
  }
}
