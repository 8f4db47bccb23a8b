import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { Prisma } from '../prisma-client.js';
import { likeEscape, type Listing, type Slice } from './shared.js';

/** A user group (Harbor's `usergroup`): local users put in it share its project roles. */
export interface UserGroup {
  id: bigint;
  name: string;
  /** Harbor's group_type: 1 LDAP, 2 HTTP, 3 OIDC. */
  groupType: number;
  ldapGroupDn: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUserGroup {
  name: string;
  groupType: number;
}

/** A user in a group. */
export interface UserGroupMember {
  groupId: bigint;
  userId: bigint;
  username: string;
}

export interface UserGroupListQuery extends Slice {
  /** Case-insensitive substring of the name; wildcards match themselves. */
  nameContains?: string;
  ldapGroupDn?: string;
  /** `id` for the administrators' list, `name` for the search. */
  orderBy: 'id' | 'name';
}

/** User groups (`user_group`) and who is in them (`user_group_member`). */
export class UserGroupRepository {
  constructor(private readonly database: Database) {}

  async list(query: UserGroupListQuery): Promise<Listing<UserGroup>> {
    const where: Prisma.UserGroupWhereInput = {
      ...(query.nameContains !== undefined
        ? { name: { contains: likeEscape(query.nameContains), mode: 'insensitive' } }
        : {}),
      ...(query.ldapGroupDn !== undefined ? { ldapGroupDn: query.ldapGroupDn } : {}),
    };
    const orderBy: Prisma.UserGroupOrderByWithRelationInput[] =
      query.orderBy === 'name' ? [{ name: 'asc' }, { id: 'asc' }] : [{ id: 'asc' }];
    const prisma = this.database.prisma;
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        prisma.userGroup.count({ where }),
        prisma.userGroup.findMany({ where, orderBy, skip: query.offset, take: query.limit }),
      ]);
      return { total, items: rows.map(toGroup) };
    });
  }

  async findById(id: bigint): Promise<UserGroup | null> {
    const row = await mapDatabaseErrors(() => this.database.prisma.userGroup.findUnique({ where: { id } }));
    return row ? toGroup(row) : null;
  }

  /** Throws `UniqueViolationError` when the name is taken. */
  async create(tx: Tx, group: NewUserGroup): Promise<UserGroup> {
    const row = await mapDatabaseErrors(() =>
      prismaOf(tx).userGroup.create({ data: { name: group.name, groupType: group.groupType } }),
    );
    return toGroup(row);
  }

  /** False when the group is gone. Throws `UniqueViolationError` when the name is taken. */
  async rename(tx: Tx, id: bigint, name: string): Promise<boolean> {
    const { count } = await mapDatabaseErrors(() =>
      prismaOf(tx).userGroup.updateMany({ where: { id }, data: { name } }),
    );
    return count > 0;
  }

  /** Deletes the group with its memberships (of users and in projects); false when it was gone. */
  async delete(tx: Tx, id: bigint): Promise<boolean> {
    const { count } = await mapDatabaseErrors(() => prismaOf(tx).userGroup.deleteMany({ where: { id } }));
    return count > 0;
  }

  /** The names of the group's users, inside `tx` (before a change that takes their roles away). */
  async usernamesIn(tx: Tx, groupId: bigint): Promise<string[]> {
    const rows = await mapDatabaseErrors(() =>
      prismaOf(tx).userGroupMember.findMany({
        where: { groupId },
        select: { user: { select: { username: true } } },
      }),
    );
    return rows.map((row) => row.user.username);
  }

  /** The group's users, by user id. */
  async listMembers(groupId: bigint, slice: Slice): Promise<Listing<UserGroupMember>> {
    const where: Prisma.UserGroupMemberWhereInput = { groupId };
    const prisma = this.database.prisma;
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        prisma.userGroupMember.count({ where }),
        prisma.userGroupMember.findMany({
          where,
          include: { user: { select: { username: true } } },
          orderBy: { userId: 'asc' },
          skip: slice.offset,
          take: slice.limit,
        }),
      ]);
      return { total, items: rows.map(toMember) };
    });
  }

  async findMember(groupId: bigint, userId: bigint): Promise<UserGroupMember | null> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.userGroupMember.findUnique({
        where: { groupId_userId: { groupId, userId } },
        include: { user: { select: { username: true } } },
      }),
    );
    return row ? toMember(row) : null;
  }

  /**
   * Throws `UniqueViolationError` when the user is in the group already, `ForeignKeyViolationError`
   * when the group or the user is gone.
   */
  async addMember(tx: Tx, groupId: bigint, userId: bigint): Promise<void> {
    await mapDatabaseErrors(() => prismaOf(tx).userGroupMember.create({ data: { groupId, userId } }));
  }

  /** False when the user was not in the group. */
  async removeMember(tx: Tx, groupId: bigint, userId: bigint): Promise<boolean> {
    const { count } = await mapDatabaseErrors(() =>
      prismaOf(tx).userGroupMember.deleteMany({ where: { groupId, userId } }),
    );
    return count > 0;
  }
}

function toGroup(row: Prisma.UserGroupGetPayload<object>): UserGroup {
  return {
    id: row.id,
    name: row.name,
    groupType: row.groupType,
    ldapGroupDn: row.ldapGroupDn,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toMember(row: { groupId: bigint; userId: bigint; user: { username: string } }): UserGroupMember {
  return { groupId: row.groupId, userId: row.userId, username: row.user.username };
}
