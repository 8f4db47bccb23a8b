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
import {
  ListUserGroupMembersQuery,
  ListUserGroupsQuery,
  SearchUserGroupsQuery,
  UserGroupCreate,
  UserGroupMemberReq,
  UserGroupUpdate,
  ZGroupId,
  ZGroupMemberUserId,
  ZUserGroup,
  ZUserGroupMember,
  ZUserGroupSearchItem,
  type GroupMemberDto,
  type UserGroupDto,
  type UserGroupSearchItemDto,
} from './user-group.dto.js';
import { UserGroupService } from './user-group.service.js';

const groupId = new ZodValidationPipe(ZGroupId);

/** Harbor's `/usergroups`, and Berth's `/usergroups/{id}/members` for local groups. */
@Controller('api/v2.0/usergroups')
export class UserGroupController {
  constructor(@Inject(UserGroupService) private readonly groups: UserGroupService) {}

  /** Harbor's `listUserGroups`. */
  @Get()
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.List })
  @PagedResponse(ZUserGroup)
  listUserGroups(@Query() query: ListUserGroupsQuery): Promise<Page<UserGroupDto>> {
    return this.groups.list(query);
  }

  /** Harbor's `createUserGroup`: 201 with `Location`, no body. */
  @Post()
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Create })
  @ApiResult(null, { status: 201 })
  async createUserGroup(
    @Body() body: UserGroupCreate,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const id = await this.groups.create(body, { principal, clientIp });
    void reply.status(201).header('Location', `/api/v2.0/usergroups/${id}`);
  }

  /** Harbor's `searchUserGroups`: any signed-in user. */
  @Get('search')
  @Access({ scope: 'authenticated' })
  @PagedResponse(ZUserGroupSearchItem)
  searchUserGroups(@Query() query: SearchUserGroupsQuery): Promise<Page<UserGroupSearchItemDto>> {
    return this.groups.search(query);
  }

  /** Harbor's `getUserGroup`. */
  @Get(':group_id')
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Read })
  @ApiResult(ZUserGroup)
  getUserGroup(@Param('group_id', groupId) id: bigint): Promise<UserGroupDto> {
    return this.groups.get(id);
  }

  /** Harbor's `updateUserGroup`: renames the group. */
  @Put(':group_id')
  @HttpCode(200)
  @ApiResult(null)
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Update })
  updateUserGroup(
    @Param('group_id', groupId) id: bigint,
    @Body() body: UserGroupUpdate,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.groups.update(id, body, { principal, clientIp });
  }

  /** Harbor's `deleteUserGroup`. */
  @Delete(':group_id')
  @HttpCode(200)
  @ApiResult(null)
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Delete })
  deleteUserGroup(
    @Param('group_id', groupId) id: bigint,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.groups.delete(id, { principal, clientIp });
  }

  /** Beyond Harbor: the local users in a group. */
  @Get(':group_id/members')
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Read })
  @PagedResponse(ZUserGroupMember)
  listUserGroupMembers(
    @Param('group_id', groupId) id: bigint,
    @Query() query: ListUserGroupMembersQuery,
  ): Promise<Page<GroupMemberDto>> {
    return this.groups.listMembers(id, query);
  }

  /** Beyond Harbor: puts a local user in a group; 201 with `Location`. */
  @Post(':group_id/members')
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Update })
  @ApiResult(null, { status: 201 })
  async addUserGroupMember(
    @Param('group_id', groupId) id: bigint,
    @Body() body: UserGroupMemberReq,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const userId = await this.groups.addMember(id, body, { principal, clientIp });
    void reply.status(201).header('Location', `/api/v2.0/usergroups/${id}/members/${userId}`);
  }

  /** Beyond Harbor: takes a user out of a group. */
  @Delete(':group_id/members/:user_id')
  @HttpCode(200)
  @ApiResult(null)
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Update })
  removeUserGroupMember(
    @Param('group_id', groupId) id: bigint,
    @Param('user_id', new ZodValidationPipe(ZGroupMemberUserId)) userId: bigint,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.groups.removeMember(id, userId, { principal, clientIp });
  }
}
