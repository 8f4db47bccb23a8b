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
import {
  ZAddGroupMemberRequest,
  ZCreateUserGroupRequest,
  ZGroupId,
  ZGroupMemberUserId,
  ZListGroupMembersQuery,
  ZListUserGroupsQuery,
  ZSearchUserGroupsQuery,
  ZUpdateUserGroupRequest,
  type GroupMemberDto,
  type TAddGroupMemberRequest,
  type TCreateUserGroupRequest,
  type TListGroupMembersQuery,
  type TListUserGroupsQuery,
  type TSearchUserGroupsQuery,
  type TUpdateUserGroupRequest,
  type UserGroupDto,
  type UserGroupSearchItemDto,
} from './user-group.dto.js';
import { UserGroupService } from './user-group.service.js';

const groupId = new ZodValidationPipe(ZGroupId, 'group_id');

/** Harbor's `/usergroups`, and Berth's `/usergroups/{id}/members` for local groups. */
@Controller('api/v2.0/usergroups')
@UseInterceptors(HarborPageInterceptor)
export class UserGroupController {
  constructor(@Inject(UserGroupService) private readonly groups: UserGroupService) {}

  /** Harbor's `listUserGroups`. */
  @Get()
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.List })
  listUserGroups(
    @Query(new ZodValidationPipe(ZListUserGroupsQuery, 'query')) query: TListUserGroupsQuery,
  ): Promise<Page<UserGroupDto>> {
    return this.groups.list(query);
  }

  /** Harbor's `createUserGroup`: 201 with `Location`, no body. */
  @Post()
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Create })
  async createUserGroup(
    @Body(new ZodValidationPipe(ZCreateUserGroupRequest, 'usergroup')) body: TCreateUserGroupRequest,
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
  searchUserGroups(
    @Query(new ZodValidationPipe(ZSearchUserGroupsQuery, 'query')) query: TSearchUserGroupsQuery,
  ): Promise<Page<UserGroupSearchItemDto>> {
    return this.groups.search(query);
  }

  /** Harbor's `getUserGroup`. */
  @Get(':group_id')
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Read })
  getUserGroup(@Param('group_id', groupId) id: bigint): Promise<UserGroupDto> {
    return this.groups.get(id);
  }

  /** Harbor's `updateUserGroup`: renames the group. */
  @Put(':group_id')
  @HttpCode(200)
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Update })
  updateUserGroup(
    @Param('group_id', groupId) id: bigint,
    @Body(new ZodValidationPipe(ZUpdateUserGroupRequest, 'usergroup')) body: TUpdateUserGroupRequest,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.groups.update(id, body, { principal, clientIp });
  }

  /** Harbor's `deleteUserGroup`. */
  @Delete(':group_id')
  @HttpCode(200)
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
  listUserGroupMembers(
    @Param('group_id', groupId) id: bigint,
    @Query(new ZodValidationPipe(ZListGroupMembersQuery, 'query')) query: TListGroupMembersQuery,
  ): Promise<Page<GroupMemberDto>> {
    return this.groups.listMembers(id, query);
  }

  /** Beyond Harbor: puts a local user in a group; 201 with `Location`. */
  @Post(':group_id/members')
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Update })
  async addUserGroupMember(
    @Param('group_id', groupId) id: bigint,
    @Body(new ZodValidationPipe(ZAddGroupMemberRequest, 'group member')) body: TAddGroupMemberRequest,
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
  @Access({ scope: 'system', resource: SystemResource.UserGroup, action: Action.Update })
  removeUserGroupMember(
    @Param('group_id', groupId) id: bigint,
    @Param('user_id', new ZodValidationPipe(ZGroupMemberUserId, 'user_id')) userId: bigint,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.groups.removeMember(id, userId, { principal, clientIp });
  }
}
