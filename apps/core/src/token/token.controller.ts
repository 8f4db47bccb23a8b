import { Body, Controller, Get, Header, HttpCode, Inject, Ip, Post, Query, UseFilters } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { TokenExceptionFilter } from './token-exception.filter.js';
import {
  ZOAuthTokenForm,
  ZTokenQuery,
  type OAuthTokenResponseDto,
  type TOAuthTokenForm,
  type TokenResponseDto,
  type TTokenQuery,
} from './token.dto.js';
import { TokenService } from './token.service.js';
import { ZodValidationPipe } from './zod-validation.pipe.js';

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
  issue(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(ZTokenQuery, 'token request')) query: TTokenQuery,
    @Ip() clientIp: string,
  ): Promise<TokenResponseDto> {
    return this.tokens.issue(principal, query, clientIp);
  }

  @Post('token')
  @HttpCode(200)
  @Access({ scope: 'public' })
  @Header('Cache-Control', 'no-store')
  oauth(
    @Body(new ZodValidationPipe(ZOAuthTokenForm, 'token request')) form: TOAuthTokenForm,
    @Ip() clientIp: string,
  ): Promise<OAuthTokenResponseDto> {
    return this.tokens.passwordGrant(form, clientIp);
  }
}
