import { Inject, Injectable } from '@nestjs/common';
import { ProjectMemberRepository, ProjectRepository, type Membership } from '@berth/db';
import { AccessControl, type ProjectRef } from '@berth/domain';
import type { Principal } from '../auth/principal.js';
import type { Action, Permission, ProjectRole } from './rbac-policy.js';

export { highestRole, matchesAny, type ProjectRef } from '@berth/domain';
export type { Membership } from '@berth/db';

/**
 * The core's handle on `AccessControl` (@berth/domain), which decides what a principal may do from
 * the one permission table; see there for the rules.
 */
@Injectable()
export class AccessControlService {
  private readonly decisions: AccessControl;

  constructor(
    @Inject(ProjectMemberRepository) private readonly members: ProjectMemberRepository,
    @Inject(ProjectRepository) projects: ProjectRepository,
  ) {
    this.decisions = new AccessControl(members, projects);
  }

  systemPermissions(principal: Principal): Permission[] {
    return this.decisions.systemPermissions(principal);
  }

  async canSystem(principal: Principal, resource: string, action: Action): Promise<boolean> {
    return this.decisions.canSystem(principal, resource, action);
  }

  /** Permissions in `project`, the public visitor's included; see `AccessControl.projectPermissions`. */
  projectPermissions(principal: Principal, project: ProjectRef, repository?: string): Promise<Permission[]> {
    return this.decisions.projectPermissions(principal, project, repository);
  }

  /** What the principal holds in `project` by its own right, without the public visitor's. */
  ownProjectPermissions(
    principal: Principal,
    project: ProjectRef,
    repository?: string,
  ): Promise<Permission[]> {
    return this.decisions.ownProjectPermissions(principal, project, repository);
  }

  can(
    principal: Principal,
    project: ProjectRef,
    resource: string,
    action: Action,
    repository?: string,
  ): Promise<boolean> {
    return this.decisions.can(principal, project, resource, action, repository);
  }

  /** Projects where the principal holds `resource` `action`; null for every project. */
  projectsWhere(principal: Principal, resource: string, action: Action): Promise<bigint[] | null> {
    return this.decisions.projectsWhere(principal, resource, action);
  }

  /** The highest role a user holds in a project, directly or through a group; null for none. */
  memberRole(userId: bigint, projectId: bigint): Promise<ProjectRole | null> {
    return this.decisions.memberRole(userId, projectId);
  }

  /** The user's own membership in the project and those of the groups the user is in. */
  memberships(userId: bigint, projectId: bigint): Promise<Membership[]> {
    return this.members.memberships(userId, projectId);
  }
}
