import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Ip,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { Action, SystemResource } from '../rbac/rbac-policy.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { Page } from '../system/harbor-listing.js';
import { PermissionService } from './permission.service.js';
import { SessionToken } from './session-token.decorator.js';
import {
  ListUsersQuery,
  OIDCCliSecretReq,
  PasswordReq,
  PermissionsQuery,
  SearchUsersQuery,
  UserCreationReq,
  UserProfile,
  UserSysAdminFlag,
  ZPermission,
  ZUserId,
  ZUserResp,
  ZUserSearchRespItem,
  type PermissionDto,
  type UserResponseDto,
  type UserSearchItemDto,
} from './user.dto.js';
import { UserService } from './user.service.js';

const userId = new ZodValidationPipe(ZUserId);

@Controller('api/v2.0/users')
export class UserController {
  constructor(
    @Inject(UserService) private readonly users: UserService,
    @Inject(PermissionService) private readonly permissions: PermissionService,
  ) {}

  /** Harbor's `listUsers`. */
  @Get()
  @Access({ scope: 'system', resource: SystemResource.User, action: Action.List })
  @PagedResponse(ZUserResp)
  listUsers(@Query() query: ListUsersQuery): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  /** Harbor's `createUser`: 201 with `Location`, no body. */
  @Post()
  @Access({ scope: 'system', resource: SystemResource.User, action: Action.Create })
  @ApiResult(null, { status: 201 })
  async createUser(
    @Body() body: UserCreationReq,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const id = await this.users.create(body, { principal, clientIp });
    void reply.status(201).header('Location', `/api/v2.0/users/${id}`);
  }

  /** Harbor's `getCurrentUserInfo`. */
  @Get('current')
  @Access({ scope: 'authenticated' })
  @ApiResult(ZUserResp)
  getCurrentUserInfo(@CurrentPrincipal() principal: Principal): Promise<UserResponseDto> {
    return this.users.current(principal);
  }

  /** Harbor's `getCurrentUserPermissions`. */
  @Get('current/permissions')
  @Access({ scope: 'authenticated' })
  @ApiResult([ZPermission])
  getCurrentUserPermissions(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PermissionsQuery,
  ): Promise<PermissionDto[]> {
    return this.permissions.current(principal, query.scope, query.relative === true);
  }

  /** Harbor's `searchUsers`: open to every signed-in caller, so members can be added by name. */
  @Get('search')
  @Access({ scope: 'authenticated' })
  @PagedResponse(ZUserSearchRespItem)
  searchUsers(@Query() query: SearchUsersQuery): Promise<Page<UserSearchItemDto>> {
    return this.users.search(query);
  }

  /** Harbor's `getUser`: yourself, or anyone for system administrators. */
  @Get(':user_id')
  @Access({ scope: 'self-or-system', param: 'user_id', resource: SystemResource.User, action: Action.Read })
  @ApiResult(ZUserResp)
  getUser(
    @Param('user_id', userId) id: bigint,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserResponseDto> {
    return this.users.get(id, principal);
  }

  /** Harbor's `updateUserProfile`. */
  @Put(':user_id')
  @HttpCode(200)
  @ApiResult(null)
  @Access({ scope: 'self-or-system', param: 'user_id', resource: SystemResource.User, action: Action.Update })
  updateUserProfile(
    @Param('user_id', userId) id: bigint,
    @Body() body: UserProfile,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.users.updateProfile(id, body, { principal, clientIp });
  }

  /** Harbor's `deleteUser`. */
  @Delete(':user_id')
  @HttpCode(200)
  @ApiResult(null)
  @Access({ scope: 'system', resource: SystemResource.User, action: Action.Delete })
  deleteUser(
    @Param('user_id', userId) id: bigint,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.users.delete(id, { principal, clientIp });
  }

  /** Harbor's `updateUserPassword`. */
  @Put(':user_id/password')
  @HttpCode(200)
  @ApiResult(null)
  @Access({ scope: 'self-or-system', param: 'user_id', resource: SystemResource.User, action: Action.Update })
  updateUserPassword(
    @Param('user_id', userId) id: bigint,
    @Body() body: PasswordReq,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
    @SessionToken() sessionToken: string | null,
  ): Promise<void> {
    return this.users.changePassword(id, body, { principal, clientIp }, sessionToken);
  }

  /** Harbor's `setUserSysAdmin`. */
  @Put(':user_id/sysadmin')
  @HttpCode(200)
  @ApiResult(null)
  @Access({ scope: 'system', resource: SystemResource.User, action: Action.Update })
  setUserSysAdmin(
    @Param('user_id', userId) id: bigint,
    @Body() body: UserSysAdminFlag,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.users.setSysadmin(id, body.sysadmin_flag, { principal, clientIp });
  }

  /** Harbor's `setCliSecret`. */
  @Put(':user_id/cli_secret')
  @HttpCode(200)
  @ApiResult(null)
  @Access({ scope: 'self-or-system', param: 'user_id', resource: SystemResource.User, action: Action.Update })
  setCliSecret(
    @Param('user_id', userId) id: bigint,
    @Body() body: OIDCCliSecretReq,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.users.setCliSecret(id, body.secret, { principal, clientIp });
  }
}
