import { Inject, Injectable } from '@nestjs/common';
import { Database, QuotaRepository, type ProjectQuota } from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { pageRequest, parseSort, toPage, type Page } from '../system/harbor-listing.js';
import type { QuotaDto, TListQuotasQuery, TUpdateQuotaRequest } from './quota.dto.js';

const QUOTA_SORT_FIELDS = {
  'hard.storage': 'quotaLimit',
  'used.storage': 'quotaUsed',
  creation_time: 'createdAt',
  update_time: 'updatedAt',
  id: 'id',
} as const;

/**
 * Storage quotas, one per project (`project.quota_limit` / `quota_used`). Usage is kept by the
 * registry's metadata store in the transaction of each manifest push and delete; only the limit
 * changes here. A limit below the current usage is allowed: pushes that add bytes are refused.
 */
@Injectable()
export class QuotaService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(QuotaRepository) private readonly quotas: QuotaRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(query: TListQuotasQuery): Promise<Page<QuotaDto>> {
    const page = pageRequest(query);
    // Every quota references a project; another reference type matches nothing.
    if (query.reference !== undefined && query.reference !== 'project') return toPage([], 0, page);
    let projectId: bigint | undefined;
    if (query.reference_id !== undefined) {
      if (!/^\d{1,18}$/.test(query.reference_id)) {
        throw HarborError.badRequest('reference_id must be a project id (a positive integer)');
      }
      projectId = BigInt(query.reference_id);
    }
    const { total, items } = await this.quotas.list({
      ...(projectId !== undefined ? { projectId } : {}),
      sort: parseSort(query.sort, QUOTA_SORT_FIELDS),
      offset: page.offset,
      limit: page.pageSize,
    });
    return toPage(items.map(toQuotaDto), total, page);
  }

  async get(id: bigint): Promise<QuotaDto> {
    const quota = await this.quotas.find(id);
    if (!quota) throw HarborError.notFound(`quota ${id} not found`);
    return toQuotaDto(quota);
  }

  async update(
    id: bigint,
    request: TUpdateQuotaRequest,
    principal: Principal,
    clientIp: string,
  ): Promise<void> {
    await this.database.transaction(async (tx) => {
      const projectName = await this.quotas.setLimit(tx, id, BigInt(request.hard.storage));
      if (projectName === null) throw HarborError.notFound(`quota ${id} not found`);
      await this.audit.append(tx, {
        projectId: id,
        operation: 'update',
        resourceType: 'quota',
        resource: `${projectName}:storage=${request.hard.storage}`,
        username: principalName(principal),
        clientIp,
      });
    });
  }
}

function toQuotaDto(quota: ProjectQuota): QuotaDto {
  return {
    id: Number(quota.projectId),
    ref: { id: Number(quota.projectId), name: quota.projectName, owner_name: quota.ownerName ?? '' },
    hard: { storage: Number(quota.limit) },
    used: { storage: Number(quota.used) },
    creation_time: quota.createdAt.toISOString(),
    update_time: quota.updatedAt.toISOString(),
  };
}
