import {
  Inject,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import type { AuthorizedRequest } from '../rbac/access.decorator.js';
import { sessionTokenOf } from './session-token.decorator.js';
import { SessionService } from './session.service.js';

/** Every request made with a live console session keeps it alive (see SessionService.renew). */
@Injectable()
export class SessionRenewalInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Session');

  constructor(@Inject(SessionService) private readonly sessions: SessionService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<FastifyRequest & AuthorizedRequest>();
      const token = request.principal?.kind === 'user' ? sessionTokenOf(request) : null;
      if (token) {
        // Off the request's path: a failed renewal only shortens the session.
        this.sessions.renew(token).catch((error: unknown) => {
          this.logger.warn(
            `session renewal failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        });
      }
    }
    return next.handle();
  }
}
