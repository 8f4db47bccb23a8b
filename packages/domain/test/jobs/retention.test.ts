import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ImmutableRuleRepository,
  RetentionRepository,
  ScheduleRepository,
  type RetentionPolicy,
  type RetentionRule,
  type Selector,
} from '@berth/db';
import { MediaType, type ChangeOrigin, type RegistryServices } from '@berth/distribution';
import { JOB_KINDS, retentionJob } from '@berth/jobs';
import { waitFor } from '@berth/jobs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProductProcessors,
  ImmutableTagPolicy,
  RetentionLauncher,
  retentionProcessor,
  selectorsKey,
  type JobRuntime,
} from '../../src/index.js';
import { JobFixture } from './job-fixture.js';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const DAY = 24 * 3600 * 1000;

const origin: ChangeOrigin = {
  actor: 'tester',
  request: { id: 'r', addr: '', host: '', method: 'TEST', useragent: 'test' },
  sourceAddr: '',
};

const selector = (decoration: string, pattern: string, extras = ''): Selector => ({
  kind: 'doublestar',
  decoration,
  pattern,
  extras,
});

function rule(
  template: string,
  param: number | null,
  options: { tags?: Selector[]; repositories?: Selector[]; perTag?: boolean } = {},
): RetentionRule {
  return {
    id: 0,
    priority: 0,
    disabled: false,
    action: 'retain',
    template,
    params: param === null ? {} : { [template]: param },
    tagSelectors: options.tags ?? [selector('matches', '**', '{"untagged":false}')],
    scopeSelectors: { repository: options.repositories ?? [selector('repoMatches', '**')] },
    perTag: options.perTag ?? false,
  };
}

describe(retentionProcessor.name, () => {
  let fixture: JobFixture;
  let registry: RegistryServices;
  let policyRules: ImmutableRuleRepository;
  let tagPolicy: ImmutableTagPolicy;
  let sut: JobRuntime;
  let retention: RetentionRepository;
  let launcher: RetentionLauncher;

  beforeAll(async () => {
    fixture = await JobFixture.open();
    policyRules = new ImmutableRuleRepository(fixture.database);
    // The worker's view: no notifications, rules read at every check.
    tagPolicy = new ImmutableTagPolicy(policyRules, { unlistenedMaxAgeMs: 0 });
    registry = fixture.registry(tagPolicy);
    retention = new RetentionRepository(fixture.database);
    launcher = new RetentionLauncher(retention);
    sut = await fixture.runtime(JOB_KINDS, createProductProcessors(fixture.productDeps(registry)));
  });

  afterAll(async () => {
    await fixture?.close();
  });

  async function project(): Promise<{ id: bigint; name: string }> {
    const name = `p${randomBytes(4).toString('hex')}`;
    const [row] = await fixture.query<{ id: string }>(
      `INSERT INTO project (name, metadata) VALUES ($1, '{"public":"false"}') RETURNING id`,
      [name],
    );
    return { id: BigInt(row!.id), name };
  }

  /** Pushes an image with `tags`, pushed `daysAgo` days ago; answers its digest. */
  async function push(
    repository: string,
    tags: string[],
    daysAgo: number,
    subject?: string,
  ): Promise<string> {
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', n: randomBytes(8).toString('hex') }),
    );
    const layer = randomBytes(64);
    for (const data of [config, layer]) {
      await registry.uploads.monolithic(
        repository,
        { algorithm: 'sha256', hex: sha256(data).slice(7) },
        Readable.from([data]),
      );
    }
    const payload = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: [
          { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length },
        ],
        ...(subject ? { subject: { mediaType: MediaType.OciManifest, digest: subject, size: 1 } } : {}),
      }),
    );
    const { digest } = await registry.manifests.put(
      repository,
      { payload, contentType: MediaType.OciManifest, tags },
      origin,
    );
    const at = new Date(Date.now() - daysAgo * DAY);
    await fixture.query(
      `UPDATE manifest SET created_at = $3 WHERE digest = $2 AND repository_id = (SELECT id FROM repository WHERE name = $1)`,
      [repository, digest, at],
    );
    await fixture.query(
      `UPDATE tag SET updated_at = $3 WHERE name = ANY($2) AND repository_id = (SELECT id FROM repository WHERE name = $1)`,
      [repository, tags, at],
    );
    return digest;
  }

  async function policy(projectId: bigint, rules: RetentionRule[]): Promise<RetentionPolicy> {
    return fixture.database.transaction((tx) =>
      retention.create(tx, projectId, {
        algorithm: 'or',
        rules,
        trigger: { kind: 'Schedule', settings: { cron: '' } },
      }),
    );
  }

  async function run(policyOf: RetentionPolicy, dryRun: boolean) {
    const tasks = await launcher.tasksFor(policyOf, dryRun);
    const { execution } = await sut.service.trigger(retentionJob, {
      trigger: 'MANUAL',
      vendorId: policyOf.id,
      extraAttrs: { dry_run: dryRun },
      tasks,
    });
    const finished = await waitFor('the retention run to end', async () => {
      const found = await sut.service.getExecution(execution.id);
      return found?.endTime ? found : undefined;
    });
    const listed = await sut.service.listTasks(execution.id, { offset: 0, limit: 100 });
    const logs = await Promise.all(
      listed.items.map(async (task) => (await sut.service.taskLog(task.id)) ?? ''),
    );
    return { execution: finished, tasks: listed.items, logs };
  }

  const tagsOf = async (repository: string) =>
    (await registry.tags.list(repository, { limit: 100 }).catch(() => [] as string[])).sort();
  const exists = async (repository: string, digest: string) =>
    registry.manifests.get(repository, digest).then(
      () => true,
      () => false,
    );

  it('a dry run says what would go and deletes nothing; the real run deletes exactly that', async () => {
    const p = await project();
    const app = `${p.name}/app`;
    const old1 = await push(app, ['v1'], 30);
    const old2 = await push(app, ['v2'], 20);
    const recent = await push(app, ['v3'], 2);
    const latest = await push(app, ['latest'], 1);
    const untagged = await push(app, [], 1);
    // A repository no rule chooses is left alone.
    const keep = await push(`${p.name}/keep`, ['old'], 90);
    const signature = await push(app, [], 30, old1);
    const rules = [
      rule('latestPushedK', 2, { repositories: [selector('repoMatches', 'app')] }),
      rule('always', null, {
        tags: [selector('matches', 'latest', '{"untagged":false}')],
        repositories: [selector('repoMatches', 'app')],
      }),
    ];
    const applied = await policy(p.id, rules);

    const dry = await run(applied, true);
    expect(dry.execution).toMatchObject({ status: 'Success', vendorType: 'RETENTION', vendorId: applied.id });
    expect(dry.tasks).toHaveLength(1);
    expect(dry.tasks[0]!.extraAttrs).toMatchObject({
      repository: 'app',
      dry_run: true,
      total: 5,
      retained: 2,
      deleted: 3,
      untagged: 0,
    });
    expect(dry.logs[0]).toContain('Dry run: nothing is deleted');
    expect(dry.logs[0]).toMatch(new RegExp(`\\| ${old1} \\| v1 .*\\| DEL`));
    expect(dry.logs[0]).toMatch(new RegExp(`\\| ${recent} \\| v3 .*\\| RETAIN`));
    for (const digest of [old1, old2, recent, latest, untagged, signature])
      expect(await exists(app, digest)).toBe(true);

    const real = await run(applied, false);
    expect(real.execution.status).toBe('Success');
    expect(real.tasks[0]!.extraAttrs).toMatchObject({ total: 5, retained: 2, deleted: 3, dry_run: false });
    expect(await tagsOf(app)).toEqual(['latest', 'v3']);
    for (const digest of [old1, old2, untagged, signature]) expect(await exists(app, digest)).toBe(false);
    for (const digest of [recent, latest]) expect(await exists(app, digest)).toBe(true);
    expect(await exists(`${p.name}/keep`, keep)).toBe(true);
    // The deletions went through the engine: events by "retention" in the outbox.
    const actors = await fixture.query<{ actor: string | null }>(
      `SELECT e->'actor'->>'name' AS actor FROM outbox_event o, jsonb_array_elements(o.payload->'events') e
       WHERE e->>'action' = 'delete' AND e->'target'->>'repository' = $1`,
      [app],
    );
    expect(actors.length).toBeGreaterThanOrEqual(4);
    expect(new Set(actors.map((row) => row.actor))).toEqual(new Set(['retention']));
  });

  it('reports a run that deleted something once, as TAG_RETENTION in the outbox; a dry run not', async () => {
    const p = await project();
    const app = `${p.name}/app`;
    const web = `${p.name}/web`;
    const oldApp = await push(app, ['v1'], 30);
    await push(app, ['v2'], 1);
    const oldWeb = await push(web, ['w1'], 30);
    await push(web, ['w2'], 1);
    const applied = await policy(p.id, [rule('latestPushedK', 1)]);
    const notices = () =>
      fixture.query<{ notification: Record<string, unknown> }>(
        `SELECT payload->'notification' AS notification FROM outbox_event
         WHERE topic = 'notification' AND payload->'notification'->>'projectName' = $1`,
        [p.name],
      );

    await run(applied, true);
    expect(await notices()).toHaveLength(0);

    const real = await run(applied, false);
    expect(real.tasks).toHaveLength(2);
    const [notice, ...more] = await notices();
    expect(more).toHaveLength(0);
    expect(notice!.notification).toMatchObject({
      eventType: 'TAG_RETENTION',
      projectName: p.name,
      eventData: {
        retention: {
          total: 4,
          retained: 2,
          result: 'SUCCESS',
          project_name: p.name,
          retention_policy_id: Number(applied.id),
          retention_rule: [
            expect.objectContaining({ template: 'latestPushedK', params: { latestPushedK: 1 } }),
          ],
        },
      },
    });
    const deleted = (
      notice!.notification.eventData as { retention: { deleted_artifact: { name_tag: string }[] } }
    ).retention.deleted_artifact;
    expect(deleted.map((artifact) => artifact.name_tag).sort()).toEqual([`${app}:v1`, `${web}:w1`]);
    expect(await exists(app, oldApp)).toBe(false);
    expect(await exists(web, oldWeb)).toBe(false);
  });

  it('a per-tag rule removes single tags and keeps the artifact another tag holds', async () => {
    const p = await project();
    const app = `${p.name}/app`;
    const shared = await push(app, ['dev-1', 'dev-2', 'stable'], 10);
    await fixture.query(
      `UPDATE tag SET updated_at = now() - interval '1 day' WHERE name = 'dev-2' AND repository_id = (SELECT id FROM repository WHERE name = $1)`,
      [app],
    );
    const devOnly = await push(app, ['dev-0'], 20);
    const applied = await policy(p.id, [
      rule('latestPushedK', 1, { tags: [selector('matches', 'dev-*')], perTag: true }),
      rule('always', null, { tags: [selector('matches', 'stable')], perTag: true }),
    ]);
    const result = await run(applied, false);
    expect(result.tasks[0]!.extraAttrs).toMatchObject({ total: 2, retained: 1, deleted: 1, untagged: 1 });
    expect(result.logs[0]).toContain('UNTAG dev-1');
    expect(await tagsOf(app)).toEqual(['dev-2', 'stable']);
    expect(await exists(app, shared)).toBe(true);
    expect(await exists(app, devOnly)).toBe(false);
  });

  it('never removes an immutable tag, and the engine refuses it even if asked', async () => {
    const p = await project();
    const app = `${p.name}/app`;
    const release = await push(app, ['v1.0', 'build-7'], 40);
    const build = await push(app, ['build-8'], 30);
    await push(app, ['build-9'], 1);
    const immutable = await fixture.database.transaction((tx) =>
      policyRules.create(tx, p.id, {
        disabled: false,
        priority: 0,
        action: 'immutable',
        template: 'immutable_template',
        tagSelectors: [selector('matches', 'v*')],
        scopeSelectors: { repository: [selector('repoMatches', '**')] },
        selectorsKey: selectorsKey({
          tagSelectors: [selector('matches', 'v*')],
          scopeSelectors: { repository: [selector('repoMatches', '**')] },
        }),
      }),
    );
    const applied = await policy(p.id, [rule('latestPushedK', 1)]);
    const result = await run(applied, false);
    expect(result.logs[0]).toMatch(/IMMUTABLE v1\.0/);
    expect(result.logs[0]).toContain(`tag v1.0 kept by immutable tag rule ${immutable.id}`);
    expect(await exists(app, release)).toBe(true);
    expect(await exists(app, build)).toBe(false);
    await expect(registry.tags.untag(app, 'v1.0', origin)).rejects.toMatchObject({ code: 'DENIED' });
  });

  it('fires on its schedule, building the tasks when it fires', async () => {
    const p = await project();
    const app = `${p.name}/app`;
    const old = await push(app, ['old'], 10);
    const applied = await policy(p.id, [rule('nDaysSinceLastPush', 5)]);
    const schedules = new ScheduleRepository(fixture.database);
    const due = new Date(Date.now() - 1000);
    await schedules.put({
      vendorType: retentionJob.vendorType,
      vendorId: applied.id,
      jobKind: retentionJob.name,
      cronType: 'Custom',
      cron: '0 0 0 * * *',
      payload: {},
      extraAttrs: { dry_run: false },
      nextFireAt: due,
    });
    const fired = await sut.scheduler!.tick(new Date());
    const execution = fired.find((prepared) => prepared.execution.vendorId === applied.id)!.execution;
    expect(execution).toMatchObject({ trigger: 'SCHEDULE', extraAttrs: { dry_run: false } });
    const ended = await waitFor('the scheduled run to end', async () => {
      const found = await sut.service.getExecution(execution.id);
      return found?.endTime ? found : undefined;
    });
    const [task] = (await sut.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    expect(ended.status, (await sut.service.taskLog(task!.id)) ?? 'no task').toBe('Success');
    expect(await exists(app, old)).toBe(false);
  });

  it('stops between deletions when its execution is stopped', async () => {
    // A fixture of its own, whose only worker deletes slowly, so the stop lands mid-run.
    const own = await JobFixture.open();
    try {
      const ownRegistry = own.registry();
      const slow: RegistryServices = {
        ...ownRegistry,
        manifests: Object.assign(Object.create(ownRegistry.manifests) as RegistryServices['manifests'], {
          delete: async (...args: Parameters<RegistryServices['manifests']['delete']>) => {
            await new Promise((resolve) => setTimeout(resolve, 400));
            return ownRegistry.manifests.delete(...args);
          },
        }),
      };
      const runtime = await own.runtime(JOB_KINDS, createProductProcessors(own.productDeps(slow)));
      const [row] = await own.query<{ id: string }>(
        `INSERT INTO project (name, metadata) VALUES ('stopping', '{}') RETURNING id`,
      );
      const app = 'stopping/app';
      for (let i = 0; i < 6; i++) {
        const config = Buffer.from(`{"n":${i}}`);
        await ownRegistry.uploads.monolithic(
          app,
          { algorithm: 'sha256', hex: sha256(config).slice(7) },
          Readable.from([config]),
        );
        const payload = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: MediaType.OciManifest,
            config: {
              mediaType: 'application/vnd.oci.image.config.v1+json',
              digest: sha256(config),
              size: config.length,
            },
            layers: [],
          }),
        );
        await ownRegistry.manifests.put(
          app,
          { payload, contentType: MediaType.OciManifest, tags: [`t${i}`] },
          origin,
        );
      }
      const ownRetention = new RetentionRepository(own.database);
      const applied = await own.database.transaction((tx) =>
        ownRetention.create(tx, BigInt(row!.id), {
          algorithm: 'or',
          rules: [rule('latestPushedK', 0)],
          trigger: { kind: 'Schedule', settings: { cron: '' } },
        }),
      );
      const { execution } = await runtime.service.trigger(retentionJob, {
        trigger: 'MANUAL',
        vendorId: applied.id,
        tasks: await new RetentionLauncher(ownRetention).tasksFor(applied, false),
      });
      await waitFor('the first deletion', async () => {
        const [task] = (await runtime.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
        return task && task.progressDone >= 1n ? task : undefined;
      });
      await runtime.service.stop(execution.id);
      const stopped = await waitFor('the run to stop', async () => {
        const found = await runtime.service.getExecution(execution.id);
        return found?.endTime ? found : undefined;
      });
      expect(stopped.status).toBe('Stopped');
      const left = await ownRegistry.tags.list(app, { limit: 10 });
      expect(left.length).toBeGreaterThan(0);
      expect(left.length).toBeLessThan(6);
      const [task] = (await runtime.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
      expect(await runtime.service.taskLog(task!.id)).toContain('Retention job is stopped');
    } finally {
      await own.close();
    }
  });
});
