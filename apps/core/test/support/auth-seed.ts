/**
 * Users, projects and members written straight into a test core's database, for the token and
 * robot tests: they need a cast of roles without depending on every other API being finished.
 *
 *   const seed = await AuthSeed.connect(core.databaseUrl);
 *   const alice = await seed.user('alice');                 // password DEFAULT_PASSWORD
 *   const team = await seed.project('team', { public: false });
 *   await seed.member(team, alice, ProjectRole.Developer);
 */
import { randomBytes } from 'node:crypto';
import { createPool, type Pool } from '@berth/db';
import { hashPassword } from '../../src/crypto/password-hasher.js';
import type { ProjectRole } from '../../src/rbac/rbac-policy.js';
import { ADMIN_PASSWORD } from './core-process.js';

/** Every seeded user's password unless told otherwise (meets the password policy). */
export const DEFAULT_PASSWORD = 'Passw0rd-Berth';

export interface SeededUser {
  id: bigint;
  username: string;
  password: string;
}

export interface SeededProject {
  id: bigint;
  name: string;
}

export class AuthSeed {
  private passwordHash: string | null = null;

  private constructor(private readonly pool: Pool) {}

  static async connect(databaseUrl: string): Promise<AuthSeed> {
    const seed = new AuthSeed(createPool(databaseUrl, { max: 2 }));
    await seed.ensureAdmin();
    return seed;
  }

  /** `admin` as the core's bootstrap makes it; created here only if the core has not. */
  async ensureAdmin(): Promise<SeededUser> {
    const existing = await this.pool.query<{ id: string }>(`SELECT id FROM "user" WHERE username = 'admin'`);
    if (existing.rows[0])
      return { id: BigInt(existing.rows[0].id), username: 'admin', password: ADMIN_PASSWORD };
    return this.user('admin', { password: ADMIN_PASSWORD, sysadmin: true });
  }

  async user(username: string, options: { password?: string; sysadmin?: boolean } = {}): Promise<SeededUser> {
    const password = options.password ?? DEFAULT_PASSWORD;
    // Hashing costs tens of milliseconds; seeded users share the default password's hash.
    const hash =
      password === DEFAULT_PASSWORD
        ? (this.passwordHash ??= await hashPassword(DEFAULT_PASSWORD))
        : await hashPassword(password);
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO "user" (username, email, password_hash, sysadmin) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash RETURNING id`,
      [
        username,
        `${username}-${randomBytes(3).toString('hex')}@example.com`,
        hash,
        options.sysadmin ?? false,
      ],
    );
    return { id: BigInt(rows[0]!.id), username, password };
  }

  async project(name: string, options: { public?: boolean; ownerId?: bigint } = {}): Promise<SeededProject> {
    const metadata = JSON.stringify({ public: options.public ? 'true' : 'false' });
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO project (name, owner_id, metadata) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (name) DO UPDATE SET metadata = EXCLUDED.metadata RETURNING id`,
      [name, options.ownerId ?? null, metadata],
    );
    return { id: BigInt(rows[0]!.id), name };
  }

  async member(
    project: SeededProject,
    user: SeededUser,
    role: ProjectRole,
    repositoryScopes: string[] = [],
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO project_member (project_id, user_id, role, repository_scopes) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role, repository_scopes = EXCLUDED.repository_scopes`,
      [project.id, user.id, role, JSON.stringify(repositoryScopes)],
    );
  }

  /**
   * A robot account row (`robot$<name>` for system level, `robot$<project>+<name>` for project
   * level, with the default prefix); answers the name to log in with.
   */
  async robot(options: {
    name: string;
    secret: string;
    project?: SeededProject;
    permissions: {
      kind: 'project' | 'system';
      namespace: string;
      access: { resource: string; action: string; effect?: string }[];
    }[];
    disabled?: boolean;
    expiresAt?: Date | null;
  }): Promise<{ id: bigint; username: string; password: string }> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO robot (name, level, project_id, secret_hash, duration, expires_at, disabled, permissions)
       VALUES ($1, $2, $3, $4, -1, $5, $6, $7::jsonb) RETURNING id`,
      [
        options.name,
        options.project ? 'project' : 'system',
        options.project?.id ?? null,
        await hashPassword(options.secret),
        options.expiresAt ?? null,
        options.disabled ?? false,
        JSON.stringify(options.permissions),
      ],
    );
    const username = options.project
      ? `robot$${options.project.name}+${options.name}`
      : `robot$${options.name}`;
    return { id: BigInt(rows[0]!.id), username, password: options.secret };
  }

  /** Sets a `system_setting` value (JSON), or removes it with `undefined`. */
  async setting(key: string, value: unknown): Promise<void> {
    if (value === undefined) {
      await this.pool.query('DELETE FROM system_setting WHERE key = $1', [key]);
      return;
    }
    await this.pool.query(
      `INSERT INTO system_setting (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }

  /** Runs any SQL against the core's database (for assertions on audit rows and the like). */
  query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.pool.query<T>(sql, params).then((result) => result.rows);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface Credentials {
  username: string;
  password: string;
}

export function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

/** The body `/service/token` answers: a token, or Harbor's error shape. */
export interface TokenBody {
  token?: string;
  access_token?: string;
  expires_in?: number;
  issued_at?: string;
  refresh_token?: string;
  scope?: string;
  errors?: { code: string; message: string }[];
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: AccessEntry[];
}

export interface TokenHeader {
  alg: string;
  kid: string;
  typ?: string;
}

export interface TokenReply {
  status: number;
  body: TokenBody;
  /** The JWT's payload, when a token was answered. */
  claims: TokenClaims | null;
  /** The JWT's protected header, when a token was answered. */
  header: TokenHeader | null;
}

/** The first error of an error body (throws when there is none). */
export function firstError(body: { errors?: { code: string; message: string }[] }): {
  code: string;
  message: string;
} {
  const error = body.errors?.[0];
  if (!error) throw new Error(`expected an error body, got ${JSON.stringify(body).slice(0, 300)}`);
  return error;
}

/** `GET /service/token?service=berth&scope=…` as a client does, with Basic credentials or none. */
export async function fetchToken(
  baseUrl: string,
  credentials: Credentials | null,
  scopes: string[] = [],
  extra: Record<string, string> = {},
): Promise<TokenReply> {
  const query = new URLSearchParams({ service: 'berth', ...extra });
  for (const scope of scopes) query.append('scope', scope);
  const response = await fetch(`${baseUrl}/service/token?${query}`, {
    headers: credentials ? { authorization: basic(credentials) } : {},
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as TokenBody) : {};
  const token = typeof body.token === 'string' ? body.token : null;
  return {
    status: response.status,
    body,
    claims: token ? decodePart<TokenClaims>(token, 1) : null,
    header: token ? decodePart<TokenHeader>(token, 0) : null,
  };
}

export function decodePart<T>(token: string, index: number): T {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as T;
}

/** The actions a token grants on one resource (empty when the resource is listed without any). */
export function grantedActions(reply: TokenReply, type: string, name: string): string[] | undefined {
  const access = reply.claims?.access ?? [];
  return access.find((entry) => entry.type === type && entry.name === name)?.actions;
}
