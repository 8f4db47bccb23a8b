import { Controller, Get, Inject } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { HarborError } from '../common/harbor-error.js';
import { DatabaseService } from '../database/database.service.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { ZPermissions, type PermissionsDto } from './permissions.dto.js';
import { ALL_PROJECT_PERMISSIONS, ProjectRole, SYSTEM_PERMISSIONS } from '../rbac/rbac-policy.js';

/**
 * Harbor's `GET /permissions`: the permissions a robot account may be given, for the dialogs that
 * create robots. Like Harbor, only administrators see it: project administrators get the project
 * list, system administrators the system list too.
 */
@Controller('api/v2.0/permissions')
export class PermissionsController {
  constructor(@Inject(DatabaseService) private readonly database: DatabaseService) {}

  @Get()
  @Access({ scope: 'authenticated' })
  @ApiResult(ZPermissions)
  async getPermissions(@CurrentPrincipal() principal: Principal): Promise<PermissionsDto> {
    const project = ALL_PROJECT_PERMISSIONS.map(({ resource, action }) => ({ resource, action }));
    if (principal.kind === 'user' && principal.sysadmin) {
      return { system: SYSTEM_PERMISSIONS.map(({ resource, action }) => ({ resource, action })), project };
    }
    if (principal.kind === 'user' && (await this.isProjectAdminAnywhere(principal.id))) return { project };
    throw HarborError.forbidden('only system and project administrators may list the permissions');
  }

  private async isProjectAdminAnywhere(userId: bigint): Promise<boolean> {
    const { rowCount } = await this.database.pool.query(
      `SELECT 1 FROM project_member
       WHERE role = $2
         AND (user_id = $1 OR group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $1))
       LIMIT 1`,
      [userId, ProjectRole.ProjectAdmin],
    );
    return (rowCount ?? 0) > 0;
  }
}
