/**
 * Harbor 2.13's extended audit log: `/auditlog-exts` (everything for system administrators, the
 * projects where one holds `log` `list` for everyone else, roles through groups and robots
 * included), `/auditlog-exts/events` and `/projects/{name}/auditlog-exts`, read from the entries
 * Berth records, paged and filtered with `q` and `sort`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, linkTarget } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { actor, adminClient, RegistryClient, Role, suffix, TestDb, type Actor } from './projects-fixtures.js';

interface ExtEntry {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  operation_description: string;
  operation_result: boolean;
  op_time: string;
}

let core: CoreProcess;
let db: TestDb;
let admin: ApiClient;
let alpha: string;
let beta: string;
let developer: Actor;
let limitedGuest: Actor;
let groupAdmin: Actor;
let outsider: Actor;
let robot: ApiClient;

async function allPages(client: ApiClient, path: string): Promise<ExtEntry[]> {
  const entries: ExtEntry[] = [];
  let next: string | null = `${path}${path.includes('?') ? '&' : '?'}page_size=100`;
  while (next) {
    const reply = await client.get<ExtEntry[]>(next.replace(/^\/api\/v2\.0/, ''));
    expect(reply.status, reply.text).toBe(200);
    entries.push(...reply.body);
    next = linkTarget(reply.headers, 'next');
  }
  return entries;
}

beforeAll(async () => {
  core = await startCore();
  db = TestDb.open(core);
  admin = adminClient(core);
  alpha = `alpha-${suffix()}`;
  beta = `beta-${suffix()}`;
  for (const name of [alpha, beta]) {
    expect(
      (await admin.post('/projects', { project_name: name, metadata: { public: 'false' } })).status,
    ).toBe(201);
  }
  developer = await actor(core, db, 'dev');
  limitedGuest = await actor(core, db, 'limited');
  groupAdmin = await actor(core, db, 'grpadmin');
  outsider = await actor(core, db, 'outsider');
  for (const [who, role] of [
    [developer, Role.Developer],
    [limitedGuest, Role.LimitedGuest],
  ] as const) {
    expect(
      (await admin.post(`/projects/${alpha}/members`, { role_id: role, member_user: { user_id: who.id } }))
        .status,
    ).toBe(201);
  }
  const group = await admin.post('/usergroups', { group_name: `auditors-${suffix()}` });
  const groupId = Number(group.headers.get('location')!.split('/').pop());
  expect((await admin.post(`/usergroups/${groupId}/members`, { user_id: groupAdmin.id })).status).toBe(201);
  expect(
    (
      await admin.post(`/projects/${beta}/members`, {
        role_id: Role.ProjectAdmin,
        member_group: { id: groupId },
      })
    ).status,
  ).toBe(201);

  const created = await admin.post<{ name: string; secret: string }>('/robots', {
    name: `auditor-${suffix()}`,
    level: 'project',
    duration: -1,
    permissions: [{ kind: 'project', namespace: alpha, access: [{ resource: 'log', action: 'list' }] }],
  });
  expect(created.status, created.text).toBe(201);
  robot = new ApiClient(core.url, { username: created.body.name, password: created.body.secret });

  const registry = new RegistryClient(core.url, admin.credentials);
  expect((await registry.pushImage(`${alpha}/app`, 'v1', [64])).status).toBe(201);
  expect((await registry.fetch(`/v2/${alpha}/app/manifests/v1`, { method: 'GET' })).status).toBe(200);
  // Registry entries are written about once a second.
  for (let attempt = 0; attempt < 40; attempt++) {
    const rows = await db.query(
      `SELECT 1 FROM audit_log WHERE resource_type = 'artifact' AND resource LIKE $1`,
      [`${alpha}/app%`],
    );
    if (rows.length >= 2) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

afterAll(async () => {
  await db?.close();
  await core?.stop();
});

describe('GET /auditlog-exts', () => {
  it('shows a system administrator every entry, in AuditLogExt’s shape, newest first', async () => {
    const first = await admin.get<ExtEntry[]>('/auditlog-exts?page_size=5');
    expect(first.status).toBe(200);
    assertHarborResponse('listAuditLogExts', 200, first.body);
    const total = Number(first.headers.get('x-total-count'));
    const [all] = await db.query<{ count: string }>('SELECT count(*) FROM audit_log');
    expect(total).toBe(Number(all!.count));
    expect(first.body).toHaveLength(5);
    expect(linkTarget(first.headers, 'next')).toContain('page=2');
    const times = first.body.map((entry) => entry.op_time);
    expect([...times].sort().reverse()).toEqual(times);

    const entries = await allPages(admin, '/auditlog-exts');
    expect(entries.some((entry) => entry.resource_type === 'user_group')).toBe(true);
    const push = entries.find(
      (entry) => entry.resource === `${alpha}/app:v1` && entry.operation === 'create',
    );
    expect(push).toMatchObject({
      username: 'admin',
      resource_type: 'artifact',
      operation_result: true,
      operation_description: `push artifact: ${alpha}/app:v1`,
    });
  });

  it('filters with q and sorts', async () => {
    const members = await allPages(
      admin,
      `/auditlog-exts?q=${encodeURIComponent('resource_type=member,operation=create')}`,
    );
    expect(members.length).toBeGreaterThanOrEqual(3);
    expect(members.every((entry) => entry.resource_type === 'member' && entry.operation === 'create')).toBe(
      true,
    );
    const fuzzy = await allPages(admin, `/auditlog-exts?q=${encodeURIComponent(`resource=~${beta}`)}`);
    expect(fuzzy.length).toBeGreaterThan(0);
    expect(fuzzy.every((entry) => entry.resource.includes(beta))).toBe(true);
    const ascending = await admin.get<ExtEntry[]>('/auditlog-exts?sort=op_time&page_size=100');
    const times = ascending.body.map((entry) => entry.op_time);
    expect([...times].sort()).toEqual(times);
    expect((await admin.get('/auditlog-exts?q=color=red')).status).toBe(400);
    expect((await admin.get('/auditlog-exts?page_size=1000')).status).toBe(400);
  });

  it('shows others only the projects where they may list logs (roles through groups count)', async () => {
    const projectOf = async (entries: ExtEntry[]) => {
      const ids = entries.map((entry) => entry.id);
      const rows = await db.query<{ name: string | null }>(
        'SELECT DISTINCT p.name FROM audit_log l LEFT JOIN project p ON p.id = l.project_id WHERE l.id = ANY($1::bigint[])',
        [ids],
      );
      return rows.map((row) => row.name).sort();
    };
    const forDeveloper = await allPages(developer.client, '/auditlog-exts');
    expect(forDeveloper.length).toBeGreaterThan(0);
    expect(await projectOf(forDeveloper)).toEqual([alpha]);
    expect(forDeveloper.some((entry) => entry.resource === `${alpha}/app:v1`)).toBe(true);

    const forGroupAdmin = await allPages(groupAdmin.client, '/auditlog-exts');
    expect(await projectOf(forGroupAdmin)).toEqual([beta]);

    const forRobot = await allPages(robot, '/auditlog-exts');
    expect(await projectOf(forRobot)).toEqual([alpha]);

    // No role that lists logs: an empty list, as Harbor answers (not 403).
    for (const client of [limitedGuest.client, outsider.client]) {
      const reply = await client.get('/auditlog-exts');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual([]);
      expect(reply.headers.get('x-total-count')).toBe('0');
    }
    expect((await new ApiClient(core.url, null).get('/auditlog-exts')).status).toBe(401);
  });
});

describe('GET /auditlog-exts/events', () => {
  it('lists the event types Berth records, for system administrators', async () => {
    const reply = await admin.get<{ event_type: string }[]>('/auditlog-exts/events');
    expect(reply.status).toBe(200);
    assertHarborResponse('listAuditLogEventTypes', 200, reply.body);
    const types = reply.body.map((entry) => entry.event_type);
    expect(types).toEqual(
      expect.arrayContaining(['create_user', 'login_user', 'pull_artifact', 'create_artifact']),
    );
    // Every entry this test's operations recorded is of a listed type.
    const recorded = await db.query<{ event_type: string }>(
      `SELECT DISTINCT operation || '_' || resource_type AS event_type FROM audit_log`,
    );
    expect(types).toEqual(expect.arrayContaining(recorded.map((row) => row.event_type)));
    expect((await developer.client.get('/auditlog-exts/events')).status).toBe(403);
    expect((await new ApiClient(core.url, null).get('/auditlog-exts/events')).status).toBe(401);
  });
});

describe('GET /projects/{project_name}/auditlog-exts', () => {
  it('lists one project’s entries to those who may list its logs', async () => {
    const reply = await developer.client.get<ExtEntry[]>(`/projects/${alpha}/auditlog-exts?page_size=100`);
    expect(reply.status).toBe(200);
    assertHarborResponse('getLogExts', 200, reply.body);
    const [inAlpha] = await db.query<{ count: string }>(
      'SELECT count(*) FROM audit_log WHERE project_id = (SELECT id FROM project WHERE name = $1)',
      [alpha],
    );
    expect(reply.headers.get('x-total-count')).toBe(inAlpha!.count);
    expect(
      reply.body.some((entry) => entry.resource === `${alpha}/app:v1` && entry.operation === 'pull'),
    ).toBe(true);
    expect((await groupAdmin.client.get(`/projects/${beta}/auditlog-exts`)).status).toBe(200);
    expect((await groupAdmin.client.get(`/projects/${alpha}/auditlog-exts`)).status).toBe(403);
    expect((await limitedGuest.client.get(`/projects/${alpha}/auditlog-exts`)).status).toBe(403);
    expect((await new ApiClient(core.url, null).get(`/projects/${alpha}/auditlog-exts`)).status).toBe(401);
    expect((await admin.get(`/projects/nothing-${suffix()}/auditlog-exts`)).status).toBe(404);
  });
});
