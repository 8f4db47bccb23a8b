import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { parseBasic } from '../auth/authentication.service.js';
import { HarborError } from '../common/harbor-error.js';
import { HarborExceptionFilter } from '../common/harbor-exception.filter.js';

const AUTHENTICATION_REQUIRED = 'authentication required';

/**
 * The token endpoint's errors: a failed login (wrong credentials, whether the access guard or the
 * OAuth2 form found them) is audited and told as `authentication required: …`, which `docker login`
 * prints; everything else is answered as anywhere in the API.
 */
@Catch()
export class TokenExceptionFilter implements ExceptionFilter {
  private readonly fallback = new HarborExceptionFilter();

  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HarborError && exception.code === 'UNAUTHORIZED') {
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      const message = exception.message.startsWith(AUTHENTICATION_REQUIRED)
        ? exception.message
        : `${AUTHENTICATION_REQUIRED}: ${exception.message}`;
      const answer = () =>
        this.fallback.catch(new HarborError('UNAUTHORIZED', message, exception.headers), host);
      const username = attemptedUsername(request);
      if (username === null) return answer();
      // Answered once the failure is on record (AuditService.record never rejects).
      void this.audit
        .record({
          operation: 'login',
          resourceType: 'user',
          resource: username,
          username,
          clientIp: request.ip,
          success: false,
        })
        .then(answer);
      return;
    }
    this.fallback.catch(exception, host);
  }
}

function attemptedUsername(request: FastifyRequest): string | null {
  const basic = parseBasic(request.headers.authorization);
  if (basic) return basic.username.slice(0, 255);
  const body = request.body as Record<string, unknown> | undefined;
  return typeof body?.username === 'string' ? body.username.slice(0, 255) : null;
}
