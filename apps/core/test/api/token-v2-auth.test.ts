/**
 * `/v2/` under token auth: the challenges, what a valid token allows and refuses (403 DENIED, 401
 * `insufficient_scope`), and forged tokens — another key, `alg: none`, HS256 with the public key,
 * a scope widened after signing, expired, another audience or issuer, an unknown kid — all refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { ProjectRole } from '../../src/rbac/rbac-policy.js';
import {
  AuthSeed,
  fetchToken,
  firstError,
  type Credentials,
  type TokenClaims,
  type SeededProject,
  type SeededUser,
} from '../support/auth-seed.js';
import { createTestDatabase } from '@berth/db/testing';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { randomImage, withDigest, type Content, type Manifest } from '../support/oci-fixtures.js';

let core: CoreProcess;
let seed: AuthSeed;
let admin: SeededUser;
let developer: SeededUser;
let guest: SeededUser;
let outsider: SeededUser;
let privateProject: SeededProject;
let publicProject: SeededProject;
let signingKey: { kid: string; privateKey: CryptoKey };
/** False when `/v2/` still allows everything (token auth not wired): every test here is skipped. */

interface V2Body {
  errors?: { code: string; message: string }[];
  repositories?: string[];
}

interface V2Reply {
  status: number;
  headers: Headers;
  text: string;
  json: <T = V2Body>() => T;
}

async function v2(
  method: string,
  path: string,
  token: string | null,
  init: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<V2Reply> {
  const response = await fetch(path.startsWith('http') ? path : `${core.url}${path}`, {
    method,
    headers: { ...(init.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
    redirect: 'manual',
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: <T = V2Body>() => JSON.parse(text) as T,
  };
}

async function tokenFor(credentials: Credentials | null, ...scopes: string[]): Promise<string> {
  const reply = await fetchToken(core.url, credentials, scopes);
  expect(reply.status).toBe(200);
  return reply.body.token as string;
}

async function pushBlob(repository: string, blob: Content, token: string): Promise<void> {
  const start = await v2('POST', `/v2/${repository}/blobs/uploads/`, token);
  expect(start.status, start.text).toBe(202);
  const location = new URL(start.headers.get('location')!, core.url).toString();
  const put = await v2('PUT', withDigest(location, blob.digest), token, {
    headers: { 'content-type': 'application/octet-stream' },
    body: blob.bytes,
  });
  expect(put.status, put.text).toBe(201);
}

async function pushImage(repository: string, tag: string, token: string): Promise<Manifest> {
  const image = randomImage({ layers: 1, layerSize: 512 });
  for (const blob of image.blobs) await pushBlob(repository, blob, token);
  const put = await v2('PUT', `/v2/${repository}/manifests/${tag}`, token, {
    headers: { 'content-type': image.mediaType },
    body: image.bytes,
  });
  expect(put.status, put.text).toBe(201);
  return image;
}

/** A JWT signed with the registry's real key, with any claims (for expired, wrong audience…). */
function signWithRealKey(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: 'berth-token-issuer',
    sub: 'admin',
    aud: 'berth',
    iat: now,
    nbf: now,
    exp: now + 600,
    jti: `forged-${Math.random()}`,
    access: [{ type: 'repository', name: `${privateProject.name}/app`, actions: ['pull', 'push', 'delete'] }],
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: signingKey.kid, typ: 'JWT', ...header } as never)
    .sign(signingKey.privateKey);
}

function challengeParams(reply: V2Reply): Record<string, string> {
  const header = reply.headers.get('www-authenticate') ?? '';
  expect(header.startsWith('Bearer ')).toBe(true);
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

function errorOf(reply: V2Reply): { code: string; message: string } {
  return firstError(reply.json());
}

beforeAll(async () => {
  core = await startCore();
  seed = await AuthSeed.connect(core.databaseUrl);
  admin = await seed.ensureAdmin();
  privateProject = await seed.project('v2-private', { public: false });
  publicProject = await seed.project('v2-public', { public: true });
  developer = await seed.user('v2-developer');
  guest = await seed.user('v2-guest');
  outsider = await seed.user('v2-outsider');
  await seed.member(privateProject, developer, ProjectRole.Developer);
  await seed.member(privateProject, guest, ProjectRole.Guest);

  const box = new SecretBox(
    Buffer.from(readFileSync(join(core.dataDir, 'secret.key'), 'utf8').trim(), 'hex'),
  );
  const [row] = await seed.query<{ kid: string; private_key: string }>(
    'SELECT kid, private_key FROM signing_key',
  );
  signingKey = { kid: row!.kid, privateKey: await importPKCS8(box.open(row!.private_key), 'ES256') };
});

afterAll(async () => {
  await seed?.close();
  await core?.stop();
});

describe('challenges without a token', () => {
  it('GET /v2/ answers 401 with the realm and service', async () => {
    const reply = await v2('GET', '/v2/', null);
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe(
      `Bearer realm="${core.url}/service/token",service="berth"`,
    );
    expect(errorOf(reply)).toEqual({ code: 'UNAUTHORIZED', message: 'authentication required' });
  });

  it('names the scope each operation needs', async () => {
    const repo = `${privateProject.name}/app`;
    const cases: [string, string, string][] = [
      ['GET', `/v2/${repo}/manifests/latest`, `repository:${repo}:pull`],
      ['GET', `/v2/${repo}/tags/list`, `repository:${repo}:pull`],
      ['POST', `/v2/${repo}/blobs/uploads/`, `repository:${repo}:pull,push`],
      ['DELETE', `/v2/${repo}/manifests/sha256:${'0'.repeat(64)}`, `repository:${repo}:delete`],
      ['GET', '/v2/_catalog', 'registry:catalog:*'],
    ];
    for (const [method, path, scope] of cases) {
      const reply = await v2(method, path, null);
      expect(reply.status, `${method} ${path}`).toBe(401);
      expect(challengeParams(reply)).toEqual({
        realm: `${core.url}/service/token`,
        service: 'berth',
        scope,
      });
    }
  });

  it('derives the realm from forwarded headers behind a proxy', async () => {
    const reply = await v2('GET', '/v2/', null, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'registry.example.com' },
    });
    expect(challengeParams(reply).realm).toBe('https://registry.example.com/service/token');
  });

  it('GET /v2/ with a valid token (docker login) answers 200', async () => {
    const token = await tokenFor(developer);
    expect((await v2('GET', '/v2/', token)).status).toBe(200);
  });
});

describe('what a token allows', () => {
  const repo = () => `${privateProject.name}/app`;
  let image: Manifest;

  beforeAll(async () => {
    image = await pushImage(repo(), 'v1', await tokenFor(developer, `repository:${repo()}:pull,push`));
  });

  it('a developer pushed; a guest pulls the manifest and blobs', async () => {
    const token = await tokenFor(guest, `repository:${repo()}:pull`);
    const manifest = await v2('GET', `/v2/${repo()}/manifests/v1`, token, {
      headers: { accept: image.mediaType },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(image.digest);
    for (const blob of image.blobs) {
      expect((await v2('HEAD', `/v2/${repo()}/blobs/${blob.digest}`, token)).status).toBe(200);
    }
  });

  it('a guest may not push: 403 DENIED "requested access to the resource is denied"', async () => {
    const token = await tokenFor(guest, `repository:${repo()}:pull,push`);
    const reply = await v2('POST', `/v2/${repo()}/blobs/uploads/`, token);
    expect(reply.status).toBe(403);
    expect(errorOf(reply)).toEqual({ code: 'DENIED', message: 'requested access to the resource is denied' });
  });

  it('a developer may not delete', async () => {
    const token = await tokenFor(developer, `repository:${repo()}:delete`);
    const reply = await v2('DELETE', `/v2/${repo()}/manifests/${image.digest}`, token);
    expect(reply.status).toBe(403);
    expect(errorOf(reply).code).toBe('DENIED');
  });

  it('a non-member is denied a private project', async () => {
    const token = await tokenFor(outsider, `repository:${repo()}:pull`);
    const reply = await v2('GET', `/v2/${repo()}/manifests/v1`, token);
    expect(reply.status).toBe(403);
    expect(errorOf(reply).code).toBe('DENIED');
  });

  it('an anonymous token is sent back to log in (401) from a private project', async () => {
    const token = await tokenFor(null, `repository:${repo()}:pull`);
    const reply = await v2('GET', `/v2/${repo()}/manifests/v1`, token);
    expect(reply.status).toBe(401);
    expect(challengeParams(reply)).toMatchObject({
      scope: `repository:${repo()}:pull`,
      error: 'insufficient_scope',
    });
  });

  it('anonymous pulls from a public project', async () => {
    const publicRepo = `${publicProject.name}/app`;
    const pushed = await pushImage(
      publicRepo,
      'v1',
      await tokenFor(admin, `repository:${publicRepo}:pull,push`),
    );
    const token = await tokenFor(null, `repository:${publicRepo}:pull`);
    const reply = await v2('GET', `/v2/${publicRepo}/manifests/v1`, token, {
      headers: { accept: pushed.mediaType },
    });
    expect(reply.status).toBe(200);
    const push = await v2('POST', `/v2/${publicRepo}/blobs/uploads/`, token);
    expect(push.status).toBe(401);
  });

  it('a token that is merely too narrow gets a challenge for the scope needed (401 insufficient_scope)', async () => {
    const pullOnly = await tokenFor(admin, `repository:${repo()}:pull`);
    const reply = await v2('DELETE', `/v2/${repo()}/manifests/sha256:${'0'.repeat(64)}`, pullOnly);
    expect(reply.status).toBe(401);
    expect(challengeParams(reply)).toMatchObject({
      scope: `repository:${repo()}:delete`,
      error: 'insufficient_scope',
    });

    const otherRepo = await tokenFor(developer, `repository:${privateProject.name}/other:pull`);
    const other = await v2('GET', `/v2/${repo()}/tags/list`, otherRepo);
    expect(other.status).toBe(401);
    expect(challengeParams(other).scope).toBe(`repository:${repo()}:pull`);
  });

  it('a push to a project that does not exist is denied, saying so', async () => {
    const token = await tokenFor(admin, 'repository:no-such-project/app:pull,push');
    const reply = await v2('POST', '/v2/no-such-project/app/blobs/uploads/', token);
    expect(reply.status).toBe(403);
    expect(errorOf(reply)).toEqual({ code: 'DENIED', message: 'project no-such-project not found' });
  });

  it('a HEAD has no body: the reason travels in the challenge (RFC 6750 error_description)', async () => {
    const token = await tokenFor(admin, 'repository:no-such-project/app:pull');
    const reply = await v2('HEAD', `/v2/no-such-project/app/blobs/sha256:${'1'.repeat(64)}`, token);
    expect(reply.status).toBe(403);
    expect(challengeParams(reply)).toMatchObject({
      error: 'insufficient_scope',
      error_description: 'project no-such-project not found',
    });
  });

  it('a repository name without a project is denied, naming the rule', async () => {
    const token = await tokenFor(admin, 'repository:alpine:pull,push');
    for (const token_ of [token, null]) {
      const reply = await v2('POST', '/v2/alpine/blobs/uploads/', token_);
      expect(reply.status).toBe(403);
      expect(errorOf(reply).code).toBe('DENIED');
      expect(errorOf(reply).message).toMatch(/has no project.*<project>\/<repository>/);
    }
  });

  it('the catalog: a sysadmin token with registry:catalog:* reads it, a developer is denied', async () => {
    const asAdmin = await v2('GET', '/v2/_catalog', await tokenFor(admin, 'registry:catalog:*'));
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.json().repositories).toContain(repo());
    const asDeveloper = await v2('GET', '/v2/_catalog', await tokenFor(developer, 'registry:catalog:*'));
    expect(asDeveloper.status).toBe(403);
  });

  it('a mount asks for the source repository too, then mounts', async () => {
    const target = `${privateProject.name}/mount-target`;
    const blob = image.blobs[0]!;
    const narrow = await tokenFor(developer, `repository:${target}:pull,push`);
    const first = await v2(
      'POST',
      `/v2/${target}/blobs/uploads/?mount=${blob.digest}&from=${repo()}`,
      narrow,
    );
    expect(first.status).toBe(401);
    expect(challengeParams(first).scope).toBe(`repository:${target}:pull,push repository:${repo()}:pull`);

    const wide = await tokenFor(developer, challengeParams(first).scope!);
    const mounted = await v2(
      'POST',
      `/v2/${target}/blobs/uploads/?mount=${blob.digest}&from=${repo()}`,
      wide,
    );
    expect(mounted.status).toBe(201);
  });

  it('a robot pulls with its token; its pushes are denied', async () => {
    const robot = await seed.robot({
      name: 'v2-puller',
      secret: 'Robot-Secret-9',
      project: privateProject,
      permissions: [
        {
          kind: 'project',
          namespace: privateProject.name,
          access: [{ resource: 'repository', action: 'pull' }],
        },
      ],
    });
    const token = await tokenFor(robot, `repository:${repo()}:pull,push`);
    expect((await v2('GET', `/v2/${repo()}/tags/list`, token)).status).toBe(200);
    expect((await v2('POST', `/v2/${repo()}/blobs/uploads/`, token)).status).toBe(403);
  });
});

describe('forged and stale tokens are refused (401 invalid_token)', () => {
  const repo = () => `${privateProject.name}/app`;

  async function expectInvalid(token: string, why: RegExp): Promise<void> {
    const reply = await v2('GET', `/v2/${repo()}/tags/list`, token);
    expect(reply.status).toBe(401);
    expect(challengeParams(reply)).toMatchObject({
      error: 'invalid_token',
      scope: `repository:${repo()}:pull`,
    });
    expect(errorOf(reply).code).toBe('UNAUTHORIZED');
    expect(errorOf(reply).message).toMatch(why);
  }

  it('the real key signs an accepted token (control)', async () => {
    const token = await signWithRealKey({});
    expect((await v2('GET', `/v2/${repo()}/tags/list`, token)).status).toBe(200);
  });

  it('signed with another key under the same kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      access: [{ type: 'repository', name: repo(), actions: ['pull'] }],
    })
      .setProtectedHeader({ alg: 'ES256', kid: signingKey.kid })
      .setIssuer('berth-token-issuer')
      .setSubject('admin')
      .setAudience('berth')
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 600)
      .setJti('x')
      .sign(privateKey);
    await expectInvalid(token, /signature/);
  });

  it('alg: none', async () => {
    const valid = await signWithRealKey({});
    const [, payload] = valid.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: signingKey.kid, typ: 'JWT' })).toString(
      'base64url',
    );
    await expectInvalid(`${header}.${payload}.`, /malformed|algorithm/);
  });

  it('HS256 keyed with the public key (algorithm confusion)', async () => {
    const [row] = await seed.query<{ public_jwk: Record<string, string> }>(
      'SELECT public_jwk FROM signing_key',
    );
    const secret = new TextEncoder().encode(JSON.stringify(row!.public_jwk));
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ access: [{ type: 'repository', name: repo(), actions: ['pull'] }] })
      .setProtectedHeader({ alg: 'HS256', kid: signingKey.kid })
      .setIssuer('berth-token-issuer')
      .setSubject('admin')
      .setAudience('berth')
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 600)
      .setJti('x')
      .sign(secret);
    await expectInvalid(token, /algorithm/);
  });

  it('scope widened after signing (payload re-encoded, signature kept)', async () => {
    const token = await tokenFor(outsider, `repository:${repo()}:pull`);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as TokenClaims;
    expect(claims.access[0]!.actions).toEqual([]);
    claims.access[0]!.actions = ['pull', 'push', 'delete'];
    const widened = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expectInvalid(widened, /signature/);
  });

  it('expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalid(
      await signWithRealKey({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
      /expired/,
    );
  });

  it('not valid yet', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalid(await signWithRealKey({ nbf: now + 3600, exp: now + 7200 }), /nbf/);
  });

  it('for another audience, or from another issuer', async () => {
    await expectInvalid(await signWithRealKey({ aud: 'someone-else' }), /aud/);
    await expectInvalid(await signWithRealKey({ iss: 'harbor-token-issuer' }), /iss/);
  });

  it('an unknown kid', async () => {
    await expectInvalid(await signWithRealKey({}, { kid: 'not-a-key-of-ours' }), /kid/);
  });

  it('a malformed access claim', async () => {
    await expectInvalid(await signWithRealKey({ access: 'everything' }), /malformed/);
  });

  it('garbage', async () => {
    await expectInvalid('not.a.jwt', /malformed/);
    await expectInvalid('eyJhbGciOiJFUzI1NiJ9', /malformed/);
  });
});

describe('two instances on one database', () => {
  it("starting together, they create one signing key and accept each other's tokens", async () => {
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, BERTH_SECRET_KEY: 'ab'.repeat(32) };
    const cores = await Promise.allSettled([startCore({ env }), startCore({ env })]);
    try {
      const [a, b] = cores.map((result) => {
        if (result.status === 'rejected') throw result.reason;
        return result.value;
      });
      const other = await AuthSeed.connect(database.url);
      try {
        expect(await other.query('SELECT kid FROM signing_key')).toHaveLength(1);
      } finally {
        await other.close();
      }
      const fromA = await fetchToken(a!.url, { username: 'admin', password: ADMIN_PASSWORD });
      expect(fromA.status).toBe(200);
      expect((await v2('GET', `${b!.url}/v2/`, fromA.body.token!)).status).toBe(200);
    } finally {
      for (const result of cores) if (result.status === 'fulfilled') await result.value.stop();
      await database.drop();
    }
  });
});

describe('BERTH_EXTERNAL_URL', () => {
  it('names the realm when set', async () => {
    const other = await startCore({ env: { BERTH_EXTERNAL_URL: 'https://registry.example.com/' } });
    try {
      const reply = await fetch(`${other.url}/v2/`);
      expect(reply.headers.get('www-authenticate')).toBe(
        'Bearer realm="https://registry.example.com/service/token",service="berth"',
      );
    } finally {
      await other.stop();
    }
  });
});
