import { Inject, Injectable } from '@nestjs/common';
import { ProjectMemberRepository } from '@berth/db';
import type { Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { ALL_PROJECT_PERMISSIONS, ProjectRole, SYSTEM_PERMISSIONS } from '../rbac/rbac-policy.js';

export interface PermissionsDto {
  system?: { resource: string; action: string }[];
  project?: { resource: string; action: string }[];
}

/**
 * Harbor's `GET /permissions`: the permissions a robot account may be given, for the dialogs that
 * create robots. Like Harbor, only administrators see it: project administrators get the project
 * list, system administrators the system list too.
 */
@Injectable()
export class PermissionsService {
  constructor(@Inject(ProjectMemberRepository) private readonly members: ProjectMemberRepository) {}

  async grantable(principal: Principal): Promise<PermissionsDto> {
    const project = ALL_PROJECT_PERMISSIONS.map(({ resource, action }) => ({ resource, action }));
    if (principal.kind === 'user' && principal.sysadmin) {
      return { system: SYSTEM_PERMISSIONS.map(({ resource, action }) => ({ resource, action })), project };
    }
    if (
      principal.kind === 'user' &&
      (await this.members.holdsRoleAnywhere(principal.id, ProjectRole.ProjectAdmin))
    )
      return { project };
    throw HarborError.forbidden('only system and project administrators may list the permissions');
  }
}
