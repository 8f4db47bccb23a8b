import { Body, Controller, Get, HttpCode, Inject, Put, Ip } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { Action, SystemResource } from '../rbac/rbac-policy.js';
import { ApiResult } from '../common/openapi.js';
import {
  Configurations,
  toConfigurationsResponse,
  ZConfigurationsResponse,
  type ConfigurationsResponseDto,
} from './configuration.dto.js';
import { ConfigurationService } from './configuration.service.js';

@Controller('api/v2.0/configurations')
export class ConfigurationController {
  constructor(@Inject(ConfigurationService) private readonly configuration: ConfigurationService) {}

  /** Harbor's `getConfigurations`. */
  @Get()
  @Access({ scope: 'system', resource: SystemResource.Configuration, action: Action.Read })
  @ApiResult(ZConfigurationsResponse)
  async getConfigurations(): Promise<ConfigurationsResponseDto> {
    return toConfigurationsResponse(await this.configuration.settings());
  }

  /** Harbor's `updateConfigurations`: a partial map; 200 with no body. */
  @Put()
  @HttpCode(200)
  @Access({ scope: 'system', resource: SystemResource.Configuration, action: Action.Update })
  @ApiResult(null)
  async updateConfigurations(
    @Body() body: Configurations,
    @CurrentPrincipal() principal: Principal,
    @Ip() clientIp: string,
  ): Promise<void> {
    await this.configuration.update(body, principal, clientIp);
  }
}
