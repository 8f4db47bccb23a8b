import { Body, Controller, Get, HttpCode, Inject, Ip, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_HEADER, SESSION_COOKIE } from '../auth/authentication.service.js';
import { Access } from '../rbac/access.decorator.js';
import { ApiResult } from '../common/openapi.js';
import { AcceptsForm } from '../common/request-edge.js';
import { SessionToken } from './session-token.decorator.js';
import { LoginReq } from './session.dto.js';
import { SessionService } from './session.service.js';

/** Harbor's console login (`/c/login`, `/c/log_out`): an HttpOnly session cookie plus a CSRF token. */
@Controller('c')
export class SessionController {
  constructor(@Inject(SessionService) private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  @Access({ scope: 'public' })
  @AcceptsForm()
  @ApiResult(null, {
    description: 'Signed in: the `sid` cookie is set and `X-Harbor-CSRF-Token` answered.',
    headers: { 'X-Harbor-CSRF-Token': { schema: { type: 'string' } } },
  })
  async login(
    @Body() body: LoginReq,
    @Ip() clientIp: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { token, csrfToken } = await this.sessions.login(body, clientIp);
    void reply
      .header('Set-Cookie', sessionCookie(token, this.sessions.secureCookies(request)))
      .header(CSRF_HEADER, csrfToken)
      .header('Cache-Control', 'no-store');
  }

  @Get('log_out')
  @Access({ scope: 'public' })
  @ApiResult(null, { description: 'Signed out: the `sid` cookie is cleared.' })
  async logout(
    @SessionToken() token: string | null,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.logout(token);
    void reply.header('Set-Cookie', sessionCookie('', this.sessions.secureCookies(request), 0));
  }
}

/** A browser-session cookie (no Max-Age): the server decides when the session ends. */
function sessionCookie(token: string, secure: boolean, maxAge?: number): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
    ...(maxAge === undefined ? [] : [`Max-Age=${maxAge}`]),
  ].join('; ');
}
