/**
 * The users API: CRUD, search, passwords, the sysadmin flag, CLI secrets and current permissions,
 * each route's denial for anonymous callers and for users without the permission, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@berth/db';
import { ApiClient, linkTarget, type ApiCredentials } from '../support/api-client.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';

let core: CoreProcess;
let admin: ApiClient;
let anonymous: ApiClient;
let db: Pool;

const PASSWORD = 'Passw0rdUsers';
let sequence = 0;

interface TestUser {
  id: number;
  username: string;
  credentials: ApiCredentials;
  client: ApiClient;
}

async function newUser(prefix = 'user', password = PASSWORD): Promise<TestUser> {
  const username = `${prefix}${++sequence}`;
  const reply = await admin.post('/users', {
    username,
    email: `${username}@example.com`,
    realname: `Real ${username}`,
    password,
    comment: 'test account',
  });
  expect(reply.status, reply.text).toBe(201);
  const id = Number(reply.headers.get('location')!.split('/').pop());
  const credentials = { username, password };
  return { id, username, credentials, client: new ApiClient(core.url, credentials) };
}

async function adminId(): Promise<number> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM "user" WHERE username = 'admin'`);
  return Number(rows[0]!.id);
}

beforeAll(async () => {
  core = await startCore();
  admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
  anonymous = new ApiClient(core.url, null);
  db = createPool(core.databaseUrl);
});

afterAll(async () => {
  await db?.end();
  await core?.stop();
});

describe('bootstrap', () => {
  it('created admin as a system administrator with BERTH_ADMIN_PASSWORD', async () => {
    const reply = await admin.get('/users/current');
    expect(reply.status).toBe(200);
    assertHarborResponse('getCurrentUserInfo', 200, reply.body);
    expect(reply.body).toMatchObject({ username: 'admin', sysadmin_flag: true });
    expect(reply.body).not.toHaveProperty('password');
    expect(core.logs()).not.toContain(ADMIN_PASSWORD);
  });

  it('created the public library project owned by admin, with admin as projectAdmin', async () => {
    const { rows } = await db.query<{
      id: string;
      metadata: Record<string, string>;
      owner_id: string;
      role: number;
    }>(
      `SELECT p.id, p.metadata, p.owner_id, m.role FROM project p
         JOIN project_member m ON m.project_id = p.id AND m.user_id = p.owner_id
        WHERE p.name = 'library'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.metadata).toEqual({ public: 'true' });
    expect(Number(rows[0]!.owner_id)).toBe(await adminId());
    expect(rows[0]!.role).toBe(1);
  });
});

describe('POST /users', () => {
  it('creates a user: 201 with Location, readable afterwards, password never returned', async () => {
    const user = await newUser();
    const reply = await admin.get(`/users/${user.id}`);
    expect(reply.status).toBe(200);
    assertHarborResponse('getUser', 200, reply.body);
    expect(reply.body).toMatchObject({
      user_id: user.id,
      username: user.username,
      email: `${user.username}@example.com`,
      realname: `Real ${user.username}`,
      comment: 'test account',
      sysadmin_flag: false,
    });
    expect(reply.text).not.toContain(PASSWORD);
    const { rows } = await db.query<{ password_hash: string }>(
      `SELECT password_hash FROM "user" WHERE id = $1`,
      [user.id],
    );
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$/);
    expect(core.logs()).not.toContain(PASSWORD);
  });

  it('refuses a taken username or e-mail with 409', async () => {
    const user = await newUser();
    const sameName = await admin.post('/users', {
      username: user.username,
      email: 'other@example.com',
      realname: 'x',
      password: PASSWORD,
    });
    expect(sameName.status).toBe(409);
    expect(sameName.body.errors[0]).toMatchObject({ code: 'CONFLICT', message: 'username already exists' });
    const sameEmail = await admin.post('/users', {
      username: 'fresh-name',
      email: `${user.username}@example.com`,
      realname: 'x',
      password: PASSWORD,
    });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.errors[0].message).toBe('email already exists');
  });

  it.each([
    ['too short', 'Ab1defg'],
    ['no uppercase', 'abcdefg1'],
    ['no lowercase', 'ABCDEFG1'],
    ['no digit', 'Abcdefgh'],
    ['too long', `Aa1${'x'.repeat(126)}`],
  ])('enforces the password policy: %s', async (_case, password) => {
    const reply = await admin.post('/users', {
      username: 'policy-user',
      email: 'policy@example.com',
      realname: 'Policy',
      password,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].message).toMatch(/uppercase letter, 1 lowercase letter and 1 number/);
  });

  it.each([
    ['a\'; DROP TABLE "user";--'],
    ['../../etc/passwd'],
    ['has space'],
    ['colon:name'],
    ['comma,name'],
    [''],
    ['x'.repeat(256)],
  ])('refuses the username %j', async (username) => {
    const reply = await admin.post('/users', {
      username,
      email: 'bad-name@example.com',
      realname: 'Bad',
      password: PASSWORD,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
  });

  it('refuses a username with the robot prefix', async () => {
    const reply = await admin.post('/users', {
      username: 'robot$sneaky',
      email: 'sneaky@example.com',
      realname: 'Sneaky',
      password: PASSWORD,
    });
    expect(reply.status).toBe(400);
  });

  it('refuses malformed JSON, unknown fields and missing or invalid profile fields', async () => {
    const malformed = await admin.post('/users', '{"username": "x",', { raw: true });
    expect(malformed.status).toBe(400);
    const unknown = await admin.post('/users', {
      username: 'unknown-field',
      email: 'unknown@example.com',
      realname: 'U',
      password: PASSWORD,
      sysadmin_flag: true,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toMatch(/unknown field sysadmin_flag/);
    const noEmail = await admin.post('/users', { username: 'no-email', realname: 'N', password: PASSWORD });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.errors[0].message).toMatch(/email/);
    const badEmail = await admin.post('/users', {
      username: 'bad-email',
      email: 'not-an-email',
      realname: 'B',
      password: PASSWORD,
    });
    expect(badEmail.status).toBe(400);
    const noRealname = await admin.post('/users', {
      username: 'no-real',
      email: 'nr@example.com',
      password: PASSWORD,
    });
    expect(noRealname.status).toBe(400);
    const longComment = await admin.post('/users', {
      username: 'long-comment',
      email: 'lc@example.com',
      realname: 'L',
      password: PASSWORD,
      comment: 'x'.repeat(31),
    });
    expect(longComment.status).toBe(400);
    const array = await admin.post('/users', [1, 2]);
    expect(array.status).toBe(400);
  });

  it('is for system administrators only', async () => {
    const user = await newUser();
    const body = { username: 'denied', email: 'denied@example.com', realname: 'D', password: PASSWORD };
    expect((await anonymous.post('/users', body)).status).toBe(401);
    const forbidden = await user.client.post('/users', body);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].code).toBe('FORBIDDEN');
  });
});

describe('GET /users', () => {
  it('lists with X-Total-Count and Link, pages, filters with q and sorts', async () => {
    for (let i = 0; i < 3; i++) await newUser('lister');
    const first = await admin.get('/users?page=1&page_size=2&q=' + encodeURIComponent('username=~lister'));
    expect(first.status).toBe(200);
    assertHarborResponse('listUsers', 200, first.body);
    expect(first.body).toHaveLength(2);
    expect(first.headers.get('x-total-count')).toBe('3');
    const next = linkTarget(first.headers, 'next')!;
    expect(next).toMatch(/^\/api\/v2\.0\/users\?/);
    const second = await admin.get(next);
    expect(second.body).toHaveLength(1);
    expect(linkTarget(second.headers, 'prev')).not.toBeNull();
    expect(linkTarget(second.headers, 'next')).toBeNull();

    const sorted = await admin.get('/users?sort=-username&q=' + encodeURIComponent('username=~lister'));
    const names = sorted.body.map((u: { username: string }) => u.username);
    expect(names).toEqual([...names].sort().reverse());

    const exact = await admin.get(`/users?q=${encodeURIComponent(`username=${names[0]}`)}`);
    expect(exact.body).toHaveLength(1);
    const byParam = await admin.get('/users?username=LISTER');
    expect(byParam.headers.get('x-total-count')).toBe('3');
  });

  it('rejects bad paging, sort keys and q keys with 400', async () => {
    expect((await admin.get('/users?page_size=101')).status).toBe(400);
    expect((await admin.get('/users?page=0')).status).toBe(400);
    expect((await admin.get('/users?page=abc')).status).toBe(400);
    expect((await admin.get('/users?sort=password_hash')).status).toBe(400);
    const q = await admin.get('/users?q=' + encodeURIComponent('password_hash=~a'));
    expect(q.status).toBe(400);
    expect(q.body.errors[0].message).toMatch(/cannot query by "password_hash"/);
    expect((await admin.get('/users?unknown=1')).status).toBe(400);
  });

  it('is for system administrators only', async () => {
    const user = await newUser();
    expect((await anonymous.get('/users')).status).toBe(401);
    expect((await user.client.get('/users')).status).toBe(403);
  });
});

describe('GET /users/search', () => {
  it('is open to every signed-in user, fuzzy, with LIKE wildcards taken literally', async () => {
    const user = await newUser('srch_');
    await newUser('srchx');
    const reply = await user.client.get('/users/search?username=srch_');
    expect(reply.status).toBe(200);
    assertHarborResponse('searchUsers', 200, reply.body);
    expect(reply.body).toEqual([{ user_id: user.id, username: user.username }]);
    expect(reply.headers.get('x-total-count')).toBe('1');
    const percent = await user.client.get('/users/search?username=' + encodeURIComponent('%'));
    expect(percent.body).toEqual([]);
  });

  it('requires username; anonymous is 401', async () => {
    expect((await admin.get('/users/search')).status).toBe(400);
    expect((await anonymous.get('/users/search?username=a')).status).toBe(401);
  });
});

describe('GET /users/{user_id}', () => {
  it('is allowed to yourself and to system administrators, 403 for others, 404 when missing', async () => {
    const alice = await newUser();
    const bob = await newUser();
    expect((await alice.client.get(`/users/${alice.id}`)).status).toBe(200);
    expect((await alice.client.get(`/users/${bob.id}`)).status).toBe(403);
    expect((await anonymous.get(`/users/${alice.id}`)).status).toBe(401);
    expect((await admin.get('/users/999999')).status).toBe(404);
    expect((await admin.get('/users/abc')).status).toBe(400);
    expect((await admin.get('/users/99999999999999999999')).status).toBe(400);
    expect((await admin.get(`/users/${encodeURIComponent('1 OR 1=1')}`)).status).toBe(400);
  });
});

describe('PUT /users/{user_id}', () => {
  it('updates your own profile; administrators update anyone; others are refused', async () => {
    const alice = await newUser();
    const bob = await newUser();
    const own = await alice.client.put(`/users/${alice.id}`, { realname: 'Alice L', comment: 'hi' });
    expect(own.status).toBe(200);
    const read = await alice.client.get(`/users/${alice.id}`);
    expect(read.body).toMatchObject({
      realname: 'Alice L',
      comment: 'hi',
      email: `${alice.username}@example.com`,
    });
    expect(
      (await admin.put(`/users/${alice.id}`, { email: `new-${alice.username}@example.com` })).status,
    ).toBe(200);
    expect((await bob.client.put(`/users/${alice.id}`, { realname: 'Hacked' })).status).toBe(403);
    expect((await anonymous.put(`/users/${alice.id}`, { realname: 'Hacked' })).status).toBe(401);
  });

  it('validates the profile and refuses a taken e-mail', async () => {
    const alice = await newUser();
    const bob = await newUser();
    expect((await alice.client.put(`/users/${alice.id}`, { email: 'nope' })).status).toBe(400);
    expect((await alice.client.put(`/users/${alice.id}`, { realname: 'a,b' })).status).toBe(400);
    expect((await alice.client.put(`/users/${alice.id}`, { username: 'renamed' })).status).toBe(400);
    expect((await alice.client.put(`/users/${alice.id}`, '{', { raw: true })).status).toBe(400);
    const taken = await alice.client.put(`/users/${alice.id}`, { email: `${bob.username}@example.com` });
    expect(taken.status).toBe(409);
  });

  it('answers 400, not 500, for a value the database refuses (a NUL byte)', async () => {
    const alice = await newUser();
    const reply = await alice.client.put(`/users/${alice.id}`, { realname: 'a\u0000b' });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
    expect((await alice.client.get(`/users/${alice.id}`)).body.realname).not.toContain('\u0000');
  });
});

describe('PUT /users/{user_id}/password', () => {
  it('changes your own password with the old one', async () => {
    const alice = await newUser();
    const changed = await alice.client.put(`/users/${alice.id}/password`, {
      old_password: PASSWORD,
      new_password: 'N3wPassword',
    });
    expect(changed.status).toBe(200);
    expect((await alice.client.get('/users/current')).status).toBe(401);
    const renewed = new ApiClient(core.url, { username: alice.username, password: 'N3wPassword' });
    expect((await renewed.get('/users/current')).status).toBe(200);
  });

  it('refuses a wrong or missing old password, a weak or unchanged new one', async () => {
    const alice = await newUser();
    const wrongOld = await alice.client.put(`/users/${alice.id}/password`, {
      old_password: 'Wr0ngPassword',
      new_password: 'N3wPassword',
    });
    expect(wrongOld.status).toBe(403);
    const missingOld = await alice.client.put(`/users/${alice.id}/password`, { new_password: 'N3wPassword' });
    expect(missingOld.status).toBe(400);
    const weak = await alice.client.put(`/users/${alice.id}/password`, {
      old_password: PASSWORD,
      new_password: 'weak',
    });
    expect(weak.status).toBe(400);
    const same = await alice.client.put(`/users/${alice.id}/password`, {
      old_password: PASSWORD,
      new_password: PASSWORD,
    });
    expect(same.status).toBe(400);
    expect(same.body.errors[0].message).toMatch(/identical/);
  });

  it('lets an administrator reset another user without the old password, ending their sessions', async () => {
    const alice = await newUser();
    const session = await ApiClient.login(core.url, alice.username, PASSWORD);
    expect((await session.get('/users/current')).status).toBe(200);
    expect((await admin.put(`/users/${alice.id}/password`, { new_password: 'Res3tPassword' })).status).toBe(
      200,
    );
    expect((await session.get('/users/current')).status).toBe(401);
    const reset = new ApiClient(core.url, { username: alice.username, password: 'Res3tPassword' });
    expect((await reset.get('/users/current')).status).toBe(200);
  });

  it("refuses changing someone else's password to non-administrators", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const body = { old_password: PASSWORD, new_password: 'N3wPassword' };
    expect((await bob.client.put(`/users/${alice.id}/password`, body)).status).toBe(403);
    expect((await anonymous.put(`/users/${alice.id}/password`, body)).status).toBe(401);
  });
});

describe('PUT /users/{user_id}/sysadmin', () => {
  it('promotes and demotes; the flag grants system permissions at once', async () => {
    const alice = await newUser();
    expect((await alice.client.get('/users')).status).toBe(403);
    expect((await admin.put(`/users/${alice.id}/sysadmin`, { sysadmin_flag: true })).status).toBe(200);
    expect((await alice.client.get('/users')).status).toBe(200);
    expect((await admin.get(`/users/${alice.id}`)).body.sysadmin_flag).toBe(true);
    expect((await admin.put(`/users/${alice.id}/sysadmin`, { sysadmin_flag: false })).status).toBe(200);
    expect((await alice.client.get('/users')).status).toBe(403);
  });

  it('refuses non-administrators, revoking your own flag, and demoting admin', async () => {
    const alice = await newUser();
    const bob = await newUser();
    expect((await anonymous.put(`/users/${alice.id}/sysadmin`, { sysadmin_flag: true })).status).toBe(401);
    expect((await bob.client.put(`/users/${bob.id}/sysadmin`, { sysadmin_flag: true })).status).toBe(403);
    expect((await admin.put(`/users/${await adminId()}/sysadmin`, { sysadmin_flag: false })).status).toBe(
      403,
    );
    await admin.put(`/users/${alice.id}/sysadmin`, { sysadmin_flag: true });
    expect(
      (await alice.client.put(`/users/${await adminId()}/sysadmin`, { sysadmin_flag: false })).status,
    ).toBe(403);
    expect((await alice.client.put(`/users/${alice.id}/sysadmin`, { sysadmin_flag: false })).status).toBe(
      403,
    );
    expect((await admin.put(`/users/${bob.id}/sysadmin`, { sysadmin_flag: 'yes' })).status).toBe(400);
    expect((await admin.put(`/users/${bob.id}/sysadmin`, {})).status).toBe(400);
    expect((await admin.put('/users/999999/sysadmin', { sysadmin_flag: true })).status).toBe(404);
  });
});

describe('PUT /users/{user_id}/cli_secret', () => {
  it('sets a CLI secret usable as a Basic password and shown only to its owner', async () => {
    const alice = await newUser();
    const secret = 'Cl1SecretValue';
    expect((await alice.client.put(`/users/${alice.id}/cli_secret`, { secret })).status).toBe(200);
    const viaSecret = new ApiClient(core.url, { username: alice.username, password: secret });
    const current = await viaSecret.get('/users/current');
    expect(current.status).toBe(200);
    assertHarborResponse('getCurrentUserInfo', 200, current.body);
    expect(current.body.oidc_user_meta).toMatchObject({ user_id: alice.id, secret });
    const asAdmin = await admin.get(`/users/${alice.id}`);
    expect(asAdmin.body).not.toHaveProperty('oidc_user_meta');
    expect(asAdmin.text).not.toContain(secret);
    const { rows } = await db.query<{ cli_secret: string }>(`SELECT cli_secret FROM "user" WHERE id = $1`, [
      alice.id,
    ]);
    expect(rows[0]!.cli_secret).not.toContain(secret);

    // A new secret replaces the old one.
    expect((await admin.put(`/users/${alice.id}/cli_secret`, { secret: 'An0therSecret' })).status).toBe(200);
    expect((await viaSecret.get('/users/current')).status).toBe(401);
  });

  it('refuses weak secrets, other users and anonymous callers', async () => {
    const alice = await newUser();
    const bob = await newUser();
    expect((await alice.client.put(`/users/${alice.id}/cli_secret`, { secret: 'weak' })).status).toBe(400);
    expect(
      (await alice.client.put(`/users/${alice.id}/cli_secret`, { secret: 'Cl1SecretValue', x: 1 })).status,
    ).toBe(400);
    expect((await bob.client.put(`/users/${alice.id}/cli_secret`, { secret: 'Cl1SecretValue' })).status).toBe(
      403,
    );
    expect((await anonymous.put(`/users/${alice.id}/cli_secret`, { secret: 'Cl1SecretValue' })).status).toBe(
      401,
    );
  });
});

describe('DELETE /users/{user_id}', () => {
  it('deletes a user, whose credentials stop working', async () => {
    const alice = await newUser();
    expect((await alice.client.get('/users/current')).status).toBe(200);
    expect((await admin.delete(`/users/${alice.id}`)).status).toBe(200);
    expect((await admin.get(`/users/${alice.id}`)).status).toBe(404);
    expect((await alice.client.get('/users/current')).status).toBe(401);
    expect((await admin.delete(`/users/${alice.id}`)).status).toBe(404);
  });

  it('refuses deleting yourself or admin, and non-administrators', async () => {
    const alice = await newUser();
    const bob = await newUser();
    expect((await admin.delete(`/users/${await adminId()}`)).status).toBe(403);
    await admin.put(`/users/${alice.id}/sysadmin`, { sysadmin_flag: true });
    expect((await alice.client.delete(`/users/${await adminId()}`)).status).toBe(403);
    expect((await alice.client.delete(`/users/${alice.id}`)).status).toBe(403);
    expect((await bob.client.delete(`/users/${alice.id}`)).status).toBe(403);
    expect((await anonymous.delete(`/users/${alice.id}`)).status).toBe(401);
  });

  it('is audited like every user change', async () => {
    const alice = await newUser();
    await admin.delete(`/users/${alice.id}`);
    // The audit log is written from the outbox, moments after the change commits.
    await expect
      .poll(
        async () => {
          const log = await admin.get(
            `/audit-logs?q=${encodeURIComponent(`resource_type=user,resource=${alice.username}`)}`,
          );
          return log.body.map((e: { operation: string }) => e.operation);
        },
        { timeout: 10_000 },
      )
      .toEqual(['delete', 'create']);
  });
});

describe('GET /users/current and /users/current/permissions', () => {
  it('current is 401 for anonymous callers', async () => {
    expect((await anonymous.get('/users/current')).status).toBe(401);
    expect((await anonymous.get('/users/current/permissions?scope=/system')).status).toBe(401);
  });

  it('gives a system administrator every system permission and a plain user none', async () => {
    const alice = await newUser();
    const adminSystem = await admin.get('/users/current/permissions?scope=/system&relative=true');
    expect(adminSystem.status).toBe(200);
    assertHarborResponse('getCurrentUserPermissions', 200, adminSystem.body);
    expect(adminSystem.body).toEqual(
      expect.arrayContaining([
        { resource: 'user', action: 'create' },
        { resource: 'configuration', action: 'update' },
        { resource: 'audit-log', action: 'list' },
      ]),
    );
    const absolute = await admin.get('/users/current/permissions?scope=/system');
    expect(absolute.body).toContainEqual({ resource: '/system/user', action: 'create' });
    const plain = await alice.client.get('/users/current/permissions?scope=/system');
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual([]);
  });

  it('gives project permissions from the table: all for admin, visitor ones in a public project', async () => {
    const alice = await newUser();
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM project WHERE name = 'library'`);
    const id = Number(rows[0]!.id);
    const adminProject = await admin.get(`/users/current/permissions?scope=/project/${id}&relative=true`);
    expect(adminProject.body).toEqual(
      expect.arrayContaining([
        { resource: 'repository', action: 'push' },
        { resource: 'member', action: 'create' },
        { resource: 'project', action: 'delete' },
      ]),
    );
    const visitor = await alice.client.get(`/users/current/permissions?scope=/project/${id}`);
    assertHarborResponse('getCurrentUserPermissions', 200, visitor.body);
    expect(visitor.body).toContainEqual({ resource: `/project/${id}/repository`, action: 'pull' });
    expect(visitor.body).not.toContainEqual({ resource: `/project/${id}/repository`, action: 'push' });
    expect(visitor.body).not.toContainEqual({ resource: `/project/${id}/member`, action: 'create' });
    const byName = await alice.client.get('/users/current/permissions?scope=/project/library&relative=true');
    expect(byName.body).toContainEqual({ resource: 'repository', action: 'pull' });
  });

  it('holds nothing without a scope, in a missing project or in an unknown scope; rejects bad flags', async () => {
    expect((await admin.get('/users/current/permissions')).body).toEqual([]);
    expect((await admin.get('/users/current/permissions?scope=/project/999999')).body).toEqual([]);
    expect((await admin.get('/users/current/permissions?scope=/../../etc')).body).toEqual([]);
    expect((await admin.get('/users/current/permissions?scope=/system&relative=maybe')).status).toBe(400);
  });
});
