import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { Prisma } from '../prisma-client.js';
import { likeEscape, stringArrayOf, type Listing, type Slice } from './shared.js';

/** A user's or a user group's role in a project (Harbor's project_member). */
export interface ProjectMember {
  id: bigint;
  projectId: bigint;
  /** Set for a user's membership… */
  userId: bigint | null;
  /** …or for a group's. */
  groupId: bigint | null;
  /** The username or the group's name. */
  entityName: string;
  /** Harbor's role id. */
  role: number;
  /** Globs over repository paths inside the project; empty is the whole project. */
  repositoryScopes: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** What a membership grants, as access decisions read it. */
export interface Membership {
  role: number;
  /** Empty: the whole project. */
  repositoryScopes: string[];
}

export interface NewProjectMember {
  projectId: bigint;
  member: { userId: bigint } | { groupId: bigint };
  role: number;
  repositoryScopes: string[];
}

export interface ProjectMemberChanges {
  role?: number;
  repositoryScopes?: string[];
}

export interface MemberListQuery extends Slice {
  /** Members whose username or group name contains this (wildcards match themselves). */
  entityNameContains?: string;
}

/** A user or group a membership can name. */
export interface MemberEntity {
  id: bigint;
  name: string;
}

const memberInclude = {
  user: { select: { username: true } },
  group: { select: { name: true } },
} satisfies Prisma.ProjectMemberInclude;
type MemberRow = Prisma.ProjectMemberGetPayload<{ include: typeof memberInclude }>;

/** The role grants of users and groups in projects, and the reads access decisions make of them. */
export class ProjectMemberRepository {
  constructor(private readonly database: Database) {}

  /** A project's members, by role then id. */
  async list(projectId: bigint, query: MemberListQuery): Promise<Listing<ProjectMember>> {
    const where: Prisma.ProjectMemberWhereInput = {
      projectId,
      ...(query.entityNameContains
        ? {
            OR: [
              { user: { username: { contains: likeEscape(query.entityNameContains) } } },
              { group: { name: { contains: likeEscape(query.entityNameContains) } } },
            ],
          }
        : {}),
    };
    const prisma = this.database.prisma;
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        prisma.projectMember.count({ where }),
        prisma.projectMember.findMany({
          where,
          include: memberInclude,
          orderBy: [{ role: 'asc' }, { id: 'asc' }],
          skip: query.offset,
          take: query.limit,
        }),
      ]);
      return { total, items: rows.map(toMember) };
    });
  }

  async find(projectId: bigint, memberId: bigint): Promise<ProjectMember | null> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.projectMember.findFirst({
        where: { id: memberId, projectId },
        include: memberInclude,
      }),
    );
    return row ? toMember(row) : null;
  }

  /** Throws `UniqueViolationError` when the user or group is a member already. */
  async create(tx: Tx, member: NewProjectMember): Promise<bigint> {
    const row = await mapDatabaseErrors(() =>
      prismaOf(tx).projectMember.create({
        data: {
          projectId: member.projectId,
          ...member.member,
          role: member.role,
          repositoryScopes: member.repositoryScopes,
        },
        select: { id: true },
      }),
    );
    return row.id;
  }

  /** Throws `RecordNotFoundError` when the membership is gone. */
  async update(tx: Tx, id: bigint, changes: ProjectMemberChanges): Promise<void> {
    await mapDatabaseErrors(() =>
      prismaOf(tx).projectMember.update({
        where: { id },
        data: {
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.repositoryScopes !== undefined ? { repositoryScopes: changes.repositoryScopes } : {}),
        },
      }),
    );
  }

  /** False when the membership was gone already. */
  async delete(tx: Tx, id: bigint): Promise<boolean> {
    const { count } = await mapDatabaseErrors(() => prismaOf(tx).projectMember.deleteMany({ where: { id } }));
    return count > 0;
  }

  /** The users a membership speaks for: its user, or every user of its group (read in `tx`). */
  async usernamesOf(tx: Tx, member: ProjectMember): Promise<string[]> {
    if (member.userId !== null) return [member.entityName];
    if (member.groupId === null) return [];
    const rows = await mapDatabaseErrors(() =>
      prismaOf(tx).userGroupMember.findMany({
        where: { groupId: member.groupId! },
        select: { user: { select: { username: true } } },
      }),
    );
    return rows.map((row) => row.user.username);
  }

  /** How many memberships of each role the project has. */
  async roleCounts(projectId: bigint): Promise<Map<number, number>> {
    const counts = await mapDatabaseErrors(() =>
      this.database.prisma.projectMember.groupBy({
        by: ['role'],
        where: { projectId },
        _count: { _all: true },
      }),
    );
    return new Map(counts.map((count) => [count.role, count._count._all] as const));
  }

  /** The user's own membership in the project and those of the groups the user is in. */
  async memberships(userId: bigint, projectId: bigint): Promise<Membership[]> {
    const { rows } = await mapDatabaseErrors(() =>
      this.database.pool.query<{ role: number; repository_scopes: unknown }>(
        `SELECT role, repository_scopes FROM project_member
         WHERE project_id = $1
           AND (user_id = $2 OR group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2))`,
        [projectId, userId],
      ),
    );
    return rows.map((row) => ({ role: row.role, repositoryScopes: stringArrayOf(row.repository_scopes) }));
  }

  /** Every (project, role) the user holds, directly or through groups. */
  async projectRoles(userId: bigint): Promise<{ projectId: bigint; role: number }[]> {
    const { rows } = await mapDatabaseErrors(() =>
      this.database.pool.query<{ project_id: string; role: number }>(
        `SELECT DISTINCT project_id, role FROM project_member
         WHERE user_id = $1 OR group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $1)`,
        [userId],
      ),
    );
    return rows.map((row) => ({ projectId: BigInt(row.project_id), role: row.role }));
  }

  /** Whether the user holds `role` in any project, directly or through a group. */
  async holdsRoleAnywhere(userId: bigint, role: number): Promise<boolean> {
    const { rowCount } = await mapDatabaseErrors(() =>
      this.database.pool.query(
        `SELECT 1 FROM project_member
         WHERE role = $2
           AND (user_id = $1 OR group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $1))
         LIMIT 1`,
        [userId, role],
      ),
    );
    return (rowCount ?? 0) > 0;
  }

  /** The user a new membership names, by id and/or username (both must match when both are given). */
  async findUser(ref: { id?: bigint; username?: string }): Promise<MemberEntity | null> {
    const user = await mapDatabaseErrors(() =>
      this.database.prisma.user.findFirst({
        where: {
          ...(ref.id !== undefined ? { id: ref.id } : {}),
          ...(ref.username !== undefined ? { username: ref.username } : {}),
        },
        select: { id: true, username: true },
      }),
    );
    return user ? { id: user.id, name: user.username } : null;
  }

  /** The user group a new membership names, by id or by name. */
  async findGroup(ref: { id: bigint } | { name: string }): Promise<MemberEntity | null> {
    const group = await mapDatabaseErrors(() =>
      this.database.prisma.userGroup.findFirst({
        where: 'id' in ref ? { id: ref.id } : { name: ref.name },
        select: { id: true, name: true },
      }),
    );
    return group ?? null;
  }
}

function toMember(row: MemberRow): ProjectMember {
  return {
    id: row.id,
    projectId: row.projectId,
    userId: row.userId,
    groupId: row.groupId,
    entityName: row.user?.username ?? row.group?.name ?? '',
    role: row.role,
    repositoryScopes: stringArrayOf(row.repositoryScopes),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
