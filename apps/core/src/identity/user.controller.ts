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
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { Action, SystemResource } from '../rbac/rbac-policy.js';
import { PageHeadersInterceptor as HarborPageInterceptor } from '../common/paging.js';
import type { Page } from '../system/harbor-listing.js';
import { ZodValidationPipe } from '../system/zod-validation.pipe.js';
import { PermissionService } from './permission.service.js';
import { SessionToken } from './session-token.decorator.js';
import {
  ZCliSecretRequest,
  ZCreateUserRequest,
  ZListUsersQuery,
  ZPasswordRequest,
  ZPermissionsQuery,
  ZSearchUsersQuery,
  ZSysAdminFlagRequest,
  ZUserId,
  ZUserProfileRequest,
  type PermissionDto,
  type TCliSecretRequest,
  type TCreateUserRequest,
  type TListUsersQuery,
  type TPasswordRequest,
  type TPermissionsQuery,
  type TSearchUsersQuery,
  type TSysAdminFlagRequest,
  type TUserProfileRequest,
  type UserResponseDto,
  type UserSearchItemDto,
} from './user.dto.js';
import { UserService } from './user.service.js';

const userId = new ZodValidationPipe(ZUserId, 'user_id');

@Controller('api/v2.0/users')
@UseInterceptors(HarborPageInterceptor)
export class UserController {
  constructor(
    @Inject(UserService) private readonly users: UserService,
    @Inject(PermissionService) private readonly permissions: PermissionService,
  ) {}

  /** Harbor's `listUsers`. */
  @Get()
  @Access({ scope: 'system', resource: SystemResource.User, action: Action.List })
  listUsers(
    @Query(new ZodValidationPipe(ZListUsersQuery, 'query')) query: TListUsersQuery,
  ): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  /** Harbor's `createUser`: 201 with `Location`, no body. */
  @Post()
  @Access({ scope: 'system', resource: SystemResource.User, action: Action.Create })
  async createUser(
    @Body(new ZodValidationPipe(ZCreateUserRequest, 'user body')) body: TCreateUserRequest,
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
  getCurrentUserInfo(@CurrentPrincipal() principal: Principal): Promise<UserResponseDto> {
    return this.users.current(principal);
  }

  /** Harbor's `getCurrentUserPermissions`. */
  @Get('current/permissions')
  @Access({ scope: 'authenticated' })
  getCurrentUserPermissions(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(ZPermissionsQuery, 'query')) query: TPermissionsQuery,
  ): Promise<PermissionDto[]> {
    return this.permissions.current(principal, query.scope, query.relative === 'true');
  }

  /** Harbor's `searchUsers`: open to every signed-in caller, so members can be added by name. */
  @Get('search')
  @Access({ scope: 'authenticated' })
  searchUsers(
    @Query(new ZodValidationPipe(ZSearchUsersQuery, 'query')) query: TSearchUsersQuery,
  ): Promise<Page<UserSearchItemDto>> {
    return this.users.search(query);
  }

  /** Harbor's `getUser`: yourself, or anyone for system administrators. */
  @Get(':user_id')
  @Access({ scope: 'self-or-system', param: 'user_id', resource: SystemResource.User, action: Action.Read })
  getUser(
    @Param('user_id', userId) id: bigint,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserResponseDto> {
    return this.users.get(id, principal);
  }

  /** Harbor's `updateUserProfile`. */
  @Put(':user_id')
  @HttpCode(200)
  @Access({ scope: 'self-or-system', param: 'user_id', resource: SystemResource.User, action: Action.Update })
  updateUserProfile(
    @Param('user_id', userId) id: bigint,
    @Body(new ZodValidationPipe(ZUserProfileRequest, 'profile body')) body: TUserProfileRequest,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.users.updateProfile(id, body, { principal, clientIp });
  }

  /** Harbor's `deleteUser`. */
  @Delete(':user_id')
  @HttpCode(200)
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
  @Access({ scope: 'self-or-system', param: 'user_id', resource: SystemResource.User, action: Action.Update })
  updateUserPassword(
    @Param('user_id', userId) id: bigint,
    @Body(new ZodValidationPipe(ZPasswordRequest, 'password body')) body: TPasswordRequest,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
    @SessionToken() sessionToken: string | null,
  ): Promise<void> {
    return this.users.changePassword(id, body, { principal, clientIp }, sessionToken);
  }

  /** Harbor's `setUserSysAdmin`. */
  @Put(':user_id/sysadmin')
  @HttpCode(200)
  @Access({ scope: 'system', resource: SystemResource.User, action: Action.Update })
  setUserSysAdmin(
    @Param('user_id', userId) id: bigint,
    @Body(new ZodValidationPipe(ZSysAdminFlagRequest, 'sysadmin body')) body: TSysAdminFlagRequest,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.users.setSysadmin(id, body.sysadmin_flag, { principal, clientIp });
  }

  /** Harbor's `setCliSecret`. */
  @Put(':user_id/cli_secret')
  @HttpCode(200)
  @Access({ scope: 'self-or-system', param: 'user_id', resource: SystemResource.User, action: Action.Update })
  setCliSecret(
    @Param('user_id', userId) id: bigint,
    @Body(new ZodValidationPipe(ZCliSecretRequest, 'secret body')) body: TCliSecretRequest,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.users.setCliSecret(id, body.secret, { principal, clientIp });
  }
}
