import { Inject, Injectable } from '@nestjs/common';
import {
  Database,
  ForeignKeyViolationError,
  UniqueViolationError,
  UserGroupRepository,
  UserRepository,
  type UserGroup,
} from '@berth/db';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { pageRequest, toPage, type Page } from '../system/harbor-listing.js';
import { TokenRevocationService } from '../token/token-revocation.service.js';
import {
  GroupType,
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

export interface Caller {
  principal: Principal;
  clientIp: string;
}

/**
 * Harbor's user groups, as local groups: a system administrator creates them and puts local users
 * in them (Berth's `/usergroups/{id}/members`); a group made a project member gives each of its
 * users the group's role there, through AccessControlService like a direct membership.
 */
@Injectable()
export class UserGroupService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(UserGroupRepository) private readonly groups: UserGroupRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  async list(query: TListUserGroupsQuery): Promise<Page<UserGroupDto>> {
    const page = pageRequest(query);
    const { total, items } = await this.groups.list({
      ...(query.group_name ? { nameContains: query.group_name } : {}),
      ...(query.ldap_group_dn !== undefined ? { ldapGroupDn: query.ldap_group_dn } : {}),
      orderBy: 'id',
      offset: page.offset,
      limit: page.pageSize,
    });
    return toPage(items.map(toGroupDto), total, page);
  }

  /** Open to every signed-in user, as Harbor's: names only, to pick a group to add to a project. */
  async search(query: TSearchUserGroupsQuery): Promise<Page<UserGroupSearchItemDto>> {
    const page = pageRequest(query);
    const { total, items } = await this.groups.list({
      nameContains: query.groupname,
      orderBy: 'name',
      offset: page.offset,
      limit: page.pageSize,
    });
    return toPage(
      items.map((group) => ({ id: Number(group.id), group_name: group.name, group_type: group.groupType })),
      total,
      page,
    );
  }

  async get(id: bigint): Promise<UserGroupDto> {
    return toGroupDto(await this.find(id));
  }

  async create(request: TCreateUserGroupRequest, caller: Caller): Promise<bigint> {
    try {
      return await this.database.transaction(async (tx) => {
        const group = await this.groups.create(tx, {
          name: request.group_name,
          groupType: request.group_type ?? GroupType.Http,
        });
        await this.audit.append(tx, auditEntry(caller, 'create', 'user_group', group.name));
        return group.id;
      });
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        throw HarborError.conflict(`group ${request.group_name} already exists`);
      }
      throw error;
    }
  }

  async update(id: bigint, request: TUpdateUserGroupRequest, caller: Caller): Promise<void> {
    const group = await this.find(id);
    if (request.group_type !== undefined && request.group_type !== group.groupType) {
      throw HarborError.badRequest('the type of a group cannot be changed');
    }
    try {
      await this.database.transaction(async (tx) => {
        if (!(await this.groups.rename(tx, id, request.group_name))) throw groupNotFound(id);
        await this.audit.append(tx, auditEntry(caller, 'update', 'user_group', request.group_name));
      });
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        throw HarborError.conflict(`group ${request.group_name} already exists`);
      }
      throw error;
    }
  }

  /** Its project memberships go with it (ON DELETE CASCADE), and with them its users' tokens. */
  async delete(id: bigint, caller: Caller): Promise<void> {
    const group = await this.find(id);
    await this.revocations.transaction(async (tx, revoke) => {
      const usernames = await this.groups.usernamesIn(tx, id);
      if (!(await this.groups.delete(tx, id))) throw groupNotFound(id);
      revoke(usernames);
      await this.audit.append(tx, auditEntry(caller, 'delete', 'user_group', group.name));
    });
  }

  async listMembers(id: bigint, query: TListGroupMembersQuery): Promise<Page<GroupMemberDto>> {
    await this.find(id);
    const page = pageRequest(query);
    const { total, items } = await this.groups.listMembers(id, { offset: page.offset, limit: page.pageSize });
    return toPage(
      items.map((member) => ({ user_id: Number(member.userId), username: member.username })),
      total,
      page,
    );
  }

  async addMember(id: bigint, request: TAddGroupMemberRequest, caller: Caller): Promise<bigint> {
    const group = await this.find(id);
    const user =
      request.user_id !== undefined
        ? await this.users.findById(BigInt(request.user_id))
        : request.username !== undefined
          ? await this.users.findByUsername(request.username)
          : null;
    if (!user || (request.username !== undefined && user.username !== request.username))
      throw HarborError.notFound(`user ${request.username ?? `with id ${request.user_id}`} not found`);
    try {
      await this.database.transaction(async (tx) => {
        await this.groups.addMember(tx, id, user.id);
        await this.audit.append(
          tx,
          auditEntry(caller, 'create', 'user_group_member', `${group.name}:${user.username}`),
        );
      });
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        throw HarborError.conflict(`user ${user.username} is already in group ${group.name}`);
      }
      // The group or the user was deleted meanwhile.
      if (error instanceof ForeignKeyViolationError) throw groupNotFound(id);
      throw error;
    }
    return user.id;
  }

  /** The user loses the group's roles at once, and the registry tokens issued with them. */
  async removeMember(id: bigint, userId: bigint, caller: Caller): Promise<void> {
    const group = await this.find(id);
    const member = await this.groups.findMember(id, userId);
    if (!member) throw HarborError.notFound(`user ${userId} is not in group ${group.name}`);
    await this.revocations.transaction(async (tx, revoke) => {
      if (!(await this.groups.removeMember(tx, id, userId))) {
        throw HarborError.notFound(`user ${userId} is not in group ${group.name}`);
      }
      revoke([member.username]);
      await this.audit.append(
        tx,
        auditEntry(caller, 'delete', 'user_group_member', `${group.name}:${member.username}`),
      );
    });
  }

  private async find(id: bigint): Promise<UserGroup> {
    const group = await this.groups.findById(id);
    if (!group) throw groupNotFound(id);
    return group;
  }
}

function auditEntry(caller: Caller, operation: string, resourceType: string, resource: string): AuditEntry {
  return {
    operation,
    resourceType,
    resource,
    username: principalName(caller.principal),
    clientIp: caller.clientIp,
  };
}

function groupNotFound(id: bigint): HarborError {
  return HarborError.notFound(`user group ${id} not found`);
}

function toGroupDto(row: UserGroup): UserGroupDto {
  return {
    id: Number(row.id),
    group_name: row.name,
    group_type: row.groupType,
    ldap_group_dn: row.ldapGroupDn,
  };
}
