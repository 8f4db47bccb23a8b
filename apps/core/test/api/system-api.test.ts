/**
 * Ping, system info, configurations and the audit log's read side, with every route's denial for
 * anonymous callers and for signed-in users without the permission.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@berth/db';
import { ApiClient, linkTarget } from '../support/api-client.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';

let core: CoreProcess;
let admin: ApiClient;
let anonymous: ApiClient;
let plain: ApiClient;
let plainId: number;
let db: Pool;

const PASSWORD = 'Passw0rdSystem';

beforeAll(async () => {
  core = await startCore({ env: { BERTH_EXTERNAL_URL: 'https://registry.example.com/' } });
  admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
  anonymous = new ApiClient(core.url, null);
  db = createPool(core.databaseUrl);
  const created = await admin.post('/users', {
    username: 'plain',
    email: 'plain@example.com',
    realname: 'Plain User',
    password: PASSWORD,
  });
  expect(created.status).toBe(201);
  plainId = Number(created.headers.get('location')!.split('/').pop());
  plain = new ApiClient(core.url, { username: 'plain', password: PASSWORD });
});

afterAll(async () => {
  await db?.end();
  await core?.stop();
});

describe('GET /ping', () => {
  it('answers Pong as text to anyone', async () => {
    const reply = await anonymous.get('/ping');
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('Pong');
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    assertHarborResponse('getPing', 200, reply.text);
  });
});

describe('GET /systeminfo', () => {
  it('tells anonymous callers only how to sign in', async () => {
    const reply = await anonymous.get('/systeminfo');
    expect(reply.status).toBe(200);
    assertHarborResponse('getSystemInfo', 200, reply.body);
    expect(reply.body).toEqual({ auth_mode: 'db_auth', primary_auth_mode: false, self_registration: false });
  });

  it('tells signed-in callers the version, URLs and policies', async () => {
    const reply = await plain.get('/systeminfo');
    expect(reply.status).toBe(200);
    assertHarborResponse('getSystemInfo', 200, reply.body);
    expect(reply.body).toMatchObject({
      auth_mode: 'db_auth',
      self_registration: false,
      harbor_version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      external_url: 'https://registry.example.com',
      registry_url: 'registry.example.com',
      has_ca_root: false,
      read_only: false,
      project_creation_restriction: 'everyone',
    });
  });
});

describe('configurations', () => {
  it('GET returns the settings Berth has, with value and editable', async () => {
    const reply = await admin.get('/configurations');
    expect(reply.status).toBe(200);
    assertHarborResponse('getConfigurations', 200, reply.body);
    expect(reply.body).toMatchObject({
      auth_mode: { value: 'db_auth', editable: false },
      robot_name_prefix: { value: 'robot$', editable: true },
      robot_token_duration: { value: 30, editable: true },
      project_creation_restriction: { value: 'everyone', editable: true },
      storage_per_project: { value: -1, editable: true },
    });
  });

  it('PUT changes a subset, stored for every instance and audited', async () => {
    const update = await admin.put('/configurations', {
      project_creation_restriction: 'adminonly',
      storage_per_project: 10_737_418_240,
      robot_token_duration: '60',
    });
    expect(update.status).toBe(200);
    const reply = await admin.get('/configurations');
    expect(reply.body.project_creation_restriction.value).toBe('adminonly');
    expect(reply.body.storage_per_project.value).toBe(10_737_418_240);
    expect(reply.body.robot_token_duration.value).toBe(60);
    expect(reply.body.robot_name_prefix.value).toBe('robot$');
    const { rows } = await db.query<{ value: unknown }>(
      `SELECT value FROM system_setting WHERE key = 'storage_per_project'`,
    );
    expect(rows[0]!.value).toBe(10_737_418_240);
    expect((await plain.get('/systeminfo')).body.project_creation_restriction).toBe('adminonly');

    // The outbox delivers audit entries after the commit: wait for this one.
    const latest = async () =>
      (await admin.get(`/audit-logs?q=${encodeURIComponent('resource_type=configuration')}`)).body[0];
    await expect.poll(latest).toMatchObject({
      operation: 'update',
      username: 'admin',
      resource: expect.stringContaining('storage_per_project'),
    });

    await admin.put('/configurations', { project_creation_restriction: 'everyone', storage_per_project: -1 });
  });

  it('a new robot prefix is what robot logins and usernames are checked against', async () => {
    expect((await admin.put('/configurations', { robot_name_prefix: 'bot-' })).status).toBe(200);
    const refused = await admin.post('/users', {
      username: 'bot-sneaky',
      email: 'bot@example.com',
      realname: 'Bot',
      password: PASSWORD,
    });
    expect(refused.status).toBe(400);
    expect((await admin.put('/configurations', { robot_name_prefix: 'robot$' })).status).toBe(200);
  });

  it.each([
    [{ project_creation_restriction: 'nobody' }],
    [{ storage_per_project: 0 }],
    [{ storage_per_project: -2 }],
    [{ storage_per_project: 1.5 }],
    [{ robot_token_duration: 0 }],
    [{ robot_token_duration: 'thirty' }],
    [{ robot_name_prefix: '' }],
    [{ robot_name_prefix: 'a:b' }],
    [{ robot_name_prefix: "x'; DROP TABLE system_setting;--" }],
    [{ auth_mode: 'ldap_auth' }],
    [{ ldap_url: 'ldap://evil' }],
    [[1, 2]],
  ])('PUT rejects %j with 400', async (body) => {
    const reply = await admin.put('/configurations', body);
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
  });

  it('PUT rejects malformed JSON and a missing body', async () => {
    expect((await admin.put('/configurations', '{"robot_name_prefix":', { raw: true })).status).toBe(400);
    expect((await admin.put('/configurations')).status).toBe(400);
  });

  it('is for system administrators only', async () => {
    expect((await anonymous.get('/configurations')).status).toBe(401);
    expect((await plain.get('/configurations')).status).toBe(403);
    expect((await anonymous.put('/configurations', { robot_token_duration: 5 })).status).toBe(401);
    expect((await plain.put('/configurations', { robot_token_duration: 5 })).status).toBe(403);
    expect((await admin.get('/configurations')).body.robot_token_duration.value).toBe(60);
  });
});

describe('GET /audit-logs', () => {
  beforeAll(async () => {
    await db.query(
      `INSERT INTO audit_log (operation, resource_type, resource, username, client_ip, success, op_time) VALUES
         ('push', 'artifact', 'library/app:1', 'alice', '10.0.0.1', true, '2020-01-01T00:00:00Z'),
         ('pull', 'artifact', 'library/app:1', 'bob', '10.0.0.2', true, '2020-01-02T00:00:00Z'),
         ('delete', 'artifact', 'library/app:1', 'alice', '10.0.0.1', true, '2020-01-03T00:00:00Z')`,
    );
  });

  it('lists newest first in Harbor shape, with X-Total-Count and Link', async () => {
    const reply = await admin.get('/audit-logs?page_size=2');
    expect(reply.status).toBe(200);
    assertHarborResponse('listAuditLogs', 200, reply.body);
    expect(reply.body).toHaveLength(2);
    const total = Number(reply.headers.get('x-total-count'));
    expect(total).toBeGreaterThanOrEqual(3);
    const times = reply.body.map((entry: { op_time: string }) => entry.op_time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(linkTarget(reply.headers, 'next')).toMatch(/page=2/);
  });

  it('filters by operation, resource_type, resource, username and op_time range', async () => {
    const q = (query: string) => admin.get(`/audit-logs?q=${encodeURIComponent(query)}`);
    const pushes = await q('operation=push');
    expect(pushes.body.map((e: { resource: string }) => e.resource)).toEqual(['library/app:1']);
    const anyOf = await q('operation={push pull},resource_type=artifact');
    expect(anyOf.body).toHaveLength(2);
    const fuzzy = await q('resource=~APP:1,username=alice');
    expect(fuzzy.body.map((e: { operation: string }) => e.operation)).toEqual(['delete', 'push']);
    const range = await q('op_time=[2020-01-01 12:00:00~2020-01-02 12:00:00]');
    expect(range.body.map((e: { operation: string }) => e.operation)).toEqual(['pull']);
    const open = await q('op_time=[~2020-01-01 23:59:59],resource_type=artifact');
    expect(open.body.map((e: { operation: string }) => e.operation)).toEqual(['push']);
    const ascending = await admin.get(
      `/audit-logs?sort=op_time&q=${encodeURIComponent('resource_type=artifact')}`,
    );
    expect(ascending.body.map((e: { operation: string }) => e.operation)).toEqual(['push', 'pull', 'delete']);
    expect(pushes.body[0]).toMatchObject({ client_ip: '10.0.0.1', operation_result: true });
  });

  it('rejects unknown keys, bad times, bad sorts and oversize pages with 400', async () => {
    const q = (query: string) => admin.get(`/audit-logs?q=${encodeURIComponent(query)}`);
    expect((await q('client_ip=10.0.0.1')).status).toBe(400);
    expect((await q('op_time=[yesterday~today]')).status).toBe(400);
    expect((await q('op_time=2020-01-01')).status).toBe(400);
    expect((await q('operation')).status).toBe(400);
    expect((await q("username=x' OR '1'='1")).body).toEqual([]);
    expect((await admin.get('/audit-logs?sort=secret')).status).toBe(400);
    expect((await admin.get('/audit-logs?page_size=1000')).status).toBe(400);
  });

  it('is for system administrators only', async () => {
    expect((await anonymous.get('/audit-logs')).status).toBe(401);
    expect((await plain.get('/audit-logs')).status).toBe(403);
  });
});

describe('GET /projects/{project_name}/logs', () => {
  let libraryId: number;

  beforeAll(async () => {
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM project WHERE name = 'library'`);
    libraryId = Number(rows[0]!.id);
    await db.query(
      `INSERT INTO audit_log (project_id, operation, resource_type, resource, username, client_ip)
       VALUES ($1, 'push', 'artifact', 'library/web:2', 'alice', '10.0.0.9')`,
      [libraryId],
    );
  });

  it("lists one project's entries, without client addresses", async () => {
    const reply = await admin.get('/projects/library/logs');
    expect(reply.status).toBe(200);
    assertHarborResponse('getLogs', 200, reply.body);
    expect(reply.body).toHaveLength(1);
    expect(reply.body[0]).toMatchObject({ resource: 'library/web:2', operation: 'push' });
    expect(reply.body[0]).not.toHaveProperty('client_ip');
    expect(reply.headers.get('x-total-count')).toBe('1');
  });

  it('needs the log permission: members may list, visitors of a public project may not', async () => {
    expect((await anonymous.get('/projects/library/logs')).status).toBe(401);
    expect((await plain.get('/projects/library/logs')).status).toBe(403);
    await db.query(`INSERT INTO project_member (project_id, user_id, role) VALUES ($1, $2, 3)`, [
      libraryId,
      plainId,
    ]);
    try {
      const reply = await plain.get('/projects/library/logs');
      expect(reply.status).toBe(200);
      assertHarborResponse('getLogs', 200, reply.body);
    } finally {
      await db.query(`DELETE FROM project_member WHERE project_id = $1 AND user_id = $2`, [
        libraryId,
        plainId,
      ]);
    }
  });

  it('answers 404 for a missing project and 400 for bad queries', async () => {
    expect((await admin.get('/projects/no-such-project/logs')).status).toBe(404);
    expect((await admin.get('/projects/library/logs?q=' + encodeURIComponent('bogus=1'))).status).toBe(400);
  });
});
