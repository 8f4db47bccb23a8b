/**
 * Console sessions (`/c/login`, `/c/log_out`): cookie and CSRF, Basic auth beside them, failed
 * logins answered in Harbor's error shape, audited, and throttled.
 *
 * Every failed login counts against 127.0.0.1's per-address budget (30 per 5 minutes) of this
 * core, so the file keeps its failures well below that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@berth/db';
import { ApiClient, sessionCookie } from '../support/api-client.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';

let core: CoreProcess;
let admin: ApiClient;
let anonymous: ApiClient;
let db: Pool;

const PASSWORD = 'Passw0rdSession';

async function createUser(username: string): Promise<number> {
  const reply = await admin.post('/users', {
    username,
    email: `${username}@example.com`,
    realname: username,
    password: PASSWORD,
  });
  expect(reply.status, reply.text).toBe(201);
  return Number(reply.headers.get('location')!.split('/').pop());
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

describe('POST /c/login', () => {
  it('signs in with a form, sets an HttpOnly SameSite=Lax sid cookie and returns the CSRF token', async () => {
    const { client, response } = await ApiClient.tryLogin(core.url, 'admin', ADMIN_PASSWORD);
    expect(response.status).toBe(200);
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('sid='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(response.headers.get('x-harbor-csrf-token')).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const current = await client!.get('/users/current');
    expect(current.status).toBe(200);
    assertHarborResponse('getCurrentUserInfo', 200, current.body);
    expect(current.body.username).toBe('admin');
    expect(current.body.sysadmin_flag).toBe(true);
  });

  it('accepts a JSON body too', async () => {
    const reply = await anonymous.post('/c/login', { principal: 'admin', password: ADMIN_PASSWORD });
    expect(reply.status).toBe(200);
    expect(sessionCookie(reply.headers)).not.toBeNull();
  });

  it('stores only the hash of the session token', async () => {
    const session = await ApiClient.login(core.url, 'admin', ADMIN_PASSWORD);
    const token = session.cookie!.slice('sid='.length);
    const { rows } = await db.query<{ id: string }>('SELECT id FROM user_session');
    expect(rows.some((row) => row.id === token)).toBe(false);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.id))).toBe(true);
  });

  it('refuses a wrong password with 401 in Harbor error shape and sets no cookie', async () => {
    const reply = await anonymous.post(
      '/c/login',
      new URLSearchParams({ principal: 'admin', password: 'nope' }),
    );
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: expect.any(String) }] });
    expect(sessionCookie(reply.headers)).toBeNull();
  });

  it('refuses an unknown user like a wrong password', async () => {
    const reply = await anonymous.post(
      '/c/login',
      new URLSearchParams({ principal: 'ghost', password: 'Whatever1' }),
    );
    expect(reply.status).toBe(401);
    expect(reply.body.errors[0].code).toBe('UNAUTHORIZED');
  });

  it('rejects malformed and incomplete bodies with 400', async () => {
    const malformed = await anonymous.post('/c/login', '{"principal":', { raw: true });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].code).toBe('BAD_REQUEST');
    const missing = await anonymous.post('/c/login', new URLSearchParams({ principal: 'admin' }));
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].message).toMatch(/password/);
    const extra = await anonymous.post('/c/login', {
      principal: 'admin',
      password: ADMIN_PASSWORD,
      admin: true,
    });
    expect(extra.status).toBe(400);
    expect(extra.body.errors[0].message).toMatch(/unknown field admin/);
    const empty = await anonymous.post('/c/login');
    expect(empty.status).toBe(400);
  });
});

describe('session cookie and CSRF', () => {
  it('needs the CSRF header on unsafe requests: 403 without it, allowed with it', async () => {
    const session = await ApiClient.login(core.url, 'admin', ADMIN_PASSWORD);
    const body = { project_creation_restriction: 'everyone' };
    const without = await session.put('/configurations', body, { csrf: false });
    expect(without.status).toBe(403);
    expect(without.body.errors[0].code).toBe('FORBIDDEN');
    const wrong = await session.put('/configurations', body, {
      csrf: false,
      headers: { 'X-Harbor-CSRF-Token': 'forged' },
    });
    expect(wrong.status).toBe(403);
    const withToken = await session.put('/configurations', body);
    expect(withToken.status).toBe(200);
  });

  it('does not need the CSRF header on safe requests', async () => {
    const session = await ApiClient.login(core.url, 'admin', ADMIN_PASSWORD);
    expect((await session.get('/users')).status).toBe(200);
  });

  it('GET /c/log_out ends the session and clears the cookie', async () => {
    const session = await ApiClient.login(core.url, 'admin', ADMIN_PASSWORD);
    expect((await session.get('/users/current')).status).toBe(200);
    const out = await session.logout();
    expect(out.status).toBe(200);
    const cleared = out.headers.getSetCookie().find((line) => line.startsWith('sid='))!;
    expect(cleared).toMatch(/Max-Age=0/);
    const after = await session.get('/users/current');
    expect(after.status).toBe(401);
  });

  it('an unknown or forged sid is anonymous', async () => {
    const reply = await anonymous.get('/users/current', { headers: { cookie: 'sid=forged-token' } });
    expect(reply.status).toBe(401);
  });

  it('slides a session forward on use, but never beyond 8 hours after login', async () => {
    const session = await ApiClient.login(core.url, 'admin', ADMIN_PASSWORD);
    const { createHash } = await import('node:crypto');
    const id = createHash('sha256').update(session.cookie!.slice('sid='.length)).digest('hex');
    await db.query(`UPDATE user_session SET expires_at = now() + interval '1 minute' WHERE id = $1`, [id]);
    expect((await session.get('/users/current')).status).toBe(200);
    const renewed = await waitFor(async () => {
      const { rows } = await db.query<{ left: number }>(
        `SELECT extract(epoch FROM expires_at - now()) AS left FROM user_session WHERE id = $1`,
        [id],
      );
      return Number(rows[0]!.left) > 25 * 60 ? Number(rows[0]!.left) : null;
    });
    expect(renewed).toBeLessThanOrEqual(30 * 60 + 1);

    // Logged in nearly 8 hours ago: renewal stops at the absolute limit.
    await db.query(
      `UPDATE user_session SET created_at = now() - interval '7 hours 59 minutes',
                               expires_at = now() + interval '1 minute' WHERE id = $1`,
      [id],
    );
    expect((await session.get('/users/current')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows } = await db.query<{ left: number }>(
      `SELECT extract(epoch FROM expires_at - now()) AS left FROM user_session WHERE id = $1`,
      [id],
    );
    expect(Number(rows[0]!.left)).toBeLessThanOrEqual(61);

    await db.query(`UPDATE user_session SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expect((await session.get('/users/current')).status).toBe(401);
  });

  it('a plain user signs in to the console; Basic still works beside sessions', async () => {
    await createUser('session-user');
    const session = await ApiClient.login(core.url, 'session-user', PASSWORD);
    const me = await session.get('/users/current');
    expect(me.body.username).toBe('session-user');
    expect(me.body.sysadmin_flag).toBe(false);
    const basic = new ApiClient(core.url, { username: 'session-user', password: PASSWORD });
    expect((await basic.get('/users/current')).body.username).toBe('session-user');
  });
});

describe('Basic auth', () => {
  it('a wrong Basic password is 401 UNAUTHORIZED, never anonymous', async () => {
    const bad = new ApiClient(core.url, { username: 'admin', password: 'wrong' });
    const reply = await bad.get('/systeminfo');
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: expect.any(String) }] });
  });
});

describe('login audit', () => {
  it('records successes and failures with the client address, filterable by q', async () => {
    await anonymous.post(
      '/c/login',
      new URLSearchParams({ principal: 'audit-target', password: 'Wrong1234' }),
    );
    await createUser('audit-target');
    expect((await ApiClient.tryLogin(core.url, 'audit-target', PASSWORD)).response.status).toBe(200);
    // The audit log is written from the outbox, moments after the change commits.
    await expect
      .poll(
        async () => {
          const logins = await admin.get(
            `/audit-logs?q=${encodeURIComponent('operation=login,resource=~audit-tar')}`,
          );
          return logins.headers.get('x-total-count');
        },
        { timeout: 10_000 },
      )
      .toBe('2');

    const failures = await admin.get(
      `/audit-logs?q=${encodeURIComponent('operation=login,username=audit-target,operation_result=false')}`,
    );
    expect(failures.status).toBe(200);
    assertHarborResponse('listAuditLogs', 200, failures.body);
    expect(failures.body).toHaveLength(1);
    expect(failures.body[0]).toMatchObject({
      operation: 'login',
      resource_type: 'user',
      resource: 'audit-target',
      username: 'audit-target',
      operation_result: false,
      client_ip: '127.0.0.1',
    });

    const all = await admin.get(`/audit-logs?q=${encodeURIComponent('operation=login,resource=~audit-tar')}`);
    expect(all.body.map((entry: { operation_result: boolean }) => entry.operation_result)).toEqual([
      true,
      false,
    ]);
    expect(all.headers.get('x-total-count')).toBe('2');
  });
});

describe('throttling', () => {
  it('answers 429 with Retry-After after repeated failures for one user, even with the right password', async () => {
    await createUser('throttled');
    const attempts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await anonymous.post(
        '/c/login',
        new URLSearchParams({ principal: 'throttled', password: `Wrong${i}abc` }),
      );
      attempts.push(reply.status);
    }
    expect(attempts.every((status) => status === 401)).toBe(true);
    const blocked = await anonymous.post(
      '/c/login',
      new URLSearchParams({ principal: 'throttled', password: PASSWORD }),
    );
    expect(blocked.status).toBe(429);
    expect(blocked.body.errors[0].code).toBe('TOO_MANY_REQUESTS');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Basic auth shares the same limit.
    const basic = new ApiClient(core.url, { username: 'throttled', password: PASSWORD });
    expect((await basic.get('/users/current')).status).toBe(429);
    // Other users are not affected.
    expect((await ApiClient.tryLogin(core.url, 'admin', ADMIN_PASSWORD)).response.status).toBe(200);

    await expect
      .poll(
        async () => {
          const audit = await admin.get(
            `/audit-logs?q=${encodeURIComponent('username=throttled,operation_result=false')}&page_size=100`,
          );
          return audit.body.length;
        },
        { timeout: 10_000 },
      )
      .toBe(11);
  });
});

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
