/**
 * `/api/v2.0/robots`: Harbor's robot accounts. CRUD and secret refresh as the swagger says, who may
 * manage system and project robots, "never more than its creator", expiry and disabling, the
 * configurable name prefix, the audit trail, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectRole } from '../../src/rbac/rbac-policy.js';
import { ApiClient, linkTarget } from '../support/api-client.js';
import {
  AuthSeed,
  fetchToken,
  grantedActions,
  type Credentials,
  type SeededProject,
  type SeededUser,
} from '../support/auth-seed.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';

interface RobotBody {
  id: number;
  name: string;
  description: string;
  level: string;
  duration: number;
  editable: boolean;
  disable: boolean;
  expires_at: number;
  permissions: {
    kind: string;
    namespace: string;
    access: { resource: string; action: string; effect?: string }[];
  }[];
  creator_type: string;
  creator_ref: number;
  creation_time: string;
  update_time: string;
  secret?: string;
  errors?: { code: string; message: string }[];
}

let core: CoreProcess;
let seed: AuthSeed;
let admin: ApiClient;
let projectAdmin: SeededUser;
let developer: SeededUser;
let guest: SeededUser;
let outsider: SeededUser;
let project: SeededProject;
let otherProject: SeededProject;

const as = (user: Credentials | null) => new ApiClient(core.url, user);

function projectPermissions(namespace: string, actions: [string, string][]) {
  return [
    { kind: 'project', namespace, access: actions.map(([resource, action]) => ({ resource, action })) },
  ];
}

function projectRobot(name: string, actions: [string, string][] = [['repository', 'pull']], extra = {}) {
  return {
    name,
    description: `robot ${name}`,
    level: 'project',
    duration: -1,
    permissions: projectPermissions(project.name, actions),
    ...extra,
  };
}

beforeAll(async () => {
  core = await startCore();
  seed = await AuthSeed.connect(core.databaseUrl);
  admin = as({ username: 'admin', password: ADMIN_PASSWORD });
  project = await seed.project('robots-main', { public: false });
  otherProject = await seed.project('robots-other', { public: false });
  projectAdmin = await seed.user('rb-padmin');
  developer = await seed.user('rb-developer');
  guest = await seed.user('rb-guest');
  outsider = await seed.user('rb-outsider');
  await seed.member(project, projectAdmin, ProjectRole.ProjectAdmin);
  await seed.member(project, developer, ProjectRole.Developer);
  await seed.member(project, guest, ProjectRole.Guest);
  await seed.member(otherProject, projectAdmin, ProjectRole.Guest);
});

afterAll(async () => {
  await seed?.close();
  await core?.stop();
});

describe('POST /robots', () => {
  it('a project admin creates a project robot; the secret is shown once and stored hashed', async () => {
    const reply = await as(projectAdmin).post<RobotBody>('/robots', projectRobot('ci'));
    expect(reply.status).toBe(201);
    assertHarborResponse('CreateRobot', 201, reply.body);
    expect(reply.body.name).toBe(`robot$${project.name}+ci`);
    expect(reply.body.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(reply.body.expires_at).toBe(-1);
    expect(reply.headers.get('location')).toBe(`/api/v2.0/robots/${reply.body.id}`);

    const [row] = await seed.query<{ secret_hash: string; creator_ref: string }>(
      'SELECT secret_hash, creator_ref FROM robot WHERE id = $1',
      [reply.body.id],
    );
    expect(row!.secret_hash.startsWith('scrypt$')).toBe(true);
    expect(row!.secret_hash).not.toContain(reply.body.secret);
    expect(BigInt(row!.creator_ref)).toBe(projectAdmin.id);

    const shown = await admin.get<RobotBody>(`/robots/${reply.body.id}`);
    expect(shown.body.secret).toBeUndefined();

    // The robot logs in with its full name and secret and gets what its permissions say.
    const token = await fetchToken(core.url, { username: reply.body.name, password: reply.body.secret! }, [
      `repository:${project.name}/app:pull,push`,
    ]);
    expect(token.status).toBe(200);
    expect(grantedActions(token, 'repository', `${project.name}/app`)).toEqual(['pull']);
  });

  it('is audited', async () => {
    // The outbox delivers audit entries after the commit: wait for them.
    const rows = () =>
      seed.query<{ operation: string; username: string; project_id: string }>(
        `SELECT operation, username, project_id FROM audit_log WHERE resource_type = 'robot' AND resource = $1`,
        [`robot$${project.name}+ci`],
      );
    await expect.poll(rows).toContainEqual({
      operation: 'create',
      username: projectAdmin.username,
      project_id: String(project.id),
    });
  });

  it('a sysadmin creates a system robot across projects, with system permissions', async () => {
    const reply = await admin.post<RobotBody>('/robots', {
      name: 'sys-ci',
      level: 'system',
      duration: 7,
      permissions: [
        { kind: 'system', namespace: '/', access: [{ resource: 'catalog', action: 'read' }] },
        { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] },
      ],
    });
    expect(reply.status).toBe(201);
    assertHarborResponse('CreateRobot', 201, reply.body);
    expect(reply.body.name).toBe('robot$sys-ci');
    const week = Date.now() / 1000 + 7 * 86400;
    expect(Math.abs(reply.body.expires_at - week)).toBeLessThan(60);

    const token = await fetchToken(core.url, { username: 'robot$sys-ci', password: reply.body.secret! }, [
      `repository:${otherProject.name}/app:pull`,
      'registry:catalog:*',
    ]);
    expect(grantedActions(token, 'repository', `${otherProject.name}/app`)).toEqual(['pull']);
    expect(grantedActions(token, 'registry', 'catalog')).toEqual(['*']);
  });

  it('duration 0 takes robot_token_duration (days), else 30', async () => {
    const reply = await admin.post<RobotBody>(
      '/robots',
      projectRobot('default-life', undefined, { duration: 0 }),
    );
    expect(reply.status).toBe(201);
    expect(Math.abs(reply.body.expires_at - (Date.now() / 1000 + 30 * 86400))).toBeLessThan(60);
    const shown = await admin.get<RobotBody>(`/robots/${reply.body.id}`);
    expect(shown.body.duration).toBe(30);

    await seed.setting('robot_token_duration', 3);
    try {
      const short = await admin.post<RobotBody>(
        '/robots',
        projectRobot('short-life', undefined, { duration: 0 }),
      );
      expect(Math.abs(short.body.expires_at - (Date.now() / 1000 + 3 * 86400))).toBeLessThan(60);
    } finally {
      await seed.setting('robot_token_duration', undefined);
    }
  });

  it('accepts a strong secret of the caller, refuses a weak one', async () => {
    const strong = await admin.post<RobotBody>(
      '/robots',
      projectRobot('own-secret', undefined, { secret: 'MyRobotSecret9' }),
    );
    expect(strong.status).toBe(201);
    expect(strong.body.secret).toBe('MyRobotSecret9');
    const token = await fetchToken(core.url, { username: strong.body.name, password: 'MyRobotSecret9' });
    expect(token.status).toBe(200);

    const weak = await admin.post('/robots', projectRobot('weak-secret', undefined, { secret: 'password' }));
    expect(weak.status).toBe(400);
  });

  it('a duplicate name is 409, system and project alike', async () => {
    const again = await admin.post('/robots', projectRobot('ci'));
    expect(again.status).toBe(409);
    expect(again.body.errors[0].code).toBe('CONFLICT');
    const system = {
      name: 'sys-dup',
      level: 'system',
      duration: -1,
      permissions: projectPermissions('*', [['repository', 'pull']]),
    };
    expect((await admin.post('/robots', system)).status).toBe(201);
    expect((await admin.post('/robots', system)).status).toBe(409);
  });

  it('the same short name may exist in two projects', async () => {
    const reply = await admin.post<RobotBody>('/robots', {
      ...projectRobot('ci'),
      permissions: projectPermissions(otherProject.name, [['repository', 'pull']]),
    });
    expect(reply.status).toBe(201);
    expect(reply.body.name).toBe(`robot$${otherProject.name}+ci`);
  });

  it('uses the robot_name_prefix setting', async () => {
    await seed.setting('robot_name_prefix', 'bot@');
    try {
      const reply = await admin.post<RobotBody>('/robots', projectRobot('prefixed'));
      expect(reply.body.name).toBe(`bot@${project.name}+prefixed`);
      const token = await fetchToken(core.url, { username: reply.body.name, password: reply.body.secret! });
      expect(token.status).toBe(200);
      expect(token.claims!.sub).toBe(`bot@${project.name}+prefixed`);
    } finally {
      await seed.setting('robot_name_prefix', undefined);
    }
  });
});

describe('who may manage robots', () => {
  it('anonymous: 401 on every route', async () => {
    const anonymous = as(null);
    expect((await anonymous.get('/robots')).status).toBe(401);
    expect((await anonymous.post('/robots', projectRobot('anon'))).status).toBe(401);
    expect((await anonymous.get('/robots/1')).status).toBe(401);
    expect((await anonymous.put('/robots/1', projectRobot('anon'))).status).toBe(401);
    expect((await anonymous.patch('/robots/1', {})).status).toBe(401);
    expect((await anonymous.delete('/robots/1')).status).toBe(401);
  });

  it('a developer (no robot create) may not create a project robot: 403', async () => {
    const reply = await as(developer).post('/robots', projectRobot('dev-made'));
    expect(reply.status).toBe(403);
    expect(reply.body.errors[0].code).toBe('FORBIDDEN');
  });

  it('a project admin may not create a system robot', async () => {
    const reply = await as(projectAdmin).post('/robots', {
      name: 'padmin-system',
      level: 'system',
      duration: -1,
      permissions: projectPermissions(project.name, [['repository', 'pull']]),
    });
    expect(reply.status).toBe(403);
  });

  it('never more than the creator holds: a project admin cannot grant in a project where they are guest', async () => {
    const reply = await as(projectAdmin).post('/robots', {
      name: 'sneaky',
      level: 'project',
      duration: -1,
      permissions: projectPermissions(otherProject.name, [['repository', 'push']]),
    });
    expect(reply.status).toBe(403);
  });

  it('never more than the creator holds: a system robot with * is for system administrators only', async () => {
    const asSysRobotCreator = await seed.user('rb-not-admin');
    const reply = await as(asSysRobotCreator).post('/robots', {
      name: 'everywhere',
      level: 'system',
      duration: -1,
      permissions: projectPermissions('*', [['repository', 'push']]),
    });
    expect(reply.status).toBe(403);
  });

  it('a robot cannot create robots', async () => {
    const created = await admin.post<RobotBody>('/robots', {
      name: 'robot-maker',
      level: 'system',
      duration: -1,
      permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'robot', action: 'create' }] }],
    });
    expect(created.status).toBe(201);
    const reply = await as({ username: created.body.name, password: created.body.secret! }).post(
      '/robots',
      projectRobot('made-by-robot'),
    );
    expect(reply.status).toBe(403);
  });

  it('list and read: guests of the project may (robot read/list), non-members may not', async () => {
    const list = await as(guest).get<RobotBody[]>(`/robots?q=Level=project,ProjectID=${project.id}`);
    expect(list.status).toBe(200);
    expect(list.body.map((robot) => robot.name)).toContain(`robot$${project.name}+ci`);
    const id = list.body.find((robot) => robot.name === `robot$${project.name}+ci`)!.id;
    expect((await as(guest).get(`/robots/${id}`)).status).toBe(200);

    expect((await as(outsider).get(`/robots?q=Level=project,ProjectID=${project.id}`)).status).toBe(403);
    expect((await as(outsider).get(`/robots/${id}`)).status).toBe(403);
    // System robots: system administrators only.
    expect((await as(projectAdmin).get('/robots')).status).toBe(403);
  });

  it('update, refresh and delete need the project admin role', async () => {
    const created = await admin.post<RobotBody>('/robots', projectRobot('guarded'));
    const id = created.body.id;
    for (const user of [developer, guest, outsider]) {
      const client = as(user);
      expect((await client.put(`/robots/${id}`, projectRobot('guarded'))).status, user.username).toBe(403);
      expect((await client.patch(`/robots/${id}`, {})).status, user.username).toBe(403);
      expect((await client.delete(`/robots/${id}`)).status, user.username).toBe(403);
    }
    expect((await as(projectAdmin).delete(`/robots/${id}`)).status).toBe(200);
  });
});

describe('GET /robots', () => {
  it('lists system robots by default, pages with X-Total-Count and Link', async () => {
    for (const n of [1, 2, 3]) {
      await admin.post('/robots', {
        name: `page-${n}`,
        level: 'system',
        duration: -1,
        permissions: projectPermissions('*', [['repository', 'pull']]),
      });
    }
    const first = await admin.get<RobotBody[]>('/robots?page=1&page_size=2');
    expect(first.status).toBe(200);
    assertHarborResponse('ListRobot', 200, first.body);
    expect(first.body).toHaveLength(2);
    expect(first.body.every((robot) => robot.level === 'system')).toBe(true);
    const total = Number(first.headers.get('x-total-count'));
    expect(total).toBeGreaterThanOrEqual(5);
    const next = linkTarget(first.headers, 'next');
    expect(next).toContain('page=2');
    const second = await admin.get<RobotBody[]>(next!);
    expect(second.status).toBe(200);
    expect(second.body.map((robot) => robot.id)).not.toContain(first.body[0]!.id);
  });

  it('filters by name (exact and fuzzy) and sorts', async () => {
    const exact = await admin.get<RobotBody[]>('/robots?q=name=page-2');
    expect(exact.body.map((robot) => robot.name)).toEqual(['robot$page-2']);
    const fuzzy = await admin.get<RobotBody[]>('/robots?q=name=~page&sort=-name&page_size=100');
    expect(fuzzy.body.map((robot) => robot.name)).toEqual(['robot$page-3', 'robot$page-2', 'robot$page-1']);
  });

  it('project robots need the project id', async () => {
    const reply = await admin.get('/robots?q=Level=project');
    expect(reply.status).toBe(400);
    const listed = await admin.get<RobotBody[]>(
      `/robots?q=level=project,project_id=${project.id}&page_size=100`,
    );
    expect(listed.status).toBe(200);
    assertHarborResponse('ListRobot', 200, listed.body);
    expect(listed.body.every((robot) => robot.name.startsWith(`robot$${project.name}+`))).toBe(true);
  });

  it('bad query and paging are 400', async () => {
    for (const query of [
      'q=level=galaxy',
      'q=ProjectID=abc',
      'q=secret_hash=x',
      'q=name=[a~b]',
      'sort=secret_hash',
      'page=0',
      'page_size=101',
      'page_size=-1',
      'unknown=1',
    ]) {
      expect((await admin.get(`/robots?${query}`)).status, query).toBe(400);
    }
  });
});

describe('GET, PUT, PATCH, DELETE /robots/{id}', () => {
  let robot: RobotBody;

  beforeAll(async () => {
    const created = await as(projectAdmin).post<RobotBody>(
      '/robots',
      projectRobot('lifecycle', [['repository', 'pull']]),
    );
    robot = (await admin.get<RobotBody>(`/robots/${created.body.id}`)).body;
    robot.secret = created.body.secret;
  });

  it("GET answers Harbor's Robot", async () => {
    const reply = await as(projectAdmin).get<RobotBody>(`/robots/${robot.id}`);
    expect(reply.status).toBe(200);
    assertHarborResponse('GetRobotByID', 200, reply.body);
    expect(reply.body).toMatchObject({
      name: `robot$${project.name}+lifecycle`,
      level: 'project',
      duration: -1,
      editable: true,
      disable: false,
      expires_at: -1,
      creator_type: 'local',
      creator_ref: Number(projectAdmin.id),
      permissions: projectPermissions(project.name, [['repository', 'pull']]),
    });
  });

  it('PUT takes back the object as GET answered it, with changes', async () => {
    const { secret: _secret, ...body } = robot;
    const reply = await as(projectAdmin).put(`/robots/${robot.id}`, {
      ...body,
      description: 'now pushes',
      permissions: projectPermissions(project.name, [
        ['repository', 'pull'],
        ['repository', 'push'],
      ]),
    });
    expect(reply.status).toBe(200);
    const shown = await admin.get<RobotBody>(`/robots/${robot.id}`);
    expect(shown.body.description).toBe('now pushes');
    const token = await fetchToken(core.url, { username: robot.name, password: robot.secret! }, [
      `repository:${project.name}/app:pull,push`,
    ]);
    expect(grantedActions(token, 'repository', `${project.name}/app`)).toEqual(['pull', 'push']);
  });

  it('PUT cannot rename, change level, move projects or grant beyond the updater', async () => {
    const { secret: _secret, ...body } = robot;
    const client = as(projectAdmin);
    expect((await client.put(`/robots/${robot.id}`, { ...body, name: 'renamed' })).status).toBe(400);
    expect((await client.put(`/robots/${robot.id}`, { ...body, level: 'system' })).status).toBe(400);
    expect(
      (
        await client.put(`/robots/${robot.id}`, {
          ...body,
          permissions: projectPermissions(otherProject.name, [['repository', 'pull']]),
        })
      ).status,
    ).toBe(400);
  });

  it('PUT disable: the robot can no longer log in; enable again', async () => {
    const { secret: _secret, ...body } = robot;
    expect((await admin.put(`/robots/${robot.id}`, { ...body, disable: true })).status).toBe(200);
    expect((await fetchToken(core.url, { username: robot.name, password: robot.secret! })).status).toBe(401);
    expect((await admin.put(`/robots/${robot.id}`, { ...body, disable: false })).status).toBe(200);
    expect((await fetchToken(core.url, { username: robot.name, password: robot.secret! })).status).toBe(200);
  });

  it('PUT duration moves the expiry from the creation time', async () => {
    const { secret: _secret, ...body } = robot;
    expect((await admin.put(`/robots/${robot.id}`, { ...body, duration: 2 })).status).toBe(200);
    const shown = await admin.get<RobotBody>(`/robots/${robot.id}`);
    const expected = Date.parse(shown.body.creation_time) / 1000 + 2 * 86400;
    expect(Math.abs(shown.body.expires_at - expected)).toBeLessThan(2);
    expect((await admin.put(`/robots/${robot.id}`, { ...body, duration: -1 })).status).toBe(200);
    expect((await admin.get<RobotBody>(`/robots/${robot.id}`)).body.expires_at).toBe(-1);
  });

  it('an expired robot cannot log in', async () => {
    // A fresh secret, so no login verified moments ago is remembered for it.
    const refreshed = await admin.patch<{ secret: string }>(`/robots/${robot.id}`, {});
    robot.secret = refreshed.body.secret;
    await seed.query(`UPDATE robot SET expires_at = now() - interval '1 minute' WHERE id = $1`, [robot.id]);
    expect((await fetchToken(core.url, { username: robot.name, password: robot.secret })).status).toBe(401);
    await seed.query('UPDATE robot SET expires_at = NULL WHERE id = $1', [robot.id]);
    expect((await fetchToken(core.url, { username: robot.name, password: robot.secret })).status).toBe(200);
  });

  it('PATCH refreshes the secret: the new one works, the old one no longer', async () => {
    const reply = await as(projectAdmin).patch<{ secret: string }>(`/robots/${robot.id}`, {});
    expect(reply.status).toBe(200);
    assertHarborResponse('RefreshSec', 200, reply.body);
    expect(reply.body.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await fetchToken(core.url, { username: robot.name, password: robot.secret! })).status).toBe(401);
    expect((await fetchToken(core.url, { username: robot.name, password: reply.body.secret })).status).toBe(
      200,
    );
    robot.secret = reply.body.secret;
  });

  it('PATCH with a secret of the caller: strong is taken, weak refused', async () => {
    expect((await admin.patch(`/robots/${robot.id}`, { secret: 'weak' })).status).toBe(400);
    const reply = await admin.patch<{ secret: string }>(`/robots/${robot.id}`, {
      secret: 'Chosen-Secret-42',
    });
    expect(reply.status).toBe(200);
    expect((await fetchToken(core.url, { username: robot.name, password: 'Chosen-Secret-42' })).status).toBe(
      200,
    );
  });

  it('DELETE removes it (and its logins); then 404', async () => {
    expect((await as(projectAdmin).delete(`/robots/${robot.id}`)).status).toBe(200);
    expect((await admin.get(`/robots/${robot.id}`)).status).toBe(404);
    expect((await fetchToken(core.url, { username: robot.name, password: 'Chosen-Secret-42' })).status).toBe(
      401,
    );
    const operations = async () =>
      (
        await seed.query<{ operation: string }>(
          `SELECT operation FROM audit_log WHERE resource_type = 'robot' AND resource = $1 ORDER BY id`,
          [robot.name],
        )
      ).map((row) => row.operation);
    await expect.poll(operations).toEqual(expect.arrayContaining(['create', 'update', 'delete']));
  });
});

describe('bad input', () => {
  const post = (body: unknown) => admin.post('/robots', body);

  it('malformed JSON and unknown fields are 400', async () => {
    expect((await admin.post('/robots', '{"name":', { raw: true })).status).toBe(400);
    expect((await post({ ...projectRobot('x1'), surprise: true })).status).toBe(400);
    expect(
      (
        await post({
          ...projectRobot('x2'),
          permissions: [
            {
              kind: 'project',
              namespace: project.name,
              access: [{ resource: 'repository', action: 'pull', x: 1 }],
            },
          ],
        })
      ).status,
    ).toBe(400);
  });

  it('bad names: upper case, reserved characters, SQL-ish and path-ish strings', async () => {
    for (const name of [
      'Bad',
      'a+b',
      'a$b',
      "x';DROP TABLE robot;--",
      '../etc',
      'a/b',
      '',
      'a'.repeat(201),
      ' spaced ',
    ]) {
      const reply = await post(projectRobot(name));
      expect(reply.status, name).toBe(400);
      expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
    }
    expect(await seed.query('SELECT 1 FROM robot LIMIT 1')).toHaveLength(1);
  });

  it('bad level, duration, permissions', async () => {
    const cases: [string, unknown][] = [
      ['level', { ...projectRobot('b1'), level: 'galaxy' }],
      ['duration', { ...projectRobot('b2'), duration: -5 }],
      ['duration type', { ...projectRobot('b3'), duration: '7' }],
      ['no permissions', { ...projectRobot('b4'), permissions: [] }],
      [
        'empty access',
        { ...projectRobot('b5'), permissions: [{ kind: 'project', namespace: project.name, access: [] }] },
      ],
      ['unknown resource', { ...projectRobot('b6', [['spaceship', 'pull']]) }],
      ['unknown action', { ...projectRobot('b7', [['repository', 'fly']]) }],
      [
        'project robot, two entries',
        {
          ...projectRobot('b8'),
          permissions: [
            ...projectPermissions(project.name, [['repository', 'pull']]),
            ...projectPermissions(otherProject.name, [['repository', 'pull']]),
          ],
        },
      ],
      [
        'project robot, system kind',
        {
          ...projectRobot('b9'),
          permissions: [
            { kind: 'system', namespace: '/', access: [{ resource: 'catalog', action: 'read' }] },
          ],
        },
      ],
      [
        'system permission outside /',
        {
          name: 'b10',
          level: 'system',
          permissions: [
            { kind: 'system', namespace: 'x', access: [{ resource: 'catalog', action: 'read' }] },
          ],
        },
      ],
      [
        'bad effect',
        {
          ...projectRobot('b11'),
          permissions: [
            {
              kind: 'project',
              namespace: project.name,
              access: [{ resource: 'repository', action: 'pull', effect: 'maybe' }],
            },
          ],
        },
      ],
    ];
    for (const [what, body] of cases) expect((await post(body)).status, what).toBe(400);
  });

  it('a project that does not exist is 404', async () => {
    const reply = await post({
      ...projectRobot('ghost'),
      permissions: projectPermissions('no-such-project', [['repository', 'pull']]),
    });
    expect(reply.status).toBe(404);
  });

  it('bad robot ids are 400, unknown ones 404', async () => {
    for (const id of ['abc', '-1', '1.5', '99999999999999999999', "1'%20OR%20'1'='1"]) {
      expect((await admin.get(`/robots/${id}`)).status, id).toBe(400);
    }
    expect((await admin.get('/robots/987654')).status).toBe(404);
    expect((await admin.delete('/robots/987654')).status).toBe(404);
  });
});
