import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { Prisma } from '../prisma-client.js';
import { likeEscape, orderOf, stringMapOf, type Listing, type Slice, type SortKey } from './shared.js';

/** A project (Harbor's project table): its metadata is Harbor's string map. */
export interface Project {
  id: bigint;
  name: string;
  ownerId: bigint | null;
  metadata: Record<string, string>;
  /** Bytes; -1 is unlimited. */
  quotaLimit: bigint;
  quotaUsed: bigint;
  createdAt: Date;
  updatedAt: Date;
}

/** A project as listings show it, with what one viewer holds there. */
export interface ProjectDetails extends Project {
  ownerName: string | null;
  repositoryCount: number;
  /** The viewer's roles: direct and through groups (several when both). */
  viewerRoles: number[];
}

/** One condition on the projects a listing returns; a list of them must all hold. */
export type ProjectCondition =
  /** The name contains `value` (wildcards match themselves). */
  | { kind: 'nameContains'; value: string }
  | { kind: 'nameIs'; value: string }
  | { kind: 'nameIn'; values: string[] }
  | { kind: 'idIn'; values: bigint[] }
  /** The `public` metadata is (or is not) `"true"`. */
  | { kind: 'public'; value: boolean }
  | { kind: 'ownerIs'; username: string }
  /** The user is a member, directly or through one of their groups. */
  | { kind: 'memberIs'; userId: bigint }
  | { kind: 'anyOf'; conditions: ProjectCondition[] };

export type ProjectSortField = 'name' | 'id' | 'createdAt' | 'updatedAt';

export interface ProjectListQuery extends Slice {
  where: ProjectCondition[];
  sort: SortKey<ProjectSortField>[];
  /** Whose roles `viewerRoles` holds; null for nobody's (anonymous callers, robots). */
  viewerId: bigint | null;
}

export interface NewProject {
  name: string;
  ownerId: bigint | null;
  metadata: Record<string, string>;
  quotaLimit: bigint;
}

export interface ProjectChanges {
  metadata?: Record<string, string>;
  quotaLimit?: bigint;
}

const detailsInclude = (viewerId: bigint | null) =>
  ({
    owner: { select: { username: true } },
    // Repositories an artifact was pushed to: uploads alone do not list one.
    _count: { select: { repositories: { where: { firstPushAt: { not: null } } } } },
    members: { where: memberOf(viewerId ?? -1n), select: { role: true } },
  }) satisfies Prisma.ProjectInclude;

type DetailsRow = Prisma.ProjectGetPayload<{ include: ReturnType<typeof detailsInclude> }>;
type ProjectRow = Prisma.ProjectGetPayload<object>;

/** Projects: their rows, listings by condition, and the project lock metadata changes take. */
export class ProjectRepository {
  constructor(private readonly database: Database) {}

  async list(query: ProjectListQuery): Promise<Listing<ProjectDetails>> {
    const where: Prisma.ProjectWhereInput = { AND: query.where.map(toWhere) };
    const orderBy = [...orderOf(query.sort), { id: 'asc' as const }];
    const prisma = this.database.prisma;
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        prisma.project.count({ where }),
        prisma.project.findMany({
          where,
          orderBy,
          skip: query.offset,
          take: query.limit,
          include: detailsInclude(query.viewerId),
        }),
      ]);
      return { total, items: rows.map(toDetails) };
    });
  }

  /** The project with what `viewerId` holds in it. */
  async findDetails(id: bigint, viewerId: bigint | null): Promise<ProjectDetails | null> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.project.findUnique({ where: { id }, include: detailsInclude(viewerId) }),
    );
    return row ? toDetails(row) : null;
  }

  async findById(id: bigint): Promise<Project | null> {
    const row = await mapDatabaseErrors(() => this.database.prisma.project.findUnique({ where: { id } }));
    return row ? toProject(row) : null;
  }

  async findByName(name: string): Promise<Project | null> {
    const row = await mapDatabaseErrors(() => this.database.prisma.project.findUnique({ where: { name } }));
    return row ? toProject(row) : null;
  }

  /** Ids of the projects named; every project's when `names` is null. */
  async idsByName(names: string[] | null): Promise<bigint[]> {
    const rows = await mapDatabaseErrors(() =>
      this.database.prisma.project.findMany({
        where: names === null ? {} : { name: { in: names } },
        select: { id: true },
      }),
    );
    return rows.map((row) => row.id);
  }

  async repositoryCount(id: bigint): Promise<number> {
    return mapDatabaseErrors(() =>
      this.database.prisma.repository.count({ where: { projectId: id, firstPushAt: { not: null } } }),
    );
  }

  /** Throws `UniqueViolationError` when the name is taken. */
  async create(tx: Tx, project: NewProject): Promise<Project> {
    const row = await mapDatabaseErrors(() =>
      prismaOf(tx).project.create({
        data: {
          name: project.name,
          ownerId: project.ownerId,
          metadata: project.metadata,
          quotaLimit: project.quotaLimit,
        },
      }),
    );
    return toProject(row);
  }

  /**
   * The project's metadata, read under a row lock held until `tx` ends, so concurrent metadata
   * changes do not lose each other's keys; null when there is no such project.
   */
  async lockMetadata(tx: Tx, id: bigint): Promise<Record<string, string> | null> {
    const rows = await mapDatabaseErrors(
      () => prismaOf(tx).$queryRaw<{ metadata: unknown }[]>`
        SELECT metadata FROM project WHERE id = ${id} FOR NO KEY UPDATE`,
    );
    return rows[0] ? stringMapOf(rows[0].metadata) : null;
  }

  /** Throws `RecordNotFoundError` when the project is gone. */
  async update(tx: Tx, id: bigint, changes: ProjectChanges): Promise<void> {
    await mapDatabaseErrors(() =>
      prismaOf(tx).project.update({
        where: { id },
        data: {
          ...(changes.metadata !== undefined ? { metadata: changes.metadata } : {}),
          ...(changes.quotaLimit !== undefined ? { quotaLimit: changes.quotaLimit } : {}),
        },
      }),
    );
  }

  /**
   * Deletes the project with its members, robots, labels and allowlist (ON DELETE CASCADE), and
   * the repositories that never held an artifact (uploads of pushes that did not commit: nobody
   * sees them, their blobs are garbage). Throws `ForeignKeyViolationError` while it has
   * repositories, `RecordNotFoundError` when gone.
   */
  async delete(tx: Tx, id: bigint): Promise<void> {
    await mapDatabaseErrors(async () => {
      await prismaOf(tx).repository.deleteMany({ where: { projectId: id, firstPushAt: null } });
      await prismaOf(tx).project.delete({ where: { id } });
    });
  }

  /**
   * The first system administrator (lowest id), who owns the projects robots create, as in
   * Harbor; null when there is none.
   */
  async firstSystemAdministratorId(): Promise<bigint | null> {
    const admin = await mapDatabaseErrors(() =>
      this.database.prisma.user.findFirst({
        where: { sysadmin: true },
        orderBy: { id: 'asc' },
        select: { id: true },
      }),
    );
    return admin?.id ?? null;
  }
}

/** Membership rows that make `userId` a member: the user's own and those of the user's groups. */
function memberOf(userId: bigint): Prisma.ProjectMemberWhereInput {
  return { OR: [{ userId }, { group: { users: { some: { userId } } } }] };
}

const IS_PUBLIC: Prisma.ProjectWhereInput = { metadata: { path: ['public'], equals: 'true' } };

function toWhere(condition: ProjectCondition): Prisma.ProjectWhereInput {
  switch (condition.kind) {
    case 'nameContains':
      return { name: { contains: likeEscape(condition.value) } };
    case 'nameIs':
      return { name: condition.value };
    case 'nameIn':
      return { name: { in: condition.values } };
    case 'idIn':
      return { id: { in: condition.values } };
    case 'public':
      return condition.value ? IS_PUBLIC : { NOT: IS_PUBLIC };
    case 'ownerIs':
      return { owner: { username: condition.username } };
    case 'memberIs':
      return { members: { some: memberOf(condition.userId) } };
    case 'anyOf':
      return { OR: condition.conditions.map(toWhere) };
  }
}

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    ownerId: row.ownerId,
    metadata: stringMapOf(row.metadata),
    quotaLimit: row.quotaLimit,
    quotaUsed: row.quotaUsed,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toDetails(row: DetailsRow): ProjectDetails {
  return {
    ...toProject(row),
    ownerName: row.owner?.username ?? null,
    repositoryCount: row._count.repositories,
    viewerRoles: row.members.map((member) => member.role),
  };
}
