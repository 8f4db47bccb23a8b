/**
 * Seeding helpers for the repository, artifact and search API tests: projects, users, members and
 * labels (through the API where it exists, else SQL), and images pushed through `/v2/` by a client
 * that answers Docker token auth challenges with the admin's credentials.
 */
import { randomBytes } from 'node:crypto';
import { createPool } from '@berth/db';
import { hashPassword } from '../../src/crypto/password-hasher.js';
import { ProjectRole } from '../../src/rbac/rbac-policy.js';
import { ADMIN_PASSWORD, type CoreProcess } from '../support/core-process.js';
import { OciClient, type Manifest, type Reply, type RequestOptions } from '../support/oci-fixtures.js';

export const USER_PASSWORD = 'Berth-Test-Passw0rd';

export interface Credentials {
  username: string;
  password: string;
}

export const ADMIN: Credentials = { username: 'admin', password: ADMIN_PASSWORD };

// Tests read reply bodies loosely; the swagger validation checks their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiReply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** Calls `/api/v2.0<path>` (or `path` as given when it starts with `/`+`api`), as `who` or anonymously. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { as?: Credentials | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiReply<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.as) headers.authorization = basic(options.as);
  let body: string | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const url = path.startsWith('/api/') ? `${baseUrl}${path}` : `${baseUrl}/api/v2.0${path}`;
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** Harbor clients encode the repository path twice: `team/app` → `team%252Fapp`. */
export function repoParam(path: string): string {
  return encodeURIComponent(encodeURIComponent(path));
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * An OCI client that answers `401` + `WWW-Authenticate: Bearer realm=…,service=…,scope=…` by
 * fetching a token from the realm with Basic credentials and retrying, so pushes work whether
 * `/v2/` is anonymous or behind token auth.
 */
export class AuthenticatingOciClient extends OciClient {
  private readonly tokens = new Map<string, string>();

  constructor(
    baseUrl: string,
    private readonly login: Credentials = ADMIN,
  ) {
    super(baseUrl);
  }

  override async request(method: string, location: string, options: RequestOptions = {}): Promise<Reply> {
    const scopeKey = this.scopeKeyOf(location);
    const cached = this.tokens.get(scopeKey);
    const withToken = (token: string | undefined): RequestOptions =>
      token
        ? { ...options, headers: { ...(options.headers ?? {}), Authorization: `Bearer ${token}` } }
        : options;
    const reply = await super.request(method, location, withToken(cached));
    if (reply.status !== 401) return reply;
    const challenge = reply.headers.get('www-authenticate');
    if (!challenge || !/^Bearer\s/i.test(challenge)) return reply;
    const token = await this.fetchToken(challenge);
    this.tokens.set(scopeKey, token);
    return super.request(method, location, withToken(token));
  }

  /** One token per repository (push and pull), the way docker asks. */
  private scopeKeyOf(location: string): string {
    const path = new URL(this.resolve(location)).pathname;
    const match = /^\/v2\/(.+?)\/(?:blobs|manifests|tags|referrers)\//.exec(path);
    return match ? match[1]! : '';
  }

  private async fetchToken(challenge: string): Promise<string> {
    const params = new Map<string, string>();
    for (const match of challenge.matchAll(/(\w+)="([^"]*)"/g)) params.set(match[1]!, match[2]!);
    const realm = params.get('realm');
    if (!realm) throw new Error(`Bearer challenge without realm: ${challenge}`);
    const url = new URL(realm);
    if (params.has('service')) url.searchParams.set('service', params.get('service')!);
    const scope = params.get('scope');
    if (scope) {
      // Ask for push too, so one token serves the whole push of a repository.
      const widened = scope.replace(/:(pull|push)(,(pull|push))*$/, ':pull,push');
      url.searchParams.set('scope', widened);
    }
    // The realm names the external URL; reach it through the address under test.
    const target = new URL(url.pathname + url.search, this.baseUrl);
    const response = await fetch(target, { headers: { authorization: basic(this.login) } });
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!response.ok || !token)
      throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
    return token;
  }
}

/** Seeds a running core: SQL on its database, `/api/v2.0` and `/v2/` as admin. */
export class Seeder {
  readonly pool;
  readonly registry: AuthenticatingOciClient;

  constructor(readonly core: CoreProcess) {
    this.pool = createPool(core.databaseUrl, { max: 4 });
    this.registry = new AuthenticatingOciClient(core.url);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Creates a project through the API (SQL when the API refuses) and answers its id. */
  async project(name: string, isPublic = false): Promise<bigint> {
    const reply = await api(this.core.url, 'POST', '/projects', {
      as: ADMIN,
      body: { project_name: name, metadata: { public: String(isPublic) } },
    });
    if (reply.status !== 201) {
      await this.pool.query(
        `INSERT INTO project (name, metadata) VALUES ($1, jsonb_build_object('public', $2::text))`,
        [name, String(isPublic)],
      );
    }
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM project WHERE name = $1', [name]);
    return BigInt(rows[0]!.id);
  }

  /** Creates a user (SQL, so no API of another slice is needed) and answers id and credentials. */
  async user(prefix: string): Promise<Credentials & { id: bigint }> {
    const username = uniqueName(prefix).replace(/-/g, '_');
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO "user" (username, email, realname, password_hash) VALUES ($1, $2, $1, $3) RETURNING id`,
      [username, `${username}@berth.test`, await hashPassword(USER_PASSWORD)],
    );
    return { id: BigInt(rows[0]!.id), username, password: USER_PASSWORD };
  }

  async member(
    projectId: bigint,
    userId: bigint,
    role: ProjectRole,
    repositoryScopes: string[] = [],
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO project_member (project_id, user_id, role, repository_scopes) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role, repository_scopes = EXCLUDED.repository_scopes`,
      [projectId, userId, role, JSON.stringify(repositoryScopes)],
    );
  }

  async label(name: string, scope: 'g' | 'p', projectId: bigint | null = null): Promise<bigint> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO label (name, scope, project_id, color, description) VALUES ($1, $2, $3, '#00ff00', 'test label') RETURNING id`,
      [name, scope, projectId],
    );
    return BigInt(rows[0]!.id);
  }

  /** Pushes `manifest` (blobs and children first) to `repository` under `tag` (or by digest). */
  async push(repository: string, manifest: Manifest, tag?: string): Promise<void> {
    await this.registry.pushAll(repository, manifest, tag ?? manifest.digest);
  }
}

export { ProjectRole };
