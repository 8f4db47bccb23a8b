import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  RobotRepository,
  SystemSettingRepository,
  UserRepository,
  UserSessionRepository,
  type Robot,
} from '@berth/db';
import { HarborError } from '../common/harbor-error.js';
import { verifyPassword } from '../crypto/password-hasher.js';
import { SecretBox } from '../crypto/secret-box.js';
import { LoginThrottler } from './login-throttler.js';
import {
  ANONYMOUS,
  type Principal,
  type RobotPermission,
  type RobotPrincipal,
  type UserPrincipal,
} from './principal.js';

export const SESSION_COOKIE = 'sid';
export const CSRF_HEADER = 'x-harbor-csrf-token';
const DEFAULT_ROBOT_PREFIX = 'robot$';
const VERIFIED_CREDENTIALS_TTL_MS = 30_000;
const MAX_VERIFIED_CREDENTIALS = 10_000;

export interface RequestCredentials {
  authorization?: string | undefined;
  cookie?: string | undefined;
  address: string;
}

export interface SessionPrincipal {
  principal: UserPrincipal;
  csrfToken: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Turns credentials into a Principal: Basic (user password, user CLI secret or robot secret) or the
 * console's session cookie. Failed attempts are throttled per user and per address.
 */
@Injectable()
export class AuthenticationService {
  /**
   * Credentials verified recently, keyed by an HMAC under a per-process salt: a password hash costs
   * tens of milliseconds, and Basic-auth automation sends the same credentials on every request.
   */
  private readonly verified = new Map<
    string,
    { username: string; principal: UserPrincipal | RobotPrincipal; expiresAt: number }
  >();
  private readonly cacheSalt = randomBytes(32);
  private readonly inFlight = new Map<string, Promise<UserPrincipal | RobotPrincipal | null>>();

  constructor(
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(UserSessionRepository) private readonly sessions: UserSessionRepository,
    @Inject(RobotRepository) private readonly robots: RobotRepository,
    @Inject(SystemSettingRepository) private readonly settings: SystemSettingRepository,
    @Inject(SecretBox) private readonly secrets: SecretBox,
    @Inject(LoginThrottler) private readonly throttler: LoginThrottler,
  ) {}

  /**
   * The request's principal and, for a cookie session, its CSRF token. No credentials at all is
   * anonymous; wrong credentials are an error, never silently anonymous.
   */
  async authenticate(credentials: RequestCredentials): Promise<{ principal: Principal; csrfToken?: string }> {
    const basic = parseBasic(credentials.authorization);
    if (basic) {
      const principal = await this.verifyCredentials(basic.username, basic.password, credentials.address);
      if (!principal) throw HarborError.unauthorized('invalid username or password');
      return { principal };
    }
    const token = parseCookie(credentials.cookie, SESSION_COOKIE);
    if (token) {
      const session = await this.session(token);
      if (session) return { principal: session.principal, csrfToken: session.csrfToken };
    }
    return { principal: ANONYMOUS };
  }

  /** Checks a username and secret; null when they do not match (the failure is counted). */
  async verifyCredentials(
    username: string,
    secret: string,
    address: string,
  ): Promise<UserPrincipal | RobotPrincipal | null> {
    const wait = this.throttler.retryAfter(username, address);
    if (wait > 0) {
      throw new HarborError('TOO_MANY_REQUESTS', `too many failed logins; try again in ${wait} s`, {
        'Retry-After': String(wait),
      });
    }
    const cacheKey = this.credentialKey(username, secret);
    const cached = this.verified.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.principal;
    // Concurrent requests with the same credentials share one hash computation.
    let pending = this.inFlight.get(cacheKey);
    if (!pending) {
      pending = (async () =>
        username.startsWith(await this.robotPrefix())
          ? this.verifyRobot(username, secret)
          : this.verifyUser(username, secret))();
      this.inFlight.set(cacheKey, pending);
      void pending.finally(() => this.inFlight.delete(cacheKey)).catch(() => undefined);
    }
    const principal = await pending;
    if (principal) {
      this.throttler.recordSuccess(username);
      this.remember(cacheKey, username, principal);
    } else {
      this.throttler.recordFailure(username, address);
    }
    return principal;
  }

  /**
   * Forgets verified credentials of `username` (call after its password, secret, role or state
   * changes) so the next request checks them again.
   */
  forgetCredentials(username: string): void {
    for (const [key, entry] of this.verified) if (entry.username === username) this.verified.delete(key);
  }

  private credentialKey(username: string, secret: string): string {
    return createHmac('sha256', this.cacheSalt)
      .update(username)
      .update('\0')
      .update(secret)
      .digest('base64url');
  }

  private remember(key: string, username: string, principal: UserPrincipal | RobotPrincipal): void {
    if (this.verified.size >= MAX_VERIFIED_CREDENTIALS) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(key, { username, principal, expiresAt: Date.now() + VERIFIED_CREDENTIALS_TTL_MS });
  }

  async session(token: string): Promise<SessionPrincipal | null> {
    const session = await this.sessions.findWithUser(hashToken(token));
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    return {
      principal: {
        kind: 'user',
        id: session.user.id,
        username: session.user.username,
        sysadmin: session.user.sysadmin,
      },
      csrfToken: session.csrfToken,
    };
  }

  async robotPrefix(): Promise<string> {
    const prefix = await this.settings.value('robot_name_prefix');
    return typeof prefix === 'string' && prefix ? prefix : DEFAULT_ROBOT_PREFIX;
  }

  /**
   * The robot a login name (`<prefix>name` or `<prefix>project+name`) names while it may log in
   * (enabled, unexpired), with its secret's hash; null otherwise.
   */
  async activeRobot(loginName: string): Promise<{ robot: Robot; secretHash: string } | null> {
    const prefix = await this.robotPrefix();
    if (!loginName.startsWith(prefix)) return null;
    const rest = loginName.slice(prefix.length);
    const plus = rest.indexOf('+');
    const found = await this.robots.findForLogin(
      plus === -1 ? rest : rest.slice(plus + 1),
      plus === -1 ? null : rest.slice(0, plus),
    );
    if (!found || found.robot.disabled) return null;
    if (found.robot.expiresAt && found.robot.expiresAt.getTime() <= Date.now()) return null;
    return found;
  }

  private async verifyUser(username: string, secret: string): Promise<UserPrincipal | null> {
    const user = await this.users.findByUsername(username);
    if (!user) {
      // Spend the same time as a real check so response times do not reveal which users exist.
      await verifyPassword(secret, DUMMY_HASH);
      return null;
    }
    const matches =
      (await verifyPassword(secret, user.passwordHash)) ||
      (user.cliSecret !== null && safeEqual(this.secrets.open(user.cliSecret), secret));
    return matches ? { kind: 'user', id: user.id, username: user.username, sysadmin: user.sysadmin } : null;
  }

  private async verifyRobot(fullName: string, secret: string): Promise<RobotPrincipal | null> {
    const found = await this.activeRobot(fullName);
    if (!found || !(await verifyPassword(secret, found.secretHash))) return null;
    return robotPrincipal(found.robot, fullName);
  }
}

/** The principal of a robot that logged in (or was named in a token) as `fullName`. */
export function robotPrincipal(robot: Robot, fullName: string): RobotPrincipal {
  return {
    kind: 'robot',
    id: robot.id,
    name: fullName,
    level: robot.level,
    projectId: robot.project?.id ?? null,
    permissions: robot.permissions as RobotPermission[],
  };
}

// A valid hash of a random password, so unknown users cost one scrypt like known ones.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function parseBasic(header: string | undefined): { username: string; password: string } | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function parseCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
