import { Body, Controller, Get, Inject, Ip, Param, Put, Query } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { Action, SystemResource } from '../rbac/rbac-policy.js';
import type { Page } from '../system/harbor-listing.js';
import { ListQuotasQuery, QuotaUpdateReq, ZQuota, ZQuotaId, type QuotaDto } from './quota.dto.js';
import { QuotaService } from './quota.service.js';

const quotaId = new ZodValidationPipe(ZQuotaId);

@Controller('api/v2.0/quotas')
export class QuotaController {
  constructor(@Inject(QuotaService) private readonly quotas: QuotaService) {}

  @Get()
  @Access({ scope: 'system', resource: SystemResource.Quota, action: Action.List })
  @PagedResponse(ZQuota)
  listQuotas(@Query() query: ListQuotasQuery): Promise<Page<QuotaDto>> {
    return this.quotas.list(query);
  }

  @Get(':id')
  @Access({ scope: 'system', resource: SystemResource.Quota, action: Action.Read })
  @ApiResult(ZQuota)
  getQuota(@Param('id', quotaId) id: bigint): Promise<QuotaDto> {
    return this.quotas.get(id);
  }

  @Put(':id')
  @Access({ scope: 'system', resource: SystemResource.Quota, action: Action.Update })
  @ApiResult(null)
  updateQuota(
    @CurrentPrincipal() principal: Principal,
    @Param('id', quotaId) id: bigint,
    @Body() body: QuotaUpdateReq,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.quotas.update(id, body, principal, clientIp);
  }
}
