import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { Inject, Injectable } from '@nestjs/common';
import {
  isValidRepositoryName,
  type AccessRequest,
  type AuthorizationResult,
  type Authorizer,
} from '@berth/distribution';
import { AuthenticationService, parseBasic } from '../auth/authentication.service.js';
import { principalName, type RobotPrincipal, type UserPrincipal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { ProjectLookupService } from '../rbac/project-lookup.service.js';
import { TokenService } from '../token/token.service.js';
import {
  formatScope,
  requestedRepositoryActions,
  splitRepository,
  type ResourceActions,
} from '../token/token-scope.js';
import { TOKEN_SERVICE, TOKEN_SETTINGS, tokenRealm, type TokenSettings } from '../token/token-settings.js';
import {
  projectDeletedKey,
  projectHiddenKey,
  TokenRevocationService,
} from '../token/token-revocation.service.js';
import { TokenVerifier, type VerifiedToken } from '../token/token-verifier.js';

const DENIED = 'requested access to the resource is denied';
const AUTHENTICATION_REQUIRED = 'authentication required';
/** How long what Basic credentials may do in a repository is reused before it is asked again. */
const BASIC_GRANT_TTL_MS = 5_000;
const MAX_BASIC_GRANTS = 10_000;

type ChallengeError = 'invalid_token' | 'insufficient_scope';

/**
 * `/v2/` under Docker token auth. A request carries `Authorization: Bearer <jwt>` from
 * `/service/token`; the token is verified locally (signature, issuer, audience, lifetime, not
 * revoked since it was issued) and its `access` claim must cover the repository and the actions
 * asked. An allowed request never reads
 * the database; a refused one may, to tell the client what to do:
 *
 * - no token, or an invalid one: 401 with the challenge naming where to get one and the scope;
 * - a token too narrow for what its subject may do now (it was asked for less, or for another
 *   repository): 401 `insufficient_scope`, so the client asks again with the scope in the challenge;
 * - a token of a signed-in subject who may not do it: 403 `DENIED` (saying so when the project does
 *   not exist); for an anonymous token, 401, as logging in may help.
 *
 * Basic credentials are accepted too, as Harbor accepts them (`curl -u`, scripts): checked and
 * throttled as the token service checks them (the verified credentials cached for seconds), and
 * allowed what a token for the same scope would be granted. That grant is kept a few seconds per
 * credentials and scope, and dropped at once when the subject's or project's rights are revoked.
 */
@Injectable()
export class TokenAuthorizer implements Authorizer {
  private readonly basicGrants = new Map<string, { granted: ResourceActions[]; at: number }>();
  private readonly grantSalt = randomBytes(32);

  constructor(
    @Inject(AuthenticationService) private readonly authentication: AuthenticationService,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
    @Inject(ProjectLookupService) private readonly projects: ProjectLookupService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  async authorize(req: IncomingMessage, access: AccessRequest): Promise<AuthorizationResult> {
    const needed = neededScope(access);
    if (access.kind === 'repository' && access.repository !== null && !splitRepository(access.repository)) {
      return this.deny(
        req,
        needed,
        `repository name "${access.repository}" has no project: repositories live in projects, as <project>/<repository>`,
      );
    }
    // A mount also reads the source repository, so the challenge asks for it too, as Docker asks for
    // both at once. A token that never asked for it is sent back; one that asked and got nothing
    // simply mounts nothing (the engine falls back to an upload).
    const source = mountSource(req, access);
    const sourceScope: ResourceActions[] = source
      ? [{ type: 'repository', name: source, actions: ['pull'] }]
      : [];
    const basic = parseBasic(req.headers.authorization);
    if (basic) return this.authorizeBasic(req, basic, needed, sourceScope);
    const bearer = parseBearer(req.headers.authorization);
    if (!bearer) return this.challenge(req, needed && [needed, ...sourceScope], AUTHENTICATION_REQUIRED);
    const check = await this.verifier.verify(bearer);
    if (!check.valid) {
      return this.challenge(
        req,
        needed && [needed, ...sourceScope],
        `${AUTHENTICATION_REQUIRED}: ${check.reason}`,
        'invalid_token',
      );
    }
    const token = check.token;
    if (token.subject !== '' && this.revocations.isRevoked(token.subject, token.issuedAt)) {
      return this.challenge(
        req,
        needed && [needed, ...sourceScope],
        `${AUTHENTICATION_REQUIRED}: the token has been revoked`,
        'invalid_token',
      );
    }
    if (!needed) return allowed(token);
    const revokedFor = [needed.name, ...(source ? [source] : [])].find((name) =>
      this.revokedInProject(token, name),
    );
    if (revokedFor !== undefined) {
      return this.challenge(
        req,
        [needed, ...sourceScope],
        `${AUTHENTICATION_REQUIRED}: the token's access to ${revokedFor} has been revoked`,
        'invalid_token',
      );
    }
    if (covers(token, needed)) {
      if (!source || findEntry(token, 'repository', source)) return allowed(token);
      return this.challenge(
        req,
        [needed, ...sourceScope],
        `${AUTHENTICATION_REQUIRED}: the token does not cover ${source}`,
        'insufficient_scope',
      );
    }
    const scopes = [needed, ...sourceScope];
    if (token.subject === '')
      return this.challenge(req, scopes, AUTHENTICATION_REQUIRED, 'insufficient_scope');
    if (
      !findEntry(token, needed.type, needed.name) ||
      (await this.tokens.couldGrant(token.subject, needed))
    ) {
      return this.challenge(
        req,
        scopes,
        `${AUTHENTICATION_REQUIRED}: the token does not grant ${formatScope(needed)}`,
        'insufficient_scope',
      );
    }
    return this.deny(req, needed, await this.denialReason(needed));
  }

  /** Basic credentials: what a token for the same scopes would allow, without the round trip. */
  private async authorizeBasic(
    req: IncomingMessage,
    credentials: { username: string; password: string },
    needed: ResourceActions | null,
    sourceScope: ResourceActions[],
  ): Promise<AuthorizationResult> {
    const scopes = needed ? [needed, ...sourceScope] : null;
    let principal: UserPrincipal | RobotPrincipal | null;
    try {
      principal = await this.authentication.verifyCredentials(
        credentials.username,
        credentials.password,
        req.socket.remoteAddress ?? '',
      );
    } catch (error) {
      if (error instanceof HarborError && error.status === 429) {
        return {
          allowed: false,
          status: 401,
          challenge: this.challengeHeader(req, scopes),
          message: error.message,
        };
      }
      throw error;
    }
    if (!principal)
      return this.challenge(req, scopes, `${AUTHENTICATION_REQUIRED}: invalid username or password`);
    const subject = principalName(principal);
    if (!needed) return { allowed: true, subject };
    const granted = await this.basicGrant(credentials, principal, subject, [needed, ...sourceScope]);
    const token = { subject, access: granted } as Pick<VerifiedToken, 'subject' | 'access'>;
    if (covers(token, needed)) return { allowed: true, subject };
    return this.deny(req, needed, await this.denialReason(needed));
  }

  private async basicGrant(
    credentials: { username: string; password: string },
    principal: UserPrincipal | RobotPrincipal,
    subject: string,
    scopes: ResourceActions[],
  ): Promise<ResourceActions[]> {
    // Keyed by an HMAC under a per-process salt: no secret is kept in memory as it was sent.
    const key = createHmac('sha256', this.grantSalt)
      .update(`${credentials.username}\0${credentials.password}\0${scopes.map(formatScope).join(' ')}`)
      .digest('base64url');
    const cached = this.basicGrants.get(key);
    const now = Date.now();
    if (cached && now - cached.at < BASIC_GRANT_TTL_MS && !this.grantRevoked(subject, scopes, cached.at)) {
      return cached.granted;
    }
    const granted = await this.tokens.grant(principal, scopes);
    if (this.basicGrants.size >= MAX_BASIC_GRANTS) {
      const oldest = this.basicGrants.keys().next().value;
      if (oldest !== undefined) this.basicGrants.delete(oldest);
    }
    this.basicGrants.set(key, { granted, at: now });
    return granted;
  }

  /** Whether rights were revoked since `at` (ms) for the subject or the projects of `scopes`. */
  private grantRevoked(subject: string, scopes: ResourceActions[], at: number): boolean {
    const second = Math.floor(at / 1000);
    if (this.revocations.isRevoked(subject, second)) return true;
    return scopes.some((scope) => {
      const parts = scope.type === 'repository' ? splitRepository(scope.name) : null;
      return (
        parts !== null &&
        (this.revocations.isRevoked(projectDeletedKey(parts.project), second) ||
          this.revocations.isRevoked(projectHiddenKey(parts.project), second))
      );
    });
  }

  /**
   * Whether the token lost `repository` with its project: the project was deleted since the token
   * was issued, or made private while the token held its pull only because it was public.
   */
  private revokedInProject(token: VerifiedToken, repository: string): boolean {
    const parts = splitRepository(repository);
    if (!parts) return false;
    if (this.revocations.isRevoked(projectDeletedKey(parts.project), token.issuedAt)) return true;
    return (
      token.publicPull.includes(repository) &&
      this.revocations.isRevoked(projectHiddenKey(parts.project), token.issuedAt)
    );
  }

  private async denialReason(needed: ResourceActions): Promise<string> {
    const parts = needed.type === 'repository' ? splitRepository(needed.name) : null;
    if (!parts) return DENIED;
    return (await this.projects.findByName(parts.project)) ? DENIED : `project ${parts.project} not found`;
  }

  /**
   * 403 DENIED. The reason also goes in the challenge's `error_description` (RFC 6750), which
   * clients read where a response has no body (a `HEAD` for a blob).
   */
  private deny(req: IncomingMessage, needed: ResourceActions | null, message: string): AuthorizationResult {
    const challenge = this.challengeHeader(req, needed, 'insufficient_scope');
    const description = message.replaceAll('"', "'");
    return {
      allowed: false,
      status: 403,
      challenge: `${challenge},error_description="${description}"`,
      message,
    };
  }

  private challenge(
    req: IncomingMessage,
    scopes: ResourceActions | ResourceActions[] | null,
    message: string,
    error?: ChallengeError,
  ): AuthorizationResult {
    return { allowed: false, status: 401, challenge: this.challengeHeader(req, scopes, error), message };
  }

  private challengeHeader(
    req: IncomingMessage,
    scopes: ResourceActions | ResourceActions[] | null,
    error?: ChallengeError,
  ): string {
    const realm = tokenRealm(this.settings, req.headers, Boolean((req.socket as TLSSocket).encrypted));
    const parts = [`realm="${realm}"`, `service="${TOKEN_SERVICE}"`];
    const list = scopes === null ? [] : Array.isArray(scopes) ? scopes : [scopes];
    if (list.length > 0) parts.push(`scope="${list.map(formatScope).join(' ')}"`);
    if (error) parts.push(`error="${error}"`);
    return `Bearer ${parts.join(',')}`;
  }
}

function allowed(token: VerifiedToken): AuthorizationResult {
  return token.subject === '' ? { allowed: true } : { allowed: true, subject: token.subject };
}

/** The scope a request needs, as a token request would ask it; null for `GET /v2/`. */
function neededScope(access: AccessRequest): ResourceActions | null {
  if (access.kind === 'catalog') return { type: 'registry', name: 'catalog', actions: ['*'] };
  if (access.kind === 'repository' && access.repository !== null) {
    return { type: 'repository', name: access.repository, actions: [...access.actions] };
  }
  return null;
}

function covers(token: Pick<VerifiedToken, 'access'>, needed: ResourceActions): boolean {
  const entry = findEntry(token, needed.type, needed.name);
  if (!entry) return false;
  if (needed.type === 'registry') return entry.actions.includes('*');
  const granted = requestedRepositoryActions(entry.actions);
  return requestedRepositoryActions(needed.actions).every((action) => granted.includes(action));
}

function findEntry(
  token: Pick<VerifiedToken, 'access'>,
  type: string,
  name: string,
): ResourceActions | undefined {
  return token.access.find((entry) => entry.type === type && entry.name === name);
}

function parseBearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9_.~+/=-]+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** `from` of `POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<repository>`, when well formed. */
function mountSource(req: IncomingMessage, access: AccessRequest): string | null {
  if (req.method !== 'POST' || access.kind !== 'repository' || !access.actions.includes('push')) return null;
  const url = req.url ?? '';
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return null;
  const query = new URLSearchParams(url.slice(queryStart + 1));
  const from = query.get('from');
  if (!query.get('mount') || !from || from === access.repository) return null;
  return isValidRepositoryName(from) && splitRepository(from) ? from : null;
}
