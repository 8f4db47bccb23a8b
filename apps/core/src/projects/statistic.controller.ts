import { Controller, Get, Inject } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { ApiResult } from '../common/openapi.js';
import { ZStatistic, type StatisticDto } from './project.dto.js';
import { StatisticService } from './statistic.service.js';

@Controller('api/v2.0/statistics')
export class StatisticController {
  constructor(@Inject(StatisticService) private readonly statistics: StatisticService) {}

  /** Harbor's `GET /statistics`: signed-in callers only; totals for system administrators. */
  @Get()
  @Access({ scope: 'authenticated' })
  @ApiResult(ZStatistic)
  getStatistic(@CurrentPrincipal() principal: Principal): Promise<StatisticDto> {
    return this.statistics.statistic(principal);
  }
}
