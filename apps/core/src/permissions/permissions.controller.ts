import { Controller, Get, Inject } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { ZPermissions, type PermissionsDto } from './permissions.dto.js';
import { PermissionsService } from './permissions.service.js';

/** Harbor's `GET /permissions`: what robot accounts may be granted (administrators only). */
@Controller('api/v2.0/permissions')
export class PermissionsController {
  constructor(@Inject(PermissionsService) private readonly permissions: PermissionsService) {}

  @Get()
  @Access({ scope: 'authenticated' })
  @ApiResult(ZPermissions)
  getPermissions(@CurrentPrincipal() principal: Principal): Promise<PermissionsDto> {
    return this.permissions.grantable(principal);
  }
}
