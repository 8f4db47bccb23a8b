import { Body, Controller, Get, Header, HttpCode, Inject, Ip, Post, Query, UseFilters } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { TokenExceptionFilter } from './token-exception.filter.js';
import { ApiResult } from '../common/openapi.js';
import { AcceptsForm } from '../common/request-edge.js';
import {
  OAuthTokenForm,
  TokenQuery,
  ZOAuthTokenResponse,
  ZTokenResponse,
  type OAuthTokenResponseDto,
  type TokenResponseDto,
} from './token.dto.js';
import { TokenService } from './token.service.js';

/**
 * The distribution token endpoint `docker login`, podman, skopeo and containerd call. Public: the
 * access guard has already turned Basic credentials into the principal (or refused them), and a
 * request without any is anonymous.
 */
@Controller('service')
@UseFilters(TokenExceptionFilter)
export class TokenController {
  constructor(@Inject(TokenService) private readonly tokens: TokenService) {}

  @Get('token')
  @Access({ scope: 'public' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ operationId: 'getToken' })
  @ApiResult(ZTokenResponse)
  issue(
    @CurrentPrincipal() principal: Principal,
    @Query() query: TokenQuery,
    @Ip() clientIp: string,
  ): Promise<TokenResponseDto> {
    return this.tokens.issue(principal, query, clientIp);
  }

  @Post('token')
  @HttpCode(200)
  @Access({ scope: 'public' })
  @Header('Cache-Control', 'no-store')
  @AcceptsForm()
  @ApiOperation({ operationId: 'postToken' })
  @ApiResult(ZOAuthTokenResponse)
  oauth(@Body() form: OAuthTokenForm, @Ip() clientIp: string): Promise<OAuthTokenResponseDto> {
    return this.tokens.passwordGrant(form, clientIp);
  }
}
