import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { AuditService } from '../audit/audit.service.js';
import { SystemSettingRepository, UserRepository } from '@berth/db';
import { AuthenticationService, robotPrincipal } from '../auth/authentication.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { AccessControlService } from '../rbac/access-control.service.js';
import { ProjectLookupService } from '../rbac/project-lookup.service.js';
import {
  Action,
  hasPermission,
  PUBLIC_PROJECT_PERMISSIONS,
  REGISTRY_ACTION_PERMISSION,
  SystemResource,
  type Permission,
} from '../rbac/rbac-policy.js';
import { SigningKeyService, TOKEN_ALGORITHM } from './signing-key.service.js';
import { projectDeletedKey, projectHiddenKey, TokenRevocationService } from './token-revocation.service.js';
import type { OAuthTokenResponseDto, TOAuthTokenForm, TokenResponseDto, TTokenQuery } from './token.dto.js';
import {
  formatScope,
  parseScopes,
  requestedRepositoryActions,
  ScopeError,
  splitRepository,
  type ResourceActions,
} from './token-scope.js';
import { DEFAULT_TOKEN_MINUTES, PUBLIC_PULL_CLAIM, TOKEN_ISSUER, TOKEN_SERVICE } from './token-settings.js';

/** A principal's permissions in a project: all it holds, and those it holds by its own right. */
interface RepositoryPermissions {
  held: readonly Permission[];
  own: readonly Permission[];
}

/** Longest lifetime the `token_expiration` setting may ask for: one day. */
const MAX_TOKEN_MINUTES = 24 * 60;

/**
 * The distribution token service: grants each scope asked the part the principal holds (from the
 * one permission table) and signs it into a short-lived ES256 JWT.
 */
@Injectable()
export class TokenService {
  constructor(
    @Inject(SigningKeyService) private readonly keys: SigningKeyService,
    @Inject(AccessControlService) private readonly accessControl: AccessControlService,
    @Inject(ProjectLookupService) private readonly projects: ProjectLookupService,
    @Inject(AuthenticationService) private readonly authentication: AuthenticationService,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(SystemSettingRepository) private readonly settings: SystemSettingRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  /** `GET /service/token`: the principal the access guard authenticated (Basic or none). */
  async issue(principal: Principal, query: TTokenQuery, clientIp: string): Promise<TokenResponseDto> {
    const scopes = this.scopesOf(query.scope);
    const token = await this.sign(principal, scopes);
    if (scopes.length === 0) await this.recordLogin(principal, clientIp);
    return token;
  }

  /** `POST /service/token` with `grant_type=password`. */
  async passwordGrant(form: TOAuthTokenForm, clientIp: string): Promise<OAuthTokenResponseDto> {
    if (form.grant_type !== 'password') {
      throw HarborError.badRequest('refresh tokens are not issued; use grant_type=password');
    }
    if (!form.username || form.password === undefined) {
      throw HarborError.badRequest('grant_type=password needs username and password');
    }
    const scopes = this.scopesOf(form.scope);
    const principal = await this.authentication.verifyCredentials(form.username, form.password, clientIp);
    if (!principal) throw HarborError.unauthorized('authentication required: invalid username or password');
    const token = await this.sign(principal, scopes);
    if (scopes.length === 0) await this.recordLogin(principal, clientIp);
    return { ...token, scope: scopes.map(formatScope).join(' ') };
  }

  /** The part of each scope the principal holds; scopes it holds nothing of stay with no actions. */
  async grant(principal: Principal, scopes: ResourceActions[]): Promise<ResourceActions[]> {
    return (await this.grantWithOrigin(principal, scopes)).access;
  }

  /**
   * The grant, and the repositories whose pull it holds only because their project is public: a
   * token carries those (`public_pull`) so that making the project private can stop them.
   */
  private async grantWithOrigin(
    principal: Principal,
    scopes: ResourceActions[],
  ): Promise<{ access: ResourceActions[]; publicPull: string[] }> {
    const permissionsByProject = new Map<string, RepositoryPermissions | null>();
    const access: ResourceActions[] = [];
    const publicPull: string[] = [];
    for (const scope of scopes) {
      if (scope.type === 'repository') {
        const { actions, pullIsPublic } = await this.grantRepository(principal, scope, permissionsByProject);
        access.push({ type: scope.type, name: scope.name, actions });
        if (pullIsPublic) publicPull.push(scope.name);
      } else if (scope.type === 'registry' && scope.name === 'catalog') {
        const allowed =
          scope.actions.includes('*') &&
          (await this.accessControl.canSystem(principal, SystemResource.Catalog, Action.Read));
        access.push({ type: scope.type, name: scope.name, actions: allowed ? ['*'] : [] });
      }
      // Other resource types (plugins, notary) do not exist here: nothing is granted for them.
    }
    return { access, publicPull };
  }

  /**
   * Whether `subject` (a token's `sub`) would be granted every action of `scope` now: tells a
   * client whose token is merely too narrow (ask again) from one that is refused.
   */
  async couldGrant(subject: string, scope: ResourceActions): Promise<boolean> {
    const principal = await this.principalForSubject(subject);
    if (!principal) return false;
    const [granted] = await this.grant(principal, [scope]);
    if (!granted) return false;
    if (scope.type === 'registry') return granted.actions.includes('*');
    return requestedRepositoryActions(scope.actions).every((action) => granted.actions.includes(action));
  }

  /** The user or (enabled, unexpired) robot a token's subject names, as it stands now. */
  private async principalForSubject(subject: string): Promise<Principal | null> {
    if (subject === '') return null;
    const prefix = await this.authentication.robotPrefix();
    if (!subject.startsWith(prefix)) {
      const user = await this.users.findByUsername(subject);
      return user ? { kind: 'user', id: user.id, username: user.username, sysadmin: user.sysadmin } : null;
    }
    const found = await this.authentication.activeRobot(subject);
    return found ? robotPrincipal(found.robot, subject) : null;
  }

  private async grantRepository(
    principal: Principal,
    scope: ResourceActions,
    cache: Map<string, RepositoryPermissions | null>,
  ): Promise<{ actions: string[]; pullIsPublic: boolean }> {
    const parts = splitRepository(scope.name);
    if (!parts) return { actions: [], pullIsPublic: false };
    const key = `${parts.project}\u0000${parts.path}`;
    let permissions = cache.get(key);
    if (permissions === undefined) {
      const project = await this.projects.findByName(parts.project);
      permissions = null;
      if (project) {
        const own = await this.accessControl.ownProjectPermissions(principal, project, parts.path);
        permissions = { own, held: project.public ? [...PUBLIC_PROJECT_PERMISSIONS, ...own] : own };
      }
      cache.set(key, permissions);
    }
    if (!permissions) return { actions: [], pullIsPublic: false };
    const { held, own } = permissions;
    const actions = requestedRepositoryActions(scope.actions).filter((action) => {
      const needed = REGISTRY_ACTION_PERMISSION[action];
      return hasPermission(held, needed.resource, needed.action);
    });
    const pull = REGISTRY_ACTION_PERMISSION.pull;
    const pullIsPublic = actions.includes('pull') && !hasPermission(own, pull.resource, pull.action);
    return { actions, pullIsPublic };
  }

  private async sign(principal: Principal, scopes: ResourceActions[]): Promise<TokenResponseDto> {
    const subject = principal.kind === 'anonymous' ? '' : principalName(principal);
    // A token signed in the second of a revocation would be refused with the revoked ones: that of
    // its subject, or of a project it names (deleted, perhaps created again since).
    await this.revocations.waitUntilIssuable(subject);
    for (const project of projectsOf(scopes)) {
      await this.revocations.waitUntilIssuable(projectDeletedKey(project));
      await this.revocations.waitUntilIssuable(projectHiddenKey(project));
    }
    const { access, publicPull } = await this.grantWithOrigin(principal, scopes);
    const minutes = await this.lifetimeMinutes();
    const issuedAt = Math.floor(Date.now() / 1000);
    const key = this.keys.signingKey();
    const claims = publicPull.length > 0 ? { access, [PUBLIC_PULL_CLAIM]: publicPull } : { access };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setSubject(subject)
      .setAudience(TOKEN_SERVICE)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + minutes * 60)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return {
      token,
      access_token: token,
      expires_in: minutes * 60,
      issued_at: new Date(issuedAt * 1000).toISOString(),
    };
  }

  private scopesOf(value: string | string[] | undefined): ResourceActions[] {
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    try {
      return parseScopes(values);
    } catch (error) {
      if (error instanceof ScopeError) throw HarborError.badRequest(error.message);
      throw error;
    }
  }

  /** The `token_expiration` setting (minutes), else 30. */
  private async lifetimeMinutes(): Promise<number> {
    const value = Number(await this.settings.value('token_expiration'));
    return Number.isInteger(value) && value > 0 ? Math.min(value, MAX_TOKEN_MINUTES) : DEFAULT_TOKEN_MINUTES;
  }

  /**
   * A token asked without any scope is a `docker login` (or podman's, skopeo's): that is the login
   * worth auditing. Tokens for each pull and push are not, or the log would repeat every transfer.
   */
  private async recordLogin(principal: Principal, clientIp: string): Promise<void> {
    if (principal.kind === 'anonymous') return;
    await this.audit.record({
      operation: 'login',
      resourceType: 'user',
      resource: principalName(principal),
      username: principalName(principal),
      clientIp,
      success: true,
    });
  }
}

function projectsOf(scopes: ResourceActions[]): Set<string> {
  const projects = new Set<string>();
  for (const scope of scopes) {
    const parts = scope.type === 'repository' ? splitRepository(scope.name) : null;
    if (parts) projects.add(parts.project);
  }
  return projects;
}
