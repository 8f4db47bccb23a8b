import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { Database, UserSessionRepository } from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { AuthenticationService, hashToken } from '../auth/authentication.service.js';
import { HarborError } from '../common/harbor-error.js';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import type { LoginResult, TLoginRequest } from './session.dto.js';

/**
 * Console sessions. A session ends after 30 minutes without a request (SessionRenewalInterceptor
 * slides it) and 8 hours after login at the latest, whatever the activity.
 */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 8 * 60 * 60 * 1000;

@Injectable()
export class SessionService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(UserSessionRepository) private readonly sessions: UserSessionRepository,
    @Inject(AuthenticationService) private readonly authentication: AuthenticationService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /**
   * Whether the session cookie must be `Secure`: when the external URL is https, else when the
   * request came over https (directly or through a proxy that says so).
   */
  secureCookies(request: { protocol: string; headers: IncomingHttpHeaders }): boolean {
    if (this.config.externalUrl) return this.config.externalUrl.startsWith('https://');
    return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
  }

  /** Checks the credentials (throttled), records the attempt either way, and opens a session. */
  async login(request: TLoginRequest, clientIp: string): Promise<LoginResult> {
    const attempt = {
      operation: 'login',
      resourceType: 'user',
      resource: request.principal,
      username: request.principal,
      clientIp,
    };
    let principal;
    try {
      principal = await this.authentication.verifyCredentials(request.principal, request.password, clientIp);
    } catch (error) {
      await this.audit.record({ ...attempt, success: false });
      throw error;
    }
    if (!principal || principal.kind !== 'user') {
      await this.audit.record({ ...attempt, success: false });
      throw HarborError.unauthorized(
        principal ? 'robot accounts cannot sign in to the console' : 'invalid username or password',
      );
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = Date.now();
    const userId = principal.id;
    await this.database.transaction(async (tx) => {
      // Housekeeping: the account's ended sessions go when it opens a new one.
      await this.sessions.deleteEnded(tx, userId, new Date(now));
      await this.sessions.create(tx, {
        id: hashToken(token),
        userId,
        csrfToken,
        createdAt: new Date(now),
        expiresAt: new Date(now + SESSION_IDLE_MS),
      });
      await this.audit.append(tx, {
        ...attempt,
        resource: principal.username,
        username: principal.username,
        success: true,
      });
    });
    return { token, csrfToken };
  }

  async logout(token: string | null): Promise<void> {
    if (!token) return;
    await this.sessions.delete(hashToken(token));
  }

  /**
   * Slides a live session's expiry forward, capped at the absolute limit. It writes only when less
   * than 25 minutes remain, so a busy console costs one update every five minutes, not per request.
   */
  async renew(token: string): Promise<void> {
    await this.sessions.renew(hashToken(token), {
      idleMs: SESSION_IDLE_MS,
      absoluteMs: SESSION_ABSOLUTE_MS,
      renewBelowMs: SESSION_IDLE_MS - 5 * 60 * 1000,
    });
  }
}
