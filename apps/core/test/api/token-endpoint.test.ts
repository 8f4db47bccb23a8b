/**
 * `GET /service/token` and `POST /service/token`: who gets which actions (the intersection of the
 * scopes asked and the permission table, per role, robot and anonymous), the JWT's shape and key,
 * bad credentials, throttling and the login audit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.js';
import {
  PROJECT_ROLE_NAMES,
  PROJECT_ROLE_PERMISSIONS,
  ProjectRole,
  PUBLIC_PROJECT_PERMISSIONS,
  REGISTRY_ACTION_PERMISSION,
  hasPermission,
  type Permission,
} from '../../src/rbac/rbac-policy.js';
import {
  AuthSeed,
  decodePart,
  firstError,
  type TokenBody,
  type TokenClaims,
  basic,
  fetchToken,
  grantedActions,
  type SeededProject,
  type SeededUser,
} from '../support/auth-seed.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';

const REPOSITORY_ACTIONS = ['pull', 'push', 'delete'] as const;

/** What the permission table says a holder of `permissions` may do to a repository. */
function expectedActions(permissions: readonly Permission[]): string[] {
  return REPOSITORY_ACTIONS.filter((action) => {
    const needed = REGISTRY_ACTION_PERMISSION[action];
    return hasPermission(permissions, needed.resource, needed.action);
  });
}

let core: CoreProcess;
let seed: AuthSeed;
let admin: SeededUser;
let privateProject: SeededProject;
let publicProject: SeededProject;
const members = new Map<ProjectRole, SeededUser>();
let outsider: SeededUser;

beforeAll(async () => {
  core = await startCore();
  seed = await AuthSeed.connect(core.databaseUrl);
  admin = await seed.ensureAdmin();
  privateProject = await seed.project('tok-private', { public: false });
  publicProject = await seed.project('tok-public', { public: true });
  for (const role of Object.values(ProjectRole)) {
    const user = await seed.user(`tok-${PROJECT_ROLE_NAMES[role].toLowerCase()}`);
    await seed.member(privateProject, user, role);
    await seed.member(publicProject, user, role);
    members.set(role, user);
  }
  outsider = await seed.user('tok-outsider');
});

afterAll(async () => {
  await seed?.close();
  await core?.stop();
});

describe('GET /service/token', () => {
  it('answers an ES256 JWT with the spec claims, signed by the stored key', async () => {
    const reply = await fetchToken(core.url, admin, [`repository:${privateProject.name}/app:pull`]);
    expect(reply.status).toBe(200);
    expect(reply.body.access_token).toBe(reply.body.token);
    expect(reply.body.expires_in).toBe(1800);
    expect(Date.parse(reply.body.issued_at!)).not.toBeNaN();

    expect(reply.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    const [stored] = await seed.query<{ kid: string; public_jwk: JWK; private_key: string }>(
      'SELECT kid, public_jwk, private_key FROM signing_key',
    );
    expect(reply.header!.kid).toBe(stored!.kid);
    expect(await calculateJwkThumbprint(stored!.public_jwk, 'sha256')).toBe(stored!.kid);
    // The private key is sealed, never stored in the clear.
    expect(stored!.private_key).not.toContain('PRIVATE KEY');
    expect(stored!.private_key.startsWith('v1.')).toBe(true);

    const claims = reply.claims!;
    expect(claims).toMatchObject({ iss: 'berth-token-issuer', sub: 'admin', aud: 'berth' });
    expect(claims.exp - claims.iat).toBe(1800);
    expect(claims.nbf).toBe(claims.iat);
    expect(typeof claims.jti).toBe('string');
    expect(claims.access).toEqual([
      { type: 'repository', name: `${privateProject.name}/app`, actions: ['pull'] },
    ]);
  });

  it('gives every token a new jti and keeps one signing key', async () => {
    const first = await fetchToken(core.url, admin);
    const second = await fetchToken(core.url, admin);
    expect(first.claims!.jti).not.toBe(second.claims!.jti);
    expect(first.header!.kid).toBe(second.header!.kid);
    const keys = await seed.query('SELECT kid FROM signing_key');
    expect(keys).toHaveLength(1);
  });

  describe('grants the intersection of the scopes asked and the permission table', () => {
    const asked = 'pull,push,delete';

    for (const role of Object.values(ProjectRole)) {
      it(`${PROJECT_ROLE_NAMES[role]} in a private and a public project`, async () => {
        const user = members.get(role)!;
        const reply = await fetchToken(core.url, user, [
          `repository:${privateProject.name}/app:${asked}`,
          `repository:${publicProject.name}/app:${asked}`,
        ]);
        expect(reply.status).toBe(200);
        expect(reply.claims!.sub).toBe(user.username);
        expect(grantedActions(reply, 'repository', `${privateProject.name}/app`)).toEqual(
          expectedActions(PROJECT_ROLE_PERMISSIONS[role]),
        );
        expect(grantedActions(reply, 'repository', `${publicProject.name}/app`)).toEqual(
          expectedActions([...PROJECT_ROLE_PERMISSIONS[role], ...PUBLIC_PROJECT_PERMISSIONS]),
        );
      });
    }

    it('never more than asked: a developer asking pull gets only pull', async () => {
      const reply = await fetchToken(core.url, members.get(ProjectRole.Developer)!, [
        `repository:${privateProject.name}/app:pull`,
      ]);
      expect(grantedActions(reply, 'repository', `${privateProject.name}/app`)).toEqual(['pull']);
    });

    it('`*` asks for every action (skopeo delete asks that way)', async () => {
      const reply = await fetchToken(core.url, members.get(ProjectRole.Maintainer)!, [
        `repository:${privateProject.name}/app:*`,
      ]);
      expect(grantedActions(reply, 'repository', `${privateProject.name}/app`)).toEqual(
        expectedActions(PROJECT_ROLE_PERMISSIONS[ProjectRole.Maintainer]),
      );
    });

    it('system administrator: everything in every project', async () => {
      const reply = await fetchToken(core.url, admin, [`repository:${privateProject.name}/app:${asked}`]);
      expect(grantedActions(reply, 'repository', `${privateProject.name}/app`)).toEqual([
        'pull',
        'push',
        'delete',
      ]);
    });

    it('a signed-in non-member: nothing in a private project, pull in a public one', async () => {
      const reply = await fetchToken(core.url, outsider, [
        `repository:${privateProject.name}/app:${asked}`,
        `repository:${publicProject.name}/app:${asked}`,
      ]);
      expect(grantedActions(reply, 'repository', `${privateProject.name}/app`)).toEqual([]);
      expect(grantedActions(reply, 'repository', `${publicProject.name}/app`)).toEqual(
        expectedActions(PUBLIC_PROJECT_PERMISSIONS),
      );
    });

    it('anonymous: nothing in a private project, pull in a public one, and an empty subject', async () => {
      const reply = await fetchToken(core.url, null, [
        `repository:${privateProject.name}/app:${asked}`,
        `repository:${publicProject.name}/app:${asked}`,
      ]);
      expect(reply.status).toBe(200);
      expect(reply.claims!.sub).toBe('');
      expect(grantedActions(reply, 'repository', `${privateProject.name}/app`)).toEqual([]);
      expect(grantedActions(reply, 'repository', `${publicProject.name}/app`)).toEqual(['pull']);
    });

    it('a project that does not exist, or a name without a project: nothing', async () => {
      const reply = await fetchToken(core.url, admin, [
        'repository:no-such-project/app:pull,push',
        'repository:alpine:pull',
      ]);
      expect(grantedActions(reply, 'repository', 'no-such-project/app')).toEqual([]);
      expect(grantedActions(reply, 'repository', 'alpine')).toEqual([]);
    });

    it('a member scoped to repository globs holds the role only inside them', async () => {
      const scoped = await seed.user('tok-scoped-dev');
      await seed.member(privateProject, scoped, ProjectRole.Developer, ['team-a/**']);
      const reply = await fetchToken(core.url, scoped, [
        `repository:${privateProject.name}/team-a/app:pull,push`,
        `repository:${privateProject.name}/team-b/app:pull,push`,
      ]);
      expect(grantedActions(reply, 'repository', `${privateProject.name}/team-a/app`)).toEqual([
        'pull',
        'push',
      ]);
      expect(grantedActions(reply, 'repository', `${privateProject.name}/team-b/app`)).toEqual([]);
    });

    it('the catalog only to system administrators', async () => {
      const asAdmin = await fetchToken(core.url, admin, ['registry:catalog:*']);
      expect(grantedActions(asAdmin, 'registry', 'catalog')).toEqual(['*']);
      const asAdminOfProject = await fetchToken(core.url, members.get(ProjectRole.ProjectAdmin)!, [
        'registry:catalog:*',
      ]);
      expect(grantedActions(asAdminOfProject, 'registry', 'catalog')).toEqual([]);
      const asAnonymous = await fetchToken(core.url, null, ['registry:catalog:*']);
      expect(grantedActions(asAnonymous, 'registry', 'catalog')).toEqual([]);
    });

    it('several scopes in one parameter (space separated), duplicates merged, unknown types dropped', async () => {
      const reply = await fetchToken(core.url, admin, [
        `repository:${privateProject.name}/a:pull repository:${privateProject.name}/a:push`,
        'repository(plugin):tok-private/b:pull',
        'unknown:thing:read',
      ]);
      expect(reply.claims!.access).toEqual([
        { type: 'repository', name: `${privateProject.name}/a`, actions: ['pull', 'push'] },
        { type: 'repository', name: `${privateProject.name}/b`, actions: ['pull'] },
      ]);
    });
  });

  describe('robots', () => {
    it('a project robot gets what its permission list grants, in its project only', async () => {
      const robot = await seed.robot({
        name: 'puller',
        secret: 'Robot-Secret-1',
        project: privateProject,
        permissions: [
          {
            kind: 'project',
            namespace: privateProject.name,
            access: [{ resource: 'repository', action: 'pull' }],
          },
        ],
      });
      const reply = await fetchToken(core.url, robot, [
        `repository:${privateProject.name}/app:pull,push`,
        `repository:${publicProject.name}/app:push`,
      ]);
      expect(reply.status).toBe(200);
      expect(reply.claims!.sub).toBe(`robot$${privateProject.name}+puller`);
      expect(grantedActions(reply, 'repository', `${privateProject.name}/app`)).toEqual(['pull']);
      expect(grantedActions(reply, 'repository', `${publicProject.name}/app`)).toEqual([]);
    });

    it('a system robot with namespace * reaches every project; deny entries win', async () => {
      const robot = await seed.robot({
        name: 'ci-everywhere',
        secret: 'Robot-Secret-2',
        permissions: [
          {
            kind: 'project',
            namespace: '*',
            access: [
              { resource: 'repository', action: 'pull' },
              { resource: 'repository', action: 'push' },
            ],
          },
          {
            kind: 'project',
            namespace: publicProject.name,
            access: [{ resource: 'repository', action: 'push', effect: 'deny' }],
          },
        ],
      });
      const reply = await fetchToken(core.url, robot, [
        `repository:${privateProject.name}/app:pull,push`,
        `repository:${publicProject.name}/app:pull,push`,
      ]);
      expect(grantedActions(reply, 'repository', `${privateProject.name}/app`)).toEqual(['pull', 'push']);
      expect(grantedActions(reply, 'repository', `${publicProject.name}/app`)).toEqual(['pull']);
    });

    it('a disabled or expired robot cannot log in', async () => {
      const permissions = [
        {
          kind: 'project' as const,
          namespace: privateProject.name,
          access: [{ resource: 'repository', action: 'pull' }],
        },
      ];
      const disabled = await seed.robot({
        name: 'disabled',
        secret: 'Robot-Secret-3',
        project: privateProject,
        permissions,
        disabled: true,
      });
      const expired = await seed.robot({
        name: 'expired',
        secret: 'Robot-Secret-4',
        project: privateProject,
        permissions,
        expiresAt: new Date(Date.now() - 60_000),
      });
      expect((await fetchToken(core.url, disabled)).status).toBe(401);
      expect((await fetchToken(core.url, expired)).status).toBe(401);
    });
  });

  describe('credentials', () => {
    it('a bad password is 401 UNAUTHORIZED with a clear message, and audited', async () => {
      const reply = await fetchToken(core.url, {
        username: members.get(ProjectRole.Guest)!.username,
        password: 'wrong',
      });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        errors: [{ code: 'UNAUTHORIZED', message: 'authentication required: invalid username or password' }],
      });
      // The audit log is written from the outbox, moments after the attempt.
      await expect
        .poll(
          async () => {
            const rows = await seed.query<{ success: boolean; operation: string; resource_type: string }>(
              `SELECT success, operation, resource_type FROM audit_log WHERE username = $1 ORDER BY id DESC LIMIT 1`,
              [members.get(ProjectRole.Guest)!.username],
            );
            return rows[0];
          },
          { timeout: 10_000 },
        )
        .toEqual({ success: false, operation: 'login', resource_type: 'user' });
    });

    it('an unknown user is the same 401', async () => {
      const reply = await fetchToken(core.url, { username: 'nobody-here', password: 'whatever1A' });
      expect(reply.status).toBe(401);
      expect(firstError(reply.body).code).toBe('UNAUTHORIZED');
    });

    it('a login without scope (docker login) is audited as a successful login', async () => {
      const user = members.get(ProjectRole.Developer)!;
      const reply = await fetchToken(core.url, user, [], {
        account: user.username,
        client_id: 'docker',
        offline_token: 'true',
      });
      expect(reply.status).toBe(200);
      expect(reply.body.refresh_token).toBeUndefined();
      await expect
        .poll(
          async () => {
            const rows = await seed.query<{ success: boolean }>(
              `SELECT success FROM audit_log WHERE username = $1 AND operation = 'login' ORDER BY id DESC LIMIT 1`,
              [user.username],
            );
            return rows[0];
          },
          { timeout: 10_000 },
        )
        .toEqual({ success: true });
    });

    it('accepts the CLI secret in place of the password', async () => {
      const box = new SecretBox(
        Buffer.from(readFileSync(join(core.dataDir, 'secret.key'), 'utf8').trim(), 'hex'),
      );
      const user = await seed.user('tok-cli');
      await seed.query('UPDATE "user" SET cli_secret = $1 WHERE id = $2', [
        box.seal('Cli-Secret-123'),
        user.id,
      ]);
      const reply = await fetchToken(core.url, { username: user.username, password: 'Cli-Secret-123' }, [
        `repository:${publicProject.name}/app:pull`,
      ]);
      expect(reply.status).toBe(200);
      expect(reply.claims!.sub).toBe(user.username);
    });

    it('throttles repeated failures for one user with 429 and Retry-After', async () => {
      const victim = await seed.user('tok-throttled');
      for (let i = 0; i < 10; i++) {
        expect((await fetchToken(core.url, { username: victim.username, password: `bad-${i}` })).status).toBe(
          401,
        );
      }
      const response = await fetch(`${core.url}/service/token?service=berth`, {
        headers: { authorization: basic(victim) },
      });
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(firstError((await response.json()) as TokenBody).code).toBe('TOO_MANY_REQUESTS');
    });
  });

  describe('bad input', () => {
    it('a malformed scope is 400', async () => {
      for (const scope of ['repository', 'repository:name', 'repository::', ':x:pull']) {
        const reply = await fetchToken(core.url, null, [scope]);
        expect(reply.status, scope).toBe(400);
        expect(firstError(reply.body).code).toBe('BAD_REQUEST');
      }
    });

    it('SQL-ish and path-ish names grant nothing', async () => {
      const names = [
        "tok-private/a';DROP-TABLE-project;--",
        'tok-private/../secret',
        '../../etc/passwd',
        'TOK-PRIVATE/App',
      ];
      const reply = await fetchToken(
        core.url,
        admin,
        names.map((name) => `repository:${name}:pull`),
      );
      expect(reply.status).toBe(200);
      for (const name of names) expect(grantedActions(reply, 'repository', name), name).toEqual([]);
      expect(await seed.query('SELECT 1 FROM project WHERE name = $1', [privateProject.name])).toHaveLength(
        1,
      );
    });

    it('too many scopes at once is 400', async () => {
      const scopes = Array.from({ length: 51 }, (_, i) => `repository:tok-public/r${i}:pull`);
      const reply = await fetchToken(core.url, null, scopes);
      expect(reply.status).toBe(400);
    });

    it('a token lifetime comes from the token_expiration setting (minutes)', async () => {
      await seed.setting('token_expiration', 5);
      try {
        const reply = await fetchToken(core.url, admin);
        expect(reply.body.expires_in).toBe(300);
        expect(reply.claims!.exp - reply.claims!.iat).toBe(300);
      } finally {
        await seed.setting('token_expiration', undefined);
      }
    });
  });
});

describe('POST /service/token (OAuth2 password grant)', () => {
  const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${core.url}/service/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });

  it('issues a token for username and password', async () => {
    const response = await post({
      grant_type: 'password',
      username: 'admin',
      password: ADMIN_PASSWORD,
      service: 'berth',
      client_id: 'containerd-client',
      scope: `repository:${privateProject.name}/app:pull,push`,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.expires_in).toBe(1800);
    expect(body.scope).toBe(`repository:${privateProject.name}/app:pull,push`);
    const claims = decodePart<TokenClaims>(body.access_token!, 1);
    expect(claims.access).toEqual([
      { type: 'repository', name: `${privateProject.name}/app`, actions: ['pull', 'push'] },
    ]);
  });

  it('a wrong password is 401', async () => {
    const response = await post({
      grant_type: 'password',
      username: 'admin',
      password: 'nope',
      service: 'berth',
    });
    expect(response.status).toBe(401);
    expect(firstError((await response.json()) as TokenBody).message).toMatch(/^authentication required/);
  });

  it('refuses refresh tokens (none are issued) and a form without credentials', async () => {
    expect((await post({ grant_type: 'refresh_token', refresh_token: 'x', service: 'berth' })).status).toBe(
      400,
    );
    expect((await post({ grant_type: 'password', service: 'berth' })).status).toBe(400);
    expect((await post({ grant_type: 'client_credentials', service: 'berth' })).status).toBe(400);
  });
});
