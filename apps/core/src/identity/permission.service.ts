import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { AccessControlService } from '../rbac/access-control.service.js';
import { ProjectLookupService } from '../rbac/project-lookup.service.js';
import type { Permission } from '../rbac/rbac-policy.js';
import type { PermissionDto } from './user.dto.js';

/**
 * `GET /users/current/permissions`: what the caller holds in a scope, straight from the permission
 * table (the same evaluation the API guard and the registry authorizer use).
 */
@Injectable()
export class PermissionService {
  constructor(
    @Inject(AccessControlService) private readonly access: AccessControlService,
    @Inject(ProjectLookupService) private readonly projects: ProjectLookupService,
  ) {}

  /**
   * `scope` is `/system` or `/project/{id}` (a project name works too); anything else holds no
   * permissions, as in Harbor. Resources are `{scope}/{resource}`, or bare with `relative`.
   */
  async current(
    principal: Principal,
    scope: string | undefined,
    relative: boolean,
  ): Promise<PermissionDto[]> {
    const normalized = scope?.replace(/\/+$/, '') ?? '';
    let permissions: Permission[] = [];
    if (normalized === '/system') {
      permissions = this.access.systemPermissions(principal);
    } else {
      const match = /^\/project\/([^/]+)$/.exec(normalized);
      if (match) {
        const key = match[1]!;
        const project = await this.projects.find(key, !/^\d+$/.test(key));
        if (project) permissions = await this.access.projectPermissions(principal, project);
      }
    }
    return permissions.map((permission) => ({
      resource: relative ? permission.resource : `${normalized}/${permission.resource}`,
      action: permission.action,
    }));
  }
}
