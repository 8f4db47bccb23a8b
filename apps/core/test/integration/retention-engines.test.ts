import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@berth/jobs/testing';
import { BullMqJobQueue } from '@berth/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { randomImage } from '../support/oci-fixtures.js';
import { ADMIN, api, Seeder, uniqueName } from '../api/artifacts-support.js';

const REDIS_URL = process.env.BERTH_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const WORKER_MAIN = fileURLToPath(new URL('../../../worker/dist/main.js', import.meta.url));

/**
 * A retention run end to end on each engine: triggered through the API, run by the core itself on
 * pg-boss over its embedded PostgreSQL (`pnpm start` with nothing installed), and by apps/worker
 * on BullMQ beside a core with REDIS_URL (production's shape). Both delete through the engine's
 * services of the process that runs them.
 */
async function retentionRemovesTheOlderImage(core: CoreProcess, seed: Seeder): Promise<string> {
  const project = uniqueName('engines');
  const projectId = await seed.project(project);
  const older = randomImage({ layers: 1, layerSize: 128 });
  const newer = randomImage({ layers: 1, layerSize: 128 });
  await seed.push(`${project}/app`, older, 'v1');
  await seed.push(`${project}/app`, newer, 'v2');
  const created = await api(core.url, 'POST', '/retentions', {
    as: ADMIN,
    body: {
      algorithm: 'or',
      rules: [
        {
          action: 'retain',
          template: 'latestPushedK',
          params: { latestPushedK: 1 },
          tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**' }],
          scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
        },
      ],
      trigger: { kind: 'Schedule', settings: { cron: '' } },
      scope: { level: 'project', ref: Number(projectId) },
    },
  });
  expect(created.status, created.text).toBe(201);
  const id = created.headers.get('location')!.split('/').pop();
  const triggered = await api(core.url, 'POST', `/retentions/${id}/executions`, { as: ADMIN, body: {} });
  expect(triggered.status, triggered.text).toBe(201);
  const eid = triggered.headers.get('location')!.split('/').pop();
  const execution = await waitFor(
    'the retention run to finish',
    async () => {
      const reply = await api(core.url, 'GET', `/retentions/${id}/executions`, { as: ADMIN });
      const found = (reply.body as { id: number; status: string }[]).find((e) => String(e.id) === eid);
      return found && !['Pending', 'Running'].includes(found.status) ? found : undefined;
    },
    30_000,
  );
  expect(execution.status).toBe('Success');
  expect((await seed.registry.request('GET', `/v2/${project}/app/manifests/${older.digest}`)).status).toBe(
    404,
  );
  expect((await seed.registry.request('GET', `/v2/${project}/app/manifests/v2`)).status).toBe(200);
  const tasks = await api(core.url, 'GET', `/retentions/${id}/executions/${eid}/tasks`, { as: ADMIN });
  const log = await api(core.url, 'GET', `/retentions/${id}/executions/${eid}/tasks/${tasks.body[0].id}`, {
    as: ADMIN,
  });
  return log.text;
}

describe('retention with nothing installed (embedded PostgreSQL, no Redis)', () => {
  let core: CoreProcess;
  let seed: Seeder;

  beforeAll(async () => {
    core = await startCore({ database: 'embedded', env: { REDIS_URL: '' } });
    seed = new Seeder(core);
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  it('runs in the core on pg-boss', async () => {
    const log = await retentionRemovesTheOlderImage(core, seed);
    const { rows } = await seed.pool.query<{ id: string }>('SELECT id FROM job_worker WHERE pid = $1', [
      core.pid,
    ]);
    expect(log).toContain(`started on worker ${rows[0]!.id}`);
  });
});

describe('retention and GC on Redis, run by apps/worker', () => {
  const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
  let core: CoreProcess;
  let seed: Seeder;
  let worker: ChildProcess;
  let workerLog = '';

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} does not exist: build first`);
    core = await startCore({ env: { REDIS_URL, BERTH_QUEUE_PREFIX: prefix } });
    worker = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        ...process.env,
        NO_COLOR: '1',
        DATABASE_URL: core.databaseUrl,
        // The core's storage: the worker's GC deletes bytes there.
        BERTH_DATA_DIR: core.dataDir,
        REDIS_URL,
        BERTH_QUEUE_PREFIX: prefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.setEncoding('utf8').on('data', (chunk: string) => (workerLog += chunk));
    worker.stderr!.setEncoding('utf8').on('data', (chunk: string) => (workerLog += chunk));
    await waitFor('the worker to run', () => workerLog.includes('Berth worker running'), 30_000);
    seed = new Seeder(core);
  });

  afterAll(async () => {
    await seed?.close();
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await core?.stop();
    await BullMqJobQueue.deleteAllUnder(REDIS_URL, prefix);
  });

  it('runs a GC on the worker process, which frees a deleted image’s blobs from the shared storage', async () => {
    const project = uniqueName('gcengines');
    await seed.project(project);
    const image = randomImage({ layers: 2, layerSize: 256 });
    await seed.push(`${project}/app`, image, 'v1');
    const deleted = await seed.registry.request('DELETE', `/v2/${project}/app/manifests/${image.digest}`);
    expect(deleted.status).toBe(202);
    const stored = (digest: string) =>
      access(join(core.dataDir, 'storage', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7))).then(
        () => true,
        () => false,
      );
    for (const blob of image.blobs) expect(await stored(blob.digest)).toBe(true);

    const started = await api(core.url, 'POST', '/system/gc/schedule', {
      as: ADMIN,
      body: {
        schedule: { type: 'Manual' },
        parameters: { delete_untagged: false, dry_run: false, workers: 1 },
      },
    });
    expect(started.status, started.text).toBe(201);
    const id = started.headers.get('location')!.split('/').pop();
    const run = await waitFor(
      'the GC run to finish',
      async () => {
        const reply = await api(core.url, 'GET', `/system/gc/${id}`, { as: ADMIN });
        const found = reply.body as { job_status: string; job_parameters: string };
        return ['Pending', 'Running'].includes(found.job_status) ? undefined : found;
      },
      30_000,
    );
    expect(run.job_status).toBe('Success');
    expect(JSON.parse(run.job_parameters)).toMatchObject({ purged_blobs: image.blobs.length });
    for (const blob of image.blobs) expect(await stored(blob.digest)).toBe(false);
    const log = await api(core.url, 'GET', `/system/gc/${id}/log`, { as: ADMIN });
    const { rows } = await seed.pool.query<{ id: string }>('SELECT id FROM job_worker WHERE pid = $1', [
      worker.pid,
    ]);
    expect(log.text).toContain(`started on worker ${rows[0]!.id}`);
  });

  it('runs on the worker process', async () => {
    const log = await retentionRemovesTheOlderImage(core, seed);
    const { rows } = await seed.pool.query<{ id: string }>('SELECT id FROM job_worker WHERE pid = $1', [
      worker.pid,
    ]);
    expect(log).toContain(`started on worker ${rows[0]!.id}`);
  });
});
