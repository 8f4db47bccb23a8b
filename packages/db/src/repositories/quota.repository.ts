import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { Prisma } from '../prisma-client.js';
import { orderOf, type Listing, type Slice, type SortKey } from './shared.js';

/**
 * A project's storage quota (`project.quota_limit` / `quota_used`). Usage is kept by the registry's
 * metadata store in each manifest push and delete; only the limit changes here.
 */
export interface ProjectQuota {
  /** The project's id, which is also the quota's. */
  projectId: bigint;
  projectName: string;
  ownerName: string | null;
  /** Bytes; -1 is unlimited. */
  limit: bigint;
  used: bigint;
  createdAt: Date;
  updatedAt: Date;
}

export type QuotaSortField = 'quotaLimit' | 'quotaUsed' | 'createdAt' | 'updatedAt' | 'id';

export interface QuotaListQuery extends Slice {
  /** Only this project's quota. */
  projectId?: bigint;
  sort: SortKey<QuotaSortField>[];
}

const quotaSelect = {
  id: true,
  name: true,
  quotaLimit: true,
  quotaUsed: true,
  createdAt: true,
  updatedAt: true,
  owner: { select: { username: true } },
} satisfies Prisma.ProjectSelect;
type QuotaRow = Prisma.ProjectGetPayload<{ select: typeof quotaSelect }>;

/** Storage quotas, one per project. */
export class QuotaRepository {
  constructor(private readonly database: Database) {}

  async list(query: QuotaListQuery): Promise<Listing<ProjectQuota>> {
    const where: Prisma.ProjectWhereInput = query.projectId === undefined ? {} : { id: query.projectId };
    const prisma = this.database.prisma;
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        prisma.project.count({ where }),
        prisma.project.findMany({
          where,
          orderBy: [...orderOf(query.sort), { id: 'asc' }],
          skip: query.offset,
          take: query.limit,
          select: quotaSelect,
        }),
      ]);
      return { total, items: rows.map(toQuota) };
    });
  }

  async find(projectId: bigint): Promise<ProjectQuota | null> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.project.findUnique({ where: { id: projectId }, select: quotaSelect }),
    );
    return row ? toQuota(row) : null;
  }

  /** Sets the limit; answers the project's name, or null when there is no such project. */
  async setLimit(tx: Tx, projectId: bigint, limit: bigint): Promise<string | null> {
    const rows = await mapDatabaseErrors(
      () => prismaOf(tx).$queryRaw<{ name: string }[]>`
        UPDATE project SET quota_limit = ${limit}, updated_at = now() WHERE id = ${projectId} RETURNING name`,
    );
    return rows[0]?.name ?? null;
  }
}

function toQuota(row: QuotaRow): ProjectQuota {
  return {
    projectId: row.id,
    projectName: row.name,
    ownerName: row.owner?.username ?? null,
    limit: row.quotaLimit,
    used: row.quotaUsed,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
