import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { parseCookie, SESSION_COOKIE } from '../auth/authentication.service.js';

/** The console session token the request was authenticated with, or null (Basic or anonymous). */
export function sessionTokenOf(request: FastifyRequest): string | null {
  // Basic credentials win over a cookie in the access guard, so such a request used no session.
  if (request.headers.authorization) return null;
  return parseCookie(request.headers.cookie, SESSION_COOKIE);
}

export const SessionToken = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  sessionTokenOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
