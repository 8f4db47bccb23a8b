import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { DatabaseService } from '../database/database.service.js';
import { likeEscape, pageRequest, toPage, type Page } from '../system/harbor-listing.js';
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

type GroupRow = Prisma.UserGroupGetPayload<object>;

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
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  async list(query: TListUserGroupsQuery): Promise<Page<UserGroupDto>> {
    const page = pageRequest(query);
    const where: Prisma.UserGroupWhereInput = {
      ...(query.group_name ? { name: { contains: likeEscape(query.group_name), mode: 'insensitive' } } : {}),
      ...(query.ldap_group_dn !== undefined ? { ldapGroupDn: query.ldap_group_dn } : {}),
    };
    const [total, rows] = await Promise.all([
      this.database.prisma.userGroup.count({ where }),
      this.database.prisma.userGroup.findMany({
        where,
        orderBy: { id: 'asc' },
        skip: page.offset,
        take: page.pageSize,
      }),
    ]);
    return toPage(rows.map(toGroupDto), total, page);
  }

  /** Open to every signed-in user, as Harbor's: names only, to pick a group to add to a project. */
  async search(query: TSearchUserGroupsQuery): Promise<Page<UserGroupSearchItemDto>> {
    const page = pageRequest(query);
    const where: Prisma.UserGroupWhereInput = {
      name: { contains: likeEscape(query.groupname), mode: 'insensitive' },
    };
    const [total, rows] = await Promise.all([
      this.database.prisma.userGroup.count({ where }),
      this.database.prisma.userGroup.findMany({
        where,
        orderBy: { name: 'asc' },
        skip: page.offset,
        take: page.pageSize,
      }),
    ]);
    return toPage(
      rows.map((row) => ({ id: Number(row.id), group_name: row.name, group_type: row.groupType })),
      total,
      page,
    );
  }

  async get(id: bigint): Promise<UserGroupDto> {
    return toGroupDto(await this.find(id));
  }

  async create(request: TCreateUserGroupRequest, caller: Caller): Promise<bigint> {
    try {
      const group = await this.database.prisma.userGroup.create({
        data: { name: request.group_name, groupType: request.group_type ?? GroupType.Http },
      });
      await this.record(caller, 'create', 'user_group', group.name);
      return group.id;
    } catch (error) {
      if (isUniqueViolation(error)) throw HarborError.conflict(`group ${request.group_name} already exists`);
      throw error;
    }
  }

  async update(id: bigint, request: TUpdateUserGroupRequest, caller: Caller): Promise<void> {
    const group = await this.find(id);
    if (request.group_type !== undefined && request.group_type !== group.groupType) {
      throw HarborError.badRequest('the type of a group cannot be changed');
    }
    try {
      await this.database.prisma.userGroup.update({ where: { id }, data: { name: request.group_name } });
    } catch (error) {
      if (isUniqueViolation(error)) throw HarborError.conflict(`group ${request.group_name} already exists`);
      throw error;
    }
    await this.record(caller, 'update', 'user_group', request.group_name);
  }

  /** Its project memberships go with it (ON DELETE CASCADE), and with them its users' tokens. */
  async delete(id: bigint, caller: Caller): Promise<void> {
    const group = await this.find(id);
    await this.revocations.transaction(async (tx, revoke) => {
      const usernames = await usernamesIn(tx, id);
      const { count } = await tx.userGroup.deleteMany({ where: { id } });
      if (count === 0) throw HarborError.notFound(`user group ${id} not found`);
      revoke(usernames);
    });
    await this.record(caller, 'delete', 'user_group', group.name);
  }

  async listMembers(id: bigint, query: TListGroupMembersQuery): Promise<Page<GroupMemberDto>> {
    await this.find(id);
    const page = pageRequest(query);
    const where: Prisma.UserGroupMemberWhereInput = { groupId: id };
    const [total, rows] = await Promise.all([
      this.database.prisma.userGroupMember.count({ where }),
      this.database.prisma.userGroupMember.findMany({
        where,
        include: { user: { select: { username: true } } },
        orderBy: { userId: 'asc' },
        skip: page.offset,
        take: page.pageSize,
      }),
    ]);
    return toPage(
      rows.map((row) => ({ user_id: Number(row.userId), username: row.user.username })),
      total,
      page,
    );
  }

  async addMember(id: bigint, request: TAddGroupMemberRequest, caller: Caller): Promise<bigint> {
    const group = await this.find(id);
    const user = await this.database.prisma.user.findFirst({
      where: {
        ...(request.user_id !== undefined ? { id: BigInt(request.user_id) } : {}),
        ...(request.username !== undefined ? { username: request.username } : {}),
      },
    });
    if (!user)
      throw HarborError.notFound(`user ${request.username ?? `with id ${request.user_id}`} not found`);
    try {
      await this.database.prisma.userGroupMember.create({ data: { groupId: id, userId: user.id } });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw HarborError.conflict(`user ${user.username} is already in group ${group.name}`);
      }
      throw error;
    }
    await this.record(caller, 'create', 'user_group_member', `${group.name}:${user.username}`);
    return user.id;
  }

  /** The user loses the group's roles at once, and the registry tokens issued with them. */
  async removeMember(id: bigint, userId: bigint, caller: Caller): Promise<void> {
    const group = await this.find(id);
    const member = await this.database.prisma.userGroupMember.findUnique({
      where: { groupId_userId: { groupId: id, userId } },
      include: { user: { select: { username: true } } },
    });
    if (!member) throw HarborError.notFound(`user ${userId} is not in group ${group.name}`);
    await this.revocations.transaction(async (tx, revoke) => {
      const { count } = await tx.userGroupMember.deleteMany({ where: { groupId: id, userId } });
      if (count === 0) throw HarborError.notFound(`user ${userId} is not in group ${group.name}`);
      revoke([member.user.username]);
    });
    await this.record(caller, 'delete', 'user_group_member', `${group.name}:${member.user.username}`);
  }

  private async find(id: bigint): Promise<GroupRow> {
    const group = await this.database.prisma.userGroup.findUnique({ where: { id } });
    if (!group) throw HarborError.notFound(`user group ${id} not found`);
    return group;
  }

  private record(caller: Caller, operation: string, resourceType: string, resource: string): Promise<void> {
    return this.audit.record({
      operation,
      resourceType,
      resource,
      username: principalName(caller.principal),
      clientIp: caller.clientIp,
    });
  }
}

async function usernamesIn(tx: Prisma.TransactionClient, groupId: bigint): Promise<string[]> {
  const rows = await tx.userGroupMember.findMany({
    where: { groupId },
    select: { user: { select: { username: true } } },
  });
  return rows.map((row) => row.user.username);
}

function toGroupDto(row: GroupRow): UserGroupDto {
  return {
    id: Number(row.id),
    group_name: row.name,
    group_type: row.groupType,
    ldap_group_dn: row.ldapGroupDn,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
