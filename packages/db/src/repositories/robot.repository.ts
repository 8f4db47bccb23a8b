import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors, UniqueViolationError } from '../errors.js';
import type { Prisma } from '../prisma-client.js';
import { likeEscape, orderOf, stringMapOf, type Listing, type Slice, type SortKey } from './shared.js';

/** Harbor's robot permission list entry, as stored. */
export interface RobotPermissionEntry {
  /** 'project' for a project's resources, 'system' for system resources. */
  kind: 'project' | 'system';
  /** Project name, `*` for every project, `/` for the system. */
  namespace: string;
  access: { resource: string; action: string; effect?: 'allow' | 'deny' }[];
}

export type RobotLevel = 'system' | 'project';

/** A robot account. Its secret's hash stays in the database: no listing needs it. */
export interface Robot {
  id: bigint;
  /** The short name, without the prefix and project part of the name it logs in with. */
  name: string;
  description: string;
  level: RobotLevel;
  /** The project of a project robot; null for a system robot. */
  project: { id: bigint; name: string; metadata: Record<string, string> } | null;
  /** Days from creation; -1 never expires. */
  duration: number;
  expiresAt: Date | null;
  disabled: boolean;
  creatorRef: bigint | null;
  permissions: RobotPermissionEntry[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewRobot {
  name: string;
  description: string;
  level: RobotLevel;
  projectId: bigint | null;
  secretHash: string;
  duration: number;
  expiresAt: Date | null;
  disabled: boolean;
  creatorRef: bigint | null;
  permissions: RobotPermissionEntry[];
  createdAt: Date;
}

export interface RobotChanges {
  description?: string;
  disabled?: boolean;
  permissions?: RobotPermissionEntry[];
  duration?: number;
  expiresAt?: Date | null;
  secretHash?: string;
}

export type RobotSortField = 'id' | 'name' | 'createdAt' | 'updatedAt' | 'expiresAt';

export interface RobotListQuery extends Slice {
  level: RobotLevel;
  /** The project of project robots; null for system robots. */
  projectId: bigint | null;
  /** The short name, exactly or as a substring (wildcards match themselves). */
  name?: { value: string; fuzzy: boolean };
  sort: SortKey<RobotSortField>[];
}

const robotInclude = {
  project: { select: { id: true, name: true, metadata: true } },
} satisfies Prisma.RobotInclude;
type RobotRow = Prisma.RobotGetPayload<{ include: typeof robotInclude }>;

/** Robot accounts, system and project level. */
export class RobotRepository {
  constructor(private readonly database: Database) {}

  async list(query: RobotListQuery): Promise<Listing<Robot>> {
    const where: Prisma.RobotWhereInput = {
      level: query.level,
      projectId: query.projectId,
      ...(query.name
        ? { name: query.name.fuzzy ? { contains: likeEscape(query.name.value) } : query.name.value }
        : {}),
    };
    const order = orderOf(query.sort);
    if (!query.sort.some((key) => key.field === 'id')) order.push({ id: 'asc' });
    const prisma = this.database.prisma;
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        prisma.robot.count({ where }),
        prisma.robot.findMany({
          where,
          include: robotInclude,
          orderBy: order,
          skip: query.offset,
          take: query.limit,
        }),
      ]);
      return { total, items: rows.map(toRobot) };
    });
  }

  async findById(id: bigint): Promise<Robot | null> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.robot.findUnique({ where: { id }, include: robotInclude }),
    );
    return row ? toRobot(row) : null;
  }

  /**
   * Creates the robot; throws `UniqueViolationError` when its level (and project) has one of the
   * name. The unique index cannot see duplicates among system robots (NULL project), so names are
   * serialised with a lock held until `tx` ends.
   */
  async create(tx: Tx, robot: NewRobot): Promise<Robot> {
    const prisma = prismaOf(tx);
    return mapDatabaseErrors(async () => {
      await prisma.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`robot:${robot.level}:${robot.name}`}))`;
      const existing = await prisma.robot.findFirst({
        where: { name: robot.name, level: robot.level, projectId: robot.projectId },
        select: { id: true },
      });
      if (existing) throw new UniqueViolationError('robot_name_level_project_id_key');
      const row = await prisma.robot.create({
        data: {
          name: robot.name,
          description: robot.description,
          level: robot.level,
          projectId: robot.projectId,
          secretHash: robot.secretHash,
          duration: robot.duration,
          expiresAt: robot.expiresAt,
          disabled: robot.disabled,
          creatorRef: robot.creatorRef,
          permissions: robot.permissions as unknown as Prisma.InputJsonArray,
          createdAt: robot.createdAt,
          updatedAt: robot.createdAt,
        },
        include: robotInclude,
      });
      return toRobot(row);
    });
  }

  /** Throws `RecordNotFoundError` when the robot is gone. */
  async update(tx: Tx, id: bigint, changes: RobotChanges): Promise<void> {
    const data: Prisma.RobotUpdateInput = {};
    if (changes.description !== undefined) data.description = changes.description;
    if (changes.disabled !== undefined) data.disabled = changes.disabled;
    if (changes.permissions !== undefined)
      data.permissions = changes.permissions as unknown as Prisma.InputJsonArray;
    if (changes.duration !== undefined) data.duration = changes.duration;
    if (changes.expiresAt !== undefined) data.expiresAt = changes.expiresAt;
    if (changes.secretHash !== undefined) data.secretHash = changes.secretHash;
    await mapDatabaseErrors(() => prismaOf(tx).robot.update({ where: { id }, data }));
  }

  /** False when the robot was gone already. */
  async delete(tx: Tx, id: bigint): Promise<boolean> {
    const { count } = await mapDatabaseErrors(() => prismaOf(tx).robot.deleteMany({ where: { id } }));
    return count > 0;
  }

  /**
   * The robot a login names, with its secret's hash to check the login against: the system robot
   * `name` when `projectName` is null, else the robot `name` of that project. Disabled and expired
   * robots are returned too: whether they may log in is the caller's decision.
   */
  async findForLogin(name: string, projectName: string | null): Promise<RobotWithSecret | null> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.robot.findFirst({
        where:
          projectName === null
            ? { name, level: 'system' }
            : { name, level: 'project', project: { name: projectName } },
        include: robotInclude,
      }),
    );
    return row ? { robot: toRobot(row), secretHash: row.secretHash } : null;
  }
}

/** A robot with the hash of its secret, for checking a login. */
export interface RobotWithSecret {
  robot: Robot;
  secretHash: string;
}

function toRobot(row: RobotRow): Robot {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    level: row.level === 'project' ? 'project' : 'system',
    project: row.project
      ? { id: row.project.id, name: row.project.name, metadata: stringMapOf(row.project.metadata) }
      : null,
    duration: row.duration,
    expiresAt: row.expiresAt,
    disabled: row.disabled,
    creatorRef: row.creatorRef,
    permissions: Array.isArray(row.permissions) ? (row.permissions as unknown as RobotPermissionEntry[]) : [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
