/**
 * Issue 3's authorization matrix: every route of the BUILT core (read from its Nest controller
 * metadata, so a new route or permission cannot go untested), tried by anonymous, the sysadmin,
 * each project role, a signed-in non-member, a system robot without permissions and a project robot
 * with only `repository pull`, against one private project. The expected decision comes from the
 * permission table (`dist/rbac/rbac-policy.js`), never from a hand-written list:
 *   - denied  → 401 for anonymous, 403 for everyone else (the guard answers before validation);
 *   - allowed → neither 401 nor 403 (for `authenticated` routes, not 401: their handlers refuse
 *     per object), checked only on GET/HEAD (writes could destroy the fixtures).
 * Rules that decide per object are tried on each kind of object their route can name (see
 * `targetsFor`): `self-or-system` on the caller's own user and on another user, `robot` on a system
 * robot, a robot of the matrix project and one of another project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROJECT_ROLE_PERMISSIONS,
  ProjectRole,
  SYSTEM_PERMISSIONS,
  type Permission,
} from '../../dist/rbac/rbac-policy.js';
import { ApiClient, type ApiCredentials } from '../support/api-client.js';
import { AuthSeed, DEFAULT_PASSWORD } from '../support/auth-seed.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import {
  describeTarget,
  discoverRoutes,
  mapLimit,
  ruleIsGrantable,
  tableAllows,
  targetsFor,
  type DiscoveredRoute,
  type PermissionTable,
  type RouteTarget,
  type TablePrincipal,
} from './authorization-matrix.support.js';

const TABLE: PermissionTable = { projectRoles: PROJECT_ROLE_PERMISSIONS, system: SYSTEM_PERMISSIONS };
const PROJECT = 'authz-matrix';
const OTHER_PROJECT = 'authz-elsewhere';
const REPOSITORY = 'app';
const CONCURRENCY = 8;
const READ_METHODS = new Set(['GET', 'HEAD']);
const PROJECT_ROBOT_PERMISSIONS: Permission[] = [{ resource: 'repository', action: 'pull' }];

const ROLE_PRINCIPALS = [
  ['projectAdmin', ProjectRole.ProjectAdmin],
  ['developer', ProjectRole.Developer],
  ['guest', ProjectRole.Guest],
  ['maintainer', ProjectRole.Maintainer],
  ['limitedGuest', ProjectRole.LimitedGuest],
] as const;

/** Every principal of the matrix, as the table sees it. */
const PRINCIPALS: { name: string; table: TablePrincipal }[] = [
  { name: 'anonymous', table: { kind: 'anonymous' } },
  { name: 'sysadmin', table: { kind: 'sysadmin' } },
  ...ROLE_PRINCIPALS.map(([name, role]) => ({ name, table: { kind: 'member', role } as TablePrincipal })),
  { name: 'non-member', table: { kind: 'non-member' } },
  { name: 'system-robot', table: { kind: 'robot', system: [], project: [] } },
  { name: 'project-robot', table: { kind: 'robot', system: [], project: PROJECT_ROBOT_PERMISSIONS } },
];

const routes = await discoverRoutes();

interface Check {
  principal: string;
  target: RouteTarget;
  expected: 'allowed' | 'denied';
}

/** The principals (and objects) a route is checked for: every denial, and the allowances of read routes. */
function checksFor(route: DiscoveredRoute): Check[] {
  if (!route.rule) return [];
  const rule = route.rule;
  return targetsFor(rule).flatMap((target) =>
    PRINCIPALS.flatMap(({ name, table }): Check[] => {
      const allowed = tableAllows(rule, table, TABLE, target);
      if (allowed && !READ_METHODS.has(route.method)) return [];
      return [{ principal: name, target, expected: allowed ? 'allowed' : 'denied' }];
    }),
  );
}

const matrix = routes.map((route) => {
  const checks = checksFor(route);
  const label = checks.length
    ? checks
        .map(
          (check) =>
            `${check.principal}${describeTarget(check.target)}${check.expected === 'allowed' ? '+' : '-'}`,
        )
        .join(' ')
    : 'no denials, write route';
  return { route, checks, label };
});

interface Actor {
  credentials: ApiCredentials | null;
  /** The user's own id (user routes act on oneself); the admin's for anyone else. */
  userId: string;
}

let core: CoreProcess;
let seed: AuthSeed;
let admin: ApiClient;
const actors = new Map<string, Actor>();
const ids = {
  projectRobot: '1',
  otherProjectRobot: '1',
  systemRobot: '1',
  otherUser: '1',
  member: '1',
  label: '1',
};
const started = Date.now();
let systemRobotSource = 'api';

function location(reply: { status: number; headers: Headers; text: string }, what: string): string {
  const id = reply.headers.get('location')?.split('/').pop();
  if (reply.status !== 201 || !id) throw new Error(`creating ${what}: ${reply.status} ${reply.text}`);
  return id;
}

beforeAll(async () => {
  core = await startCore();
  seed = await AuthSeed.connect(core.databaseUrl);
  admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
  const adminId = String((await admin.get<{ user_id: number }>('/users/current')).body.user_id);

  location(
    await admin.post('/projects', { project_name: PROJECT, metadata: { public: 'false' } }),
    `project ${PROJECT}`,
  );
  actors.set('anonymous', { credentials: null, userId: adminId });
  actors.set('sysadmin', { credentials: { username: 'admin', password: ADMIN_PASSWORD }, userId: adminId });

  const users = [...ROLE_PRINCIPALS.map(([name]) => name), 'non-member'];
  for (const name of users) {
    const username = `authz-${name.toLowerCase()}`;
    const userId = location(
      await admin.post('/users', {
        username,
        email: `${username}@example.com`,
        realname: name,
        password: DEFAULT_PASSWORD,
        comment: 'authorization matrix',
      }),
      `user ${username}`,
    );
    actors.set(name, { credentials: { username, password: DEFAULT_PASSWORD }, userId });
  }
  for (const [name, role] of ROLE_PRINCIPALS) {
    ids.member = location(
      await admin.post(`/projects/${PROJECT}/members`, {
        role_id: role,
        member_user: { username: `authz-${name.toLowerCase()}` },
      }),
      `member ${name}`,
    );
  }

  const systemRobot = await admin.post<{ id: number; name: string; secret: string }>('/robots', {
    name: 'authz-system',
    description: 'system robot without permissions',
    level: 'system',
    duration: -1,
    permissions: [],
  });
  if (systemRobot.status === 201) {
    ids.systemRobot = String(systemRobot.body.id);
    actors.set('system-robot', {
      credentials: { username: systemRobot.body.name, password: systemRobot.body.secret },
      userId: adminId,
    });
  } else {
    // Like Harbor ("bad request empty permission"), the API insists on at least one permission; a
    // robot without any exists only in the database.
    const robot = await seed.robot({ name: 'authz-system', secret: 'Robot-Secret-1', permissions: [] });
    systemRobotSource = `database (the API answered ${systemRobot.status})`;
    ids.systemRobot = String(robot.id);
    actors.set('system-robot', { credentials: robot, userId: adminId });
  }

  // Objects the per-object rules are tried on: another user, a robot of another project.
  ids.otherUser = location(
    await admin.post('/users', {
      username: 'authz-other-user',
      email: 'authz-other-user@example.com',
      realname: 'someone else',
      password: DEFAULT_PASSWORD,
      comment: 'nobody else may read me',
    }),
    'user authz-other-user',
  );
  location(
    await admin.post('/projects', { project_name: OTHER_PROJECT, metadata: { public: 'false' } }),
    `project ${OTHER_PROJECT}`,
  );
  const otherRobot = await admin.post<{ id: number }>('/robots', {
    name: 'authz-elsewhere',
    level: 'project',
    duration: -1,
    permissions: [{ kind: 'project', namespace: OTHER_PROJECT, access: PROJECT_ROBOT_PERMISSIONS }],
  });
  if (otherRobot.status !== 201)
    throw new Error(`creating the other project's robot: ${otherRobot.status} ${otherRobot.text}`);
  ids.otherProjectRobot = String(otherRobot.body.id);

  const projectRobot = await admin.post<{ id: number; name: string; secret: string }>('/robots', {
    name: 'authz-project',
    description: 'project robot that may only pull',
    level: 'project',
    duration: -1,
    permissions: [{ kind: 'project', namespace: PROJECT, access: PROJECT_ROBOT_PERMISSIONS }],
  });
  if (projectRobot.status !== 201)
    throw new Error(`creating the project robot: ${projectRobot.status} ${projectRobot.text}`);
  ids.projectRobot = String(projectRobot.body.id);
  actors.set('project-robot', {
    credentials: { username: projectRobot.body.name, password: projectRobot.body.secret },
    userId: adminId,
  });

  ids.label = location(
    await admin.post('/labels', { name: 'authz-label', scope: 'g', color: '#000000' }),
    'label',
  );

  // Every principal but anonymous must really be signed in, or every denial would be a 401.
  for (const principal of PRINCIPALS) {
    if (principal.name === 'anonymous') continue;
    const reply = await new ApiClient(core.url, actors.get(principal.name)!.credentials).get(
      '/users/current/permissions',
    );
    if (reply.status !== 200)
      throw new Error(`${principal.name} cannot sign in: ${reply.status} ${reply.text}`);
  }
});

afterAll(async () => {
  await seed?.close();
  await core?.stop();
  console.info(
    `authorization matrix: ${routes.length} routes × ${PRINCIPALS.length} principals, ` +
      `${matrix.reduce((sum, row) => sum + row.checks.length, 0)} checks, ${Date.now() - started} ms; system robot made through the ${systemRobotSource}`,
  );
});

function robotFor(target: RouteTarget): string {
  if (target.kind !== 'robot') return ids.projectRobot;
  if (target.level === 'system') return ids.systemRobot;
  return target.matrixProject ? ids.projectRobot : ids.otherProjectRobot;
}

/** The route's path with its parameters filled for `actor` and the object `target` names. */
function urlFor(route: DiscoveredRoute, actor: Actor, target: RouteTarget): string {
  const values: Record<string, string> = {
    project_name_or_id: PROJECT,
    project_name: PROJECT,
    repository_name: REPOSITORY,
    reference: 'latest',
    tag_name: 'latest',
    addition: 'build_history',
    label_id: ids.label,
    mid: ids.member,
    meta_name: 'public',
    user_id: target.kind === 'user' && !target.self ? ids.otherUser : actor.userId,
    robot_id: robotFor(target),
  };
  return route.path
    .replace(/:([A-Za-z_]+)/g, (_match, name: string) => encodeURIComponent(values[name] ?? '1'))
    .replace(/\*/g, 'public');
}

describe('every route declares an access rule the permission table can satisfy', () => {
  it(`found the routes of the built controllers (${routes.length})`, () => {
    expect(routes.length).toBeGreaterThan(0);
  });

  it('no route is without an access rule (default deny must be explicit)', () => {
    expect(routes.filter((route) => !route.rule).map((route) => route.name)).toEqual([]);
  });

  it('no rule names a permission that no role or system permission holds', () => {
    const ungrantable = routes
      .filter((route) => route.rule && !ruleIsGrantable(route.rule, TABLE))
      .map((route) => `${route.name} → ${JSON.stringify(route.rule)}`);
    expect(ungrantable).toEqual([]);
  });
});

// One `it` per route, named by the principals it checks (`+` allowed, `-` denied by the table).
for (const { route, checks, label } of matrix) {
  describe(route.name, () => {
    it(label, async () => {
      expect(route.rule, `${route.name} has no access rule`).toBeDefined();
      const results = await mapLimit(checks, CONCURRENCY, async (check) => {
        const actor = actors.get(check.principal)!;
        const client = new ApiClient(core.url, actor.credentials);
        const write = !READ_METHODS.has(route.method);
        const reply = await client.request(
          route.method,
          urlFor(route, actor, check.target),
          write ? {} : undefined,
        );
        const denial = check.principal === 'anonymous' ? 401 : 403;
        // An `authenticated` route only promises the guard lets signed-in callers through; its
        // handler may still refuse per object where the route names none (a listing's query, a
        // body). Per-object rules (`self-or-system`, `robot`) are asserted both ways.
        const ok =
          check.expected === 'denied'
            ? reply.status === denial
            : route.rule?.scope === 'authenticated'
              ? reply.status !== 401
              : reply.status !== 401 && reply.status !== 403;
        return ok
          ? null
          : `${check.principal}${describeTarget(check.target)}: expected ${check.expected === 'denied' ? denial : 'neither 401 nor 403'}, ` +
              `got ${reply.status} ${reply.text.slice(0, 160)}`;
      });
      expect(results.filter((result) => result !== null)).toEqual([]);
    });
  });
}
