import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import { ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiResult } from '../common/openapi.js';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { externalUrl } from './external-url.js';
import { ZGeneralInfo, type GeneralInfoDto } from './system-info.dto.js';
import { SystemInfoService } from './system-info.service.js';

@Controller('api/v2.0')
export class SystemController {
  constructor(@Inject(SystemInfoService) private readonly systemInfo: SystemInfoService) {}

  /** Harbor's `getPing`: the API process is up, whatever its dependencies say. */
  @Get('ping')
  @Access({ scope: 'public' })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ operationId: 'getPing' })
  @ApiProduces('text/plain')
  @ApiResult(z.string())
  ping(): string {
    return 'Pong';
  }

  /** Harbor's `getSystemInfo`. */
  @Get('systeminfo')
  @Access({ scope: 'public' })
  @ApiResult(ZGeneralInfo)
  getSystemInfo(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<GeneralInfoDto> {
    return this.systemInfo.info(principal, externalUrl(request));
  }
}
