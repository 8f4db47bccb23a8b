import { Inject, Injectable } from '@nestjs/common';
import type { Prisma } from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { DatabaseService } from '../database/database.service.js';
import { pageRequest, parseSort, toPage, type Page } from '../system/harbor-listing.js';
import type { QuotaDto, TListQuotasQuery, TUpdateQuotaRequest } from './quota.dto.js';

const QUOTA_SORT_FIELDS = {
  'hard.storage': 'quotaLimit',
  'used.storage': 'quotaUsed',
  creation_time: 'createdAt',
  update_time: 'updatedAt',
  id: 'id',
} as const;

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

/**
 * Storage quotas, one per project (`project.quota_limit` / `quota_used`). Usage is kept by the
 * registry's metadata store in the transaction of each manifest push and delete; only the limit
 * changes here. A limit below the current usage is allowed: pushes that add bytes are refused.
 */
@Injectable()
export class QuotaService {
  constructor(
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(query: TListQuotasQuery): Promise<Page<QuotaDto>> {
    const page = pageRequest(query);
    // Every quota references a project; another reference type matches nothing.
    if (query.reference !== undefined && query.reference !== 'project') return toPage([], 0, page);
    const where: Prisma.ProjectWhereInput = {};
    if (query.reference_id !== undefined) {
      if (!/^\d{1,18}$/.test(query.reference_id)) {
        throw HarborError.badRequest('reference_id must be a project id (a positive integer)');
      }
      where.id = BigInt(query.reference_id);
    }
    const sort = parseSort(query.sort, QUOTA_SORT_FIELDS);
    const orderBy: Prisma.ProjectOrderByWithRelationInput[] = [
      ...sort.map((key) => ({ [key.field]: key.descending ? 'desc' : 'asc' })),
      { id: 'asc' },
    ];
    const prisma = this.database.prisma;
    const [total, rows] = await Promise.all([
      prisma.project.count({ where }),
      prisma.project.findMany({
        where,
        orderBy,
        skip: page.offset,
        take: page.pageSize,
        select: quotaSelect,
      }),
    ]);
    return toPage(rows.map(toQuotaDto), total, page);
  }

  async get(id: bigint): Promise<QuotaDto> {
    const row = await this.database.prisma.project.findUnique({ where: { id }, select: quotaSelect });
    if (!row) throw HarborError.notFound(`quota ${id} not found`);
    return toQuotaDto(row);
  }

  async update(
    id: bigint,
    request: TUpdateQuotaRequest,
    principal: Principal,
    clientIp: string,
  ): Promise<void> {
    const { count } = await this.database.prisma.project.updateMany({
      where: { id },
      data: { quotaLimit: BigInt(request.hard.storage) },
    });
    if (count === 0) throw HarborError.notFound(`quota ${id} not found`);
    const project = await this.database.prisma.project.findUnique({ where: { id }, select: { name: true } });
    await this.audit.record({
      projectId: id,
      operation: 'update',
      resourceType: 'quota',
      resource: `${project?.name ?? id}:storage=${request.hard.storage}`,
      username: principalName(principal),
      clientIp,
    });
  }
}

function toQuotaDto(row: QuotaRow): QuotaDto {
  return {
    id: Number(row.id),
    ref: { id: Number(row.id), name: row.name, owner_name: row.owner?.username ?? '' },
    hard: { storage: Number(row.quotaLimit) },
    used: { storage: Number(row.quotaUsed) },
    creation_time: row.createdAt.toISOString(),
    update_time: row.updatedAt.toISOString(),
  };
}
