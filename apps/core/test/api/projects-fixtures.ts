/**
 * Shared setup for the projects, members, quotas and labels API tests: users and members written
 * straight into the core's database, and a small `/v2/` pusher that speaks Docker token auth when
 * the core asks for it (and plain requests while `/v2/` is open).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createPool, type Pool } from '@berth/db';
import { hashPassword } from '../../src/crypto/password-hasher.js';
import { ApiClient, type ApiCredentials } from '../support/api-client.js';
import { ADMIN_PASSWORD, type CoreProcess } from '../support/core-process.js';

export const PASSWORD = 'Passw0rdForTests';

export const Role = { ProjectAdmin: 1, Developer: 2, Guest: 3, Maintainer: 4, LimitedGuest: 5 } as const;

export function suffix(): string {
  return randomBytes(4).toString('hex');
}

/** Direct database access to the core under test, for setup and for checking what was stored. */
export class TestDb {
  private constructor(readonly pool: Pool) {}

  static open(core: CoreProcess): TestDb {
    return new TestDb(createPool(core.databaseUrl, { max: 4 }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async query<T extends object = Record<string, unknown>>(
    text: string,
    values: unknown[] = [],
  ): Promise<T[]> {
    return (await this.pool.query(text, values)).rows as T[];
  }

  /** A user with PASSWORD (or `password`); returns its id and Basic credentials. */
  async createUser(
    username: string,
    options: { sysadmin?: boolean; password?: string } = {},
  ): Promise<{ id: number; credentials: ApiCredentials }> {
    const password = options.password ?? PASSWORD;
    const rows = await this.query<{ id: string }>(
      `INSERT INTO "user" (username, email, password_hash, sysadmin) VALUES ($1, $2, $3, $4) RETURNING id`,
      [username, `${username}@example.com`, await hashPassword(password), options.sysadmin ?? false],
    );
    return { id: Number(rows[0]!.id), credentials: { username, password } };
  }

  async projectId(name: string): Promise<number> {
    const rows = await this.query<{ id: string }>('SELECT id FROM project WHERE name = $1', [name]);
    if (!rows[0]) throw new Error(`no project ${name}`);
    return Number(rows[0].id);
  }

  async addMember(project: string, userId: number, role: number, scopes: string[] = []): Promise<void> {
    await this.query(
      `INSERT INTO project_member (project_id, user_id, role, repository_scopes)
       SELECT id, $2, $3, $4::jsonb FROM project WHERE name = $1`,
      [project, userId, role, JSON.stringify(scopes)],
    );
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.query(
      `INSERT INTO system_setting (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [key, JSON.stringify(value)],
    );
  }

  async quota(project: string): Promise<{ limit: number; used: number; blobs: number }> {
    const rows = await this.query<{ quota_limit: string; quota_used: string; blobs: string | null }>(
      `SELECT p.quota_limit, p.quota_used, (SELECT sum(size) FROM project_blob pb WHERE pb.project_id = p.id) AS blobs
       FROM project p WHERE p.name = $1`,
      [project],
    );
    const row = rows[0]!;
    return { limit: Number(row.quota_limit), used: Number(row.quota_used), blobs: Number(row.blobs ?? 0) };
  }
}

export function adminClient(core: CoreProcess): ApiClient {
  return new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
}

/** A user and a project where that user holds `role`; plus a client signed in as them. */
export interface Actor {
  name: string;
  id: number;
  client: ApiClient;
}

export async function actor(core: CoreProcess, db: TestDb, prefix: string): Promise<Actor> {
  const name = `${prefix}-${suffix()}`;
  const user = await db.createUser(name);
  return { name, id: user.id, client: new ApiClient(core.url, user.credentials) };
}

// ---- /v2/ --------------------------------------------------------------------------------------

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Requests against `/v2/` with Docker token auth: on a 401 whose challenge is `Bearer realm=…`, it
 * fetches a token from the realm (Basic credentials when given) and retries once with it.
 */
export class RegistryClient {
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly credentials: ApiCredentials | null,
  ) {}

  async fetch(path: string, init: { method: string; body?: Buffer; headers?: Record<string, string> }) {
    const send = (token?: string) =>
      fetch(this.baseUrl + path, {
        method: init.method,
        body: init.body,
        headers: { ...(init.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        redirect: 'manual',
      });
    const scopeKey = /^\/v2\/(.+?)\/(blobs|manifests|tags)\//.exec(path)?.[1] ?? '';
    let response = await send(this.tokens.get(scopeKey));
    if (response.status !== 401) return response;
    const challenge = response.headers.get('www-authenticate') ?? '';
    if (!/^Bearer /i.test(challenge)) return response;
    await response.arrayBuffer();
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]),
    );
    const url = new URL(params.realm!);
    if (params.service) url.searchParams.set('service', params.service);
    if (params.scope) url.searchParams.set('scope', params.scope);
    const headers: Record<string, string> = {};
    if (this.credentials) {
      headers.authorization = `Basic ${Buffer.from(
        `${this.credentials.username}:${this.credentials.password}`,
      ).toString('base64')}`;
    }
    const tokenResponse = await fetch(url, { headers });
    if (tokenResponse.status !== 200) return response;
    const body = (await tokenResponse.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) return response;
    this.tokens.set(scopeKey, token);
    response = await send(token);
    return response;
  }

  /** Monolithic blob upload (`POST …/blobs/uploads/?digest=`); returns the digest. */
  async pushBlob(repository: string, content: Buffer): Promise<string> {
    const digest = sha256(content);
    const response = await this.fetch(`/v2/${repository}/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      body: content,
      headers: { 'content-type': 'application/octet-stream' },
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`blob upload answered ${response.status}: ${text}`);
    return digest;
  }

  async putManifest(repository: string, reference: string, manifest: Buffer, mediaType: string) {
    const response = await this.fetch(`/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': mediaType },
    });
    const text = await response.text();
    return { status: response.status, text, body: text ? (JSON.parse(text) as unknown) : null };
  }

  async deleteManifest(repository: string, digest: string): Promise<number> {
    const response = await this.fetch(`/v2/${repository}/manifests/${digest}`, { method: 'DELETE' });
    await response.arrayBuffer();
    return response.status;
  }

  /**
   * Uploads the blobs of an image with random layers of the given sizes (after `shared` ones) and
   * returns its manifest, unpushed, with the bytes it makes the project use (config, layers and the
   * manifest itself, when none of them is counted there yet).
   */
  async prepareImage(repository: string, layerSizes: number[], shared: Buffer[] = []) {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: suffix() }));
    const layers = [...shared, ...layerSizes.map((size) => randomBytes(size))];
    await this.pushBlob(repository, config);
    for (const layer of layers) await this.pushBlob(repository, layer);
    const manifest = imageManifest(config, layers);
    return {
      manifest,
      digest: sha256(manifest),
      layers,
      bytes: config.length + layers.reduce((sum, layer) => sum + layer.length, 0) + manifest.length,
    };
  }

  /** prepareImage, then the manifest under `tag`; returns the manifest's answer too. */
  async pushImage(repository: string, tag: string, layerSizes: number[], shared: Buffer[] = []) {
    const image = await this.prepareImage(repository, layerSizes, shared);
    const result = await this.putManifest(repository, tag, image.manifest, OCI_MANIFEST);
    return { ...result, ...image };
  }
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export function imageManifest(config: Buffer, layers: Buffer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: layers.map((layer) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: sha256(layer),
        size: layer.length,
      })),
    }),
  );
}
