import { Body, Controller, Get, Inject, Ip, Param, Put, Query, UseInterceptors } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { Action, SystemResource } from '../rbac/rbac-policy.js';
import { PageHeadersInterceptor as HarborPageInterceptor } from '../common/paging.js';
import type { Page } from '../system/harbor-listing.js';
import { ZodValidationPipe } from '../system/zod-validation.pipe.js';
import {
  ZListQuotasQuery,
  ZQuotaId,
  ZUpdateQuotaRequest,
  type QuotaDto,
  type TListQuotasQuery,
  type TUpdateQuotaRequest,
} from './quota.dto.js';
import { QuotaService } from './quota.service.js';

@Controller('api/v2.0/quotas')
export class QuotaController {
  constructor(@Inject(QuotaService) private readonly quotas: QuotaService) {}

  @Get()
  @Access({ scope: 'system', resource: SystemResource.Quota, action: Action.List })
  @UseInterceptors(HarborPageInterceptor)
  listQuotas(
    @Query(new ZodValidationPipe(ZListQuotasQuery, 'query')) query: TListQuotasQuery,
  ): Promise<Page<QuotaDto>> {
    return this.quotas.list(query);
  }

  @Get(':id')
  @Access({ scope: 'system', resource: SystemResource.Quota, action: Action.Read })
  getQuota(@Param('id', new ZodValidationPipe(ZQuotaId, 'quota id')) id: bigint): Promise<QuotaDto> {
    return this.quotas.get(id);
  }

  @Put(':id')
  @Access({ scope: 'system', resource: SystemResource.Quota, action: Action.Update })
  updateQuota(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(ZQuotaId, 'quota id')) id: bigint,
    @Body(new ZodValidationPipe(ZUpdateQuotaRequest, 'request body')) body: TUpdateQuotaRequest,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.quotas.update(id, body, principal, clientIp);
  }
}
