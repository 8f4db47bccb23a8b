import { Controller, Get, Inject } from '@nestjs/common';
import { Access } from '../rbac/access.decorator.js';
import { ApiResult } from '../common/openapi.js';
import { ZOverallHealthStatus, type OverallHealthStatusDto } from './health.dto.js';
import { HealthService } from './health.service.js';

@Controller('api/v2.0')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** Harbor's `GET /api/v2.0/health`: 200 with the overall and per-component status. */
  @Get('health')
  @Access({ scope: 'public' })
  @ApiResult(ZOverallHealthStatus)
  getHealth(): Promise<OverallHealthStatusDto> {
    return this.health.check();
  }
}
