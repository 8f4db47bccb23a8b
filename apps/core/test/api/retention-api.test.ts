/**
 * Tag retention through the built core (jobs in-process on pg-boss): Harbor's `/retentions`
 * (policies, bad input, permissions), dry runs and real runs that delete exactly what the dry run
 * listed, per-tag rules, immutable tags kept, scheduled runs, stopping a run, and the task log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { randomImage, type Manifest } from '../support/oci-fixtures.js';
import {
  ADMIN,
  api,
  ProjectRole,
  repoParam,
  Seeder,
  uniqueName,
  type Credentials,
} from './artifacts-support.js';

const DAY = 24 * 3600 * 1000;

const selector = (decoration: string, pattern: string, extras?: string) => ({
  kind: 'doublestar',
  decoration,
  pattern,
  ...(extras !== undefined ? { extras } : {}),
});

function rule(
  template: string,
  param: number | null,
  options: { tags?: string; repositories?: string; untagged?: boolean; perTag?: boolean } = {},
) {
  return {
    action: 'retain',
    template,
    params: param === null ? {} : { [template]: param },
    tag_selectors: [
      selector('matches', options.tags ?? '**', JSON.stringify({ untagged: options.untagged ?? false })),
    ],
    scope_selectors: { repository: [selector('repoMatches', options.repositories ?? '**')] },
    ...(options.perTag ? { per_tag: true } : {}),
  };
}

function policy(projectId: bigint, rules: unknown[], cron = '') {
  return {
    algorithm: 'or',
    rules,
    trigger: { kind: 'Schedule', settings: { cron } },
    scope: { level: 'project', ref: Number(projectId) },
  };
}

interface Execution {
  id: number;
  status: string;
  trigger: string;
  dry_run: boolean;
  end_time: string;
}

describe('tag retention', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let developer: Credentials & { id: bigint };
  let guest: Credentials & { id: bigint };
  let outsider: Credentials & { id: bigint };

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    developer = await seed.user('developer');
    guest = await seed.user('guest');
    outsider = await seed.user('outsider');
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  async function newProject(): Promise<{ name: string; id: bigint }> {
    const name = uniqueName('ret');
    const id = await seed.project(name);
    await seed.member(id, developer.id, ProjectRole.Developer);
    await seed.member(id, guest.id, ProjectRole.Guest);
    return { name, id };
  }

  async function createPolicy(body: unknown, as: Credentials = ADMIN): Promise<number> {
    const reply = await api(core.url, 'POST', '/retentions', { as, body });
    expect(reply.status, reply.text).toBe(201);
    const location = reply.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v2\.0\/retentions\/\d+$/);
    return Number(location.split('/').pop());
  }

  /** Pushes `tags` of a new image, aged `daysAgo` days; answers the image. */
  async function push(repository: string, tags: string[], daysAgo: number): Promise<Manifest> {
    const image = randomImage({ layers: 1, layerSize: 256 });
    if (tags.length === 0) await seed.push(repository, image);
    for (const tag of tags) await seed.push(repository, image, tag);
    const at = new Date(Date.now() - daysAgo * DAY);
    await seed.pool.query(
      `UPDATE manifest SET created_at = $3 WHERE digest = $2 AND repository_id = (SELECT id FROM repository WHERE name = $1)`,
      [repository, image.digest, at],
    );
    await seed.pool.query(
      `UPDATE tag SET updated_at = $3 WHERE name = ANY($2) AND repository_id = (SELECT id FROM repository WHERE name = $1)`,
      [repository, tags, at],
    );
    return image;
  }

  async function trigger(policyId: number, dryRun: boolean, as: Credentials = ADMIN): Promise<number> {
    const reply = await api(core.url, 'POST', `/retentions/${policyId}/executions`, {
      as,
      body: { dry_run: dryRun },
    });
    expect(reply.status, reply.text).toBe(201);
    const location = reply.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/api/v2\\.0/retentions/${policyId}/executions/\\d+$`));
    return Number(location.split('/').pop());
  }

  async function finished(policyId: number, executionId: number): Promise<Execution> {
    let found: Execution | undefined;
    await expect
      .poll(
        async () => {
          const reply = await api<Execution[]>(
            core.url,
            'GET',
            `/retentions/${policyId}/executions?page_size=100`,
            {
              as: ADMIN,
            },
          );
          found = reply.body.find((execution) => execution.id === executionId);
          return found && !['Pending', 'Running'].includes(found.status);
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    return found!;
  }

  async function tasksOf(policyId: number, executionId: number) {
    const reply = await api(core.url, 'GET', `/retentions/${policyId}/executions/${executionId}/tasks`, {
      as: ADMIN,
    });
    expect(reply.status).toBe(200);
    assertHarborResponse('listRetentionTasks', 200, reply.body);
    return reply.body as {
      id: number;
      repository: string;
      total: number;
      retained: number;
      deleted: number;
      untagged: number;
      status: string;
    }[];
  }

  async function log(policyId: number, executionId: number, taskId: number): Promise<string> {
    const reply = await api(
      core.url,
      'GET',
      `/retentions/${policyId}/executions/${executionId}/tasks/${taskId}`,
      {
        as: ADMIN,
      },
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/plain');
    return reply.text;
  }

  const pull = async (repository: string, reference: string) =>
    (await seed.registry.request('GET', `/v2/${repository}/manifests/${reference}`)).status;

  it('serves the rule templates and selectors', async () => {
    const reply = await api(core.url, 'GET', '/retentions/metadatas', { as: developer });
    expect(reply.status).toBe(200);
    assertHarborResponse('getRentenitionMetadata', 200, reply.body);
    expect(reply.body.templates.map((t: { rule_template: string }) => t.rule_template)).toEqual([
      'latestPushedK',
      'latestPulledN',
      'latestActiveK',
      'lastXDays',
      'nDaysSinceLastPush',
      'nDaysSinceLastPull',
      'always',
    ]);
    expect(reply.body.tag_selectors[0]).toEqual({
      display_text: 'Tags',
      kind: 'doublestar',
      decorations: ['matches', 'excludes'],
    });
    expect((await api(core.url, 'GET', '/retentions/metadatas', { as: null })).status).toBe(401);
  });

  it('creates one policy per project, named by its retention_id, with its schedule; updates and deletes it', async () => {
    const project = await newProject();
    const id = await createPolicy(policy(project.id, [rule('latestPushedK', 3)], '0 0 3 * * *'), developer);
    const got = await api(core.url, 'GET', `/retentions/${id}`, { as: developer });
    expect(got.status).toBe(200);
    assertHarborResponse('getRetention', 200, got.body);
    expect(got.body).toMatchObject({
      id,
      algorithm: 'or',
      scope: { level: 'project', ref: Number(project.id) },
      trigger: { kind: 'Schedule', settings: { cron: '0 0 3 * * *' } },
      rules: [
        {
          id: 1,
          disabled: false,
          action: 'retain',
          template: 'latestPushedK',
          params: { latestPushedK: 3 },
          per_tag: false,
          tag_selectors: [
            { kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{"untagged":false}' },
          ],
        },
      ],
    });
    expect(Date.parse(got.body.trigger.settings.next_scheduled_time)).toBeGreaterThan(Date.now());
    const projectReply = await api(core.url, 'GET', `/projects/${project.name}`, { as: ADMIN });
    expect(projectReply.body.metadata.retention_id).toBe(String(id));

    const again = await api(core.url, 'POST', '/retentions', {
      as: ADMIN,
      body: policy(project.id, [rule('always', null)]),
    });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].message).toContain(`already has retention policy ${id}`);

    // Updated: two rules, no schedule any more.
    const updated = await api(core.url, 'PUT', `/retentions/${id}`, {
      as: developer,
      body: {
        ...policy(project.id, [rule('latestPushedK', 5), rule('always', null, { tags: 'stable' })]),
        id,
      },
    });
    expect(updated.status, updated.text).toBe(200);
    const after = await api(core.url, 'GET', `/retentions/${id}`, { as: ADMIN });
    expect(after.body.rules.map((r: { template: string }) => r.template)).toEqual([
      'latestPushedK',
      'always',
    ]);
    expect(after.body.trigger.settings).toEqual({ cron: '' });
    const schedules = await seed.pool.query(
      `SELECT id FROM schedule WHERE vendor_type = 'RETENTION' AND vendor_id = $1`,
      [id],
    );
    expect(schedules.rows).toEqual([]);
    // The body must name the policy's own project.
    const elsewhere = await api(core.url, 'PUT', `/retentions/${id}`, {
      as: ADMIN,
      body: policy(project.id + 1000n, []),
    });
    expect(elsewhere.status).toBe(404);

    expect((await api(core.url, 'DELETE', `/retentions/${id}`, { as: developer })).status).toBe(200);
    expect((await api(core.url, 'GET', `/retentions/${id}`, { as: ADMIN })).status).toBe(404);
    expect((await api(core.url, 'DELETE', `/retentions/${id}`, { as: ADMIN })).status).toBe(404);
    const gone = await api(core.url, 'GET', `/projects/${project.name}`, { as: ADMIN });
    expect(gone.body.metadata.retention_id).toBeUndefined();
    await createPolicy(policy(project.id, [rule('always', null)]));
  });

  it('refuses bad input with Harbor’s 400 and 409, writing nothing', async () => {
    const project = await newProject();
    const good = rule('latestPushedK', 3);
    const cases: [unknown, number, string][] = [
      [policy(project.id, [rule('latestPushed', 3)]), 400, 'unknown rule template'],
      [policy(project.id, [rule('latestPushedK', -1)]), 400, 'latestPushedK is less than zero'],
      [policy(project.id, [{ ...good, params: {} }]), 400, 'missing required parameter latestPushedK'],
      [policy(project.id, [{ ...good, params: { latestPushedK: 'ten' } }]), 400, 'type error'],
      [policy(project.id, [rule('latestPushedK', 3, { tags: '[abc' })]), 400, 'invalid pattern'],
      [policy(project.id, [rule('latestPushedK', 3, { repositories: '{a,b' })]), 400, 'invalid pattern'],
      [policy(project.id, [{ ...good, tag_selectors: [selector('regex', '.*')] }]), 400, 'decoration'],
      [policy(project.id, [{ ...good, scope_selectors: {} }]), 400, 'scope_selectors.repository'],
      [policy(project.id, [{ ...good, action: 'delete' }]), 400, 'action must be "retain"'],
      [
        policy(
          project.id,
          Array.from({ length: 16 }, (_, i) => rule('latestPushedK', i)),
        ),
        400,
        'only 15 rules are allowed at most',
      ],
      [policy(project.id, [good, good]), 409, 'rule 2 is conflict with rule 1'],
      [policy(project.id, [good], '* * * * *'), 400, 'invalid cron string for scheduled tag retention'],
      [policy(project.id, [good], '5 * * * * *'), 400, 'must be 0'],
      [policy(project.id, [good], '0 61 * * * *'), 400, 'invalid cron'],
      [{ ...policy(project.id, [good]), trigger: { kind: 'Event', settings: {} } }, 400, 'trigger.kind'],
      [{ ...policy(project.id, [good]), scope: { level: 'system', ref: 0 } }, 400, 'scope system'],
      [policy(999_999n, [good]), 400, 'invalid Project id 999999'],
      [{ ...policy(project.id, [good]), algorithm: 'and' }, 400, 'algorithm'],
      [{ ...policy(project.id, [good]), surprise: true }, 400, ''],
    ];
    for (const [body, status, message] of cases) {
      const reply = await api(core.url, 'POST', '/retentions', { as: ADMIN, body });
      expect(reply.status, `${JSON.stringify(body).slice(0, 200)}: ${reply.text}`).toBe(status);
      expect(reply.body.errors[0].message).toContain(message);
    }
    const stored = await seed.pool.query('SELECT id FROM retention_policy WHERE project_id = $1', [
      project.id,
    ]);
    expect(stored.rows).toEqual([]);
    const projectReply = await api(core.url, 'GET', `/projects/${project.name}`, { as: ADMIN });
    expect(projectReply.body.metadata.retention_id).toBeUndefined();

    // A refused update changes nothing either.
    const id = await createPolicy(policy(project.id, [good], '0 0 1 * * *'));
    const refused = await api(core.url, 'PUT', `/retentions/${id}`, {
      as: ADMIN,
      body: policy(project.id, [rule('nope', 1)], '0 0 2 * * *'),
    });
    expect(refused.status).toBe(400);
    const got = await api(core.url, 'GET', `/retentions/${id}`, { as: ADMIN });
    expect(got.body.rules[0].template).toBe('latestPushedK');
    expect(got.body.trigger.settings.cron).toBe('0 0 1 * * *');
    const wrongAction = await api(core.url, 'PATCH', `/retentions/${id}/executions/1`, {
      as: ADMIN,
      body: { action: 'start' },
    });
    expect(wrongAction.status).toBe(400);
    expect(wrongAction.body.errors[0].message).toBe("action should be 'stop'");
    expect((await api(core.url, 'GET', '/retentions/999999', { as: ADMIN })).status).toBe(404);
    expect((await api(core.url, 'GET', '/retentions/abc', { as: ADMIN })).status).toBe(400);
  });

  it('checks the project’s tag-retention permission on every route', async () => {
    const project = await newProject();
    const id = await createPolicy(policy(project.id, [rule('always', null)]), developer);
    const eid = await trigger(id, true, developer);
    await finished(id, eid);
    const [task] = await tasksOf(id, eid);
    const routes: [string, string, unknown?][] = [
      ['GET', `/retentions/${id}`],
      ['PUT', `/retentions/${id}`, policy(project.id, [rule('always', null)])],
      ['DELETE', `/retentions/${id}`],
      ['POST', `/retentions/${id}/executions`, { dry_run: true }],
      ['GET', `/retentions/${id}/executions`],
      ['PATCH', `/retentions/${id}/executions/${eid}`, { action: 'stop' }],
      ['GET', `/retentions/${id}/executions/${eid}/tasks`],
      ['GET', `/retentions/${id}/executions/${eid}/tasks/${task?.id ?? 1}`],
    ];
    for (const [method, path, body] of routes) {
      for (const who of [guest, outsider]) {
        const reply = await api(core.url, method, path, { as: who, ...(body ? { body } : {}) });
        expect(reply.status, `${who.username} ${method} ${path}`).toBe(403);
      }
      const anonymous = await api(core.url, method, path, { as: null, ...(body ? { body } : {}) });
      expect(anonymous.status, `anonymous ${method} ${path}`).toBe(401);
    }
    const create = await api(core.url, 'POST', '/retentions', {
      as: guest,
      body: policy((await newProject()).id, [rule('always', null)]),
    });
    expect(create.status).toBe(403);
    // The developer may (Harbor's table gives developers tag retention).
    expect(
      (await api(core.url, 'GET', `/retentions/${id}/executions/${eid}/tasks`, { as: developer })).status,
    ).toBe(200);
  });

  it('a dry run lists what would go and deletes nothing; the real run deletes exactly that', async () => {
    const project = await newProject();
    const app = `${project.name}/app`;
    const keep = `${project.name}/keep`;
    const v1 = await push(app, ['v1'], 40);
    const v2 = await push(app, ['v2'], 30);
    const v3 = await push(app, ['v3'], 2);
    const latest = await push(app, ['latest'], 1);
    const untagged = await push(app, [], 50);
    const kept = await push(keep, ['old'], 90);
    const id = await createPolicy(
      policy(project.id, [
        rule('latestPushedK', 2, { repositories: 'app' }),
        rule('always', null, { repositories: 'app', tags: 'latest' }),
      ]),
    );

    const dry = await trigger(id, true);
    const dryExecution = await finished(id, dry);
    expect(dryExecution).toMatchObject({
      status: 'Success',
      trigger: 'MANUAL',
      dry_run: true,
      operator: 'admin',
    });
    const executions = await api(core.url, 'GET', `/retentions/${id}/executions`, { as: ADMIN });
    assertHarborResponse('listRetentionExecutions', 200, executions.body);
    expect(executions.headers.get('x-total-count')).toBe('1');
    const [dryTask] = await tasksOf(id, dry);
    expect(dryTask).toMatchObject({
      repository: 'app',
      status: 'Success',
      total: 5,
      retained: 2,
      deleted: 3,
      untagged: 0,
    });
    const dryLog = await log(id, dry, dryTask!.id);
    expect(dryLog).toContain('Dry run: nothing is deleted');
    for (const [image, mark] of [
      [v1, 'DEL'],
      [v2, 'DEL'],
      [untagged, 'DEL'],
      [v3, 'RETAIN'],
      [latest, 'RETAIN'],
    ] as const) {
      expect(dryLog).toMatch(new RegExp(`\\| ${image.digest} \\|[^\\n]*\\| ${mark} +\\|`));
    }
    for (const image of [v1, v2, v3, latest, untagged]) expect(await pull(app, image.digest)).toBe(200);

    const real = await trigger(id, false);
    expect(await finished(id, real)).toMatchObject({ status: 'Success', dry_run: false });
    const [realTask] = await tasksOf(id, real);
    expect(realTask).toMatchObject({ total: 5, retained: 2, deleted: 3 });
    for (const image of [v1, v2, untagged]) expect(await pull(app, image.digest)).toBe(404);
    expect(await pull(app, 'v1')).toBe(404);
    expect(await pull(app, 'v3')).toBe(200);
    expect(await pull(app, 'latest')).toBe(200);
    expect(await pull(keep, kept.digest)).toBe(200);
    const listed = await api(
      core.url,
      'GET',
      `/projects/${project.name}/repositories/${repoParam('app')}/artifacts`,
      {
        as: ADMIN,
      },
    );
    expect(listed.body.map((a: { digest: string }) => a.digest).sort()).toEqual(
      [v3.digest, latest.digest].sort(),
    );
    // The deletions went through the engine, as `retention`: the audit log says so.
    await expect
      .poll(
        async () =>
          (
            await seed.pool.query<{ n: string }>(
              `SELECT count(*) AS n FROM audit_log WHERE username = 'retention' AND operation = 'delete' AND resource LIKE $1`,
              [`${app}%`],
            )
          ).rows[0]!.n,
        { timeout: 10_000 },
      )
      .toBe('3');
  });

  it('a per-tag rule removes single tags and keeps the artifact another tag holds', async () => {
    const project = await newProject();
    const app = `${project.name}/app`;
    const shared = await push(app, ['dev-1', 'dev-2', 'stable'], 10);
    await seed.pool.query(
      `UPDATE tag SET updated_at = now() - interval '1 day' WHERE name = 'dev-2' AND repository_id = (SELECT id FROM repository WHERE name = $1)`,
      [app],
    );
    const alone = await push(app, ['dev-0'], 20);
    const id = await createPolicy(
      policy(project.id, [
        rule('latestPushedK', 1, { tags: 'dev-*', perTag: true }),
        rule('always', null, { tags: 'stable', perTag: true }),
      ]),
    );
    const eid = await trigger(id, false);
    expect((await finished(id, eid)).status).toBe('Success');
    const [task] = await tasksOf(id, eid);
    expect(task).toMatchObject({ total: 2, retained: 1, deleted: 1, untagged: 1 });
    expect(await log(id, eid, task!.id)).toContain('UNTAG dev-1');
    expect(await pull(app, shared.digest)).toBe(200);
    expect(await pull(app, 'dev-1')).toBe(404);
    expect(await pull(app, 'dev-2')).toBe(200);
    expect(await pull(app, 'stable')).toBe(200);
    expect(await pull(app, alone.digest)).toBe(404);
  });

  it('never removes an immutable tag', async () => {
    const project = await newProject();
    const app = `${project.name}/app`;
    const release = await push(app, ['rel-1'], 60);
    const build = await push(app, ['build-1'], 50);
    await push(app, ['build-2'], 1);
    const immutable = await api(core.url, 'POST', `/projects/${project.name}/immutabletagrules`, {
      as: ADMIN,
      body: {
        tag_selectors: [selector('matches', 'rel-*')],
        scope_selectors: { repository: [selector('repoMatches', '**')] },
      },
    });
    expect(immutable.status).toBe(201);
    const ruleId = immutable.headers.get('location')!.split('/').pop();
    const id = await createPolicy(policy(project.id, [rule('latestPushedK', 1)]));
    const eid = await trigger(id, false);
    await finished(id, eid);
    const [task] = await tasksOf(id, eid);
    expect(task).toMatchObject({ total: 3, retained: 2, deleted: 1 });
    const text = await log(id, eid, task!.id);
    expect(text).toContain('IMMUTABLE rel-1');
    expect(text).toContain(`tag rel-1 kept by immutable tag rule ${ruleId}`);
    expect(await pull(app, release.digest)).toBe(200);
    expect(await pull(app, build.digest)).toBe(404);
  });

  it('fires on its schedule', async () => {
    const project = await newProject();
    const app = `${project.name}/app`;
    const old = await push(app, ['old'], 10);
    const fresh = await push(app, ['fresh'], 1);
    const id = await createPolicy(policy(project.id, [rule('nDaysSinceLastPush', 5)], '0 0 0 * * *'));
    // Due now: the in-process scheduler fires it within its tick.
    await seed.pool.query(
      `UPDATE schedule SET next_fire_at = now() - interval '1 second' WHERE vendor_type = 'RETENTION' AND vendor_id = $1`,
      [id],
    );
    let scheduled: Execution | undefined;
    await expect
      .poll(
        async () => {
          const reply = await api<Execution[]>(core.url, 'GET', `/retentions/${id}/executions`, {
            as: ADMIN,
          });
          scheduled = reply.body.find(
            (execution) => execution.trigger === 'SCHEDULE' && execution.status === 'Success',
          );
          return scheduled !== undefined;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    expect(scheduled!.dry_run).toBe(false);
    expect(await pull(app, old.digest)).toBe(404);
    expect(await pull(app, fresh.digest)).toBe(200);
    const next = await api(core.url, 'GET', `/retentions/${id}`, { as: ADMIN });
    expect(Date.parse(next.body.trigger.settings.next_scheduled_time)).toBeGreaterThan(Date.now());
  });

  it('stops a run that has not finished, and answers 409 once it has', async () => {
    const project = await newProject();
    const app = `${project.name}/app`;
    const old = await push(app, ['old'], 10);
    const id = await createPolicy(policy(project.id, [rule('latestPushedK', 0)]));
    // Retention paused on the queue: the run waits, Pending, until it is stopped.
    await seed.pool.query(
      `INSERT INTO pgboss.berth_paused_queue (name) VALUES ('retention') ON CONFLICT DO NOTHING`,
    );
    try {
      const eid = await trigger(id, false);
      const stopped = await api(core.url, 'PATCH', `/retentions/${id}/executions/${eid}`, {
        as: developer,
        body: { action: 'stop' },
      });
      expect(stopped.status, stopped.text).toBe(200);
      expect(await finished(id, eid)).toMatchObject({ status: 'Stopped' });
      const again = await api(core.url, 'PATCH', `/retentions/${id}/executions/${eid}`, {
        as: ADMIN,
        body: { action: 'stop' },
      });
      expect(again.status).toBe(409);
      expect(again.body.errors[0].code).toBe('CONFLICT');
      const [task] = await tasksOf(id, eid);
      expect(task!.status).toBe('Stopped');
      // Executions of another policy are not found through this one.
      const otherId = await createPolicy(policy((await newProject()).id, [rule('always', null)]));
      expect(
        (
          await api(core.url, 'PATCH', `/retentions/${otherId}/executions/${eid}`, {
            as: ADMIN,
            body: { action: 'stop' },
          })
        ).status,
      ).toBe(404);
      expect(
        (await api(core.url, 'GET', `/retentions/${otherId}/executions/${eid}/tasks`, { as: ADMIN })).status,
      ).toBe(404);
      expect(
        (await api(core.url, 'GET', `/retentions/${id}/executions/${eid}/tasks/999999`, { as: ADMIN }))
          .status,
      ).toBe(404);
    } finally {
      await seed.pool.query(`DELETE FROM pgboss.berth_paused_queue WHERE name = 'retention'`);
    }
    expect(await pull(app, old.digest)).toBe(200);
  });
});
