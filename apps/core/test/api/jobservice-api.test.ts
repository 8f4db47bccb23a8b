import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { actor, adminClient, TestDb } from './projects-fixtures.js';

/** Harbor's job service monitor and schedules over Berth's job system (docs/jobs.md). */
describe('job service API', () => {
  let core: CoreProcess;
  let db: TestDb;
  let admin: ApiClient;

  beforeAll(async () => {
    // No REDIS_URL: the core is its own worker (pg-boss), so it shows as the one worker pool.
    core = await startCore();
    db = TestDb.open(core);
    admin = adminClient(core);
  });

  afterAll(async () => {
    await db?.close();
    await core?.stop();
  });

  it('lists the worker pools (worker processes) and their workers', async () => {
    // The runtime registers its heartbeat as it starts.
    await expect.poll(async () => ((await admin.get('/jobservice/pools')).body as unknown[]).length).toBe(1);
    const reply = await admin.get('/jobservice/pools');
    assertHarborResponse('getWorkerPools', 200, reply.body);
    const [pool] = reply.body as { worker_pool_id: string; pid: number; concurrency: number }[];
    expect(pool!.pid).toBe(core.pid);
    expect(pool!.concurrency).toBeGreaterThan(0);

    const workers = await admin.get(`/jobservice/pools/${encodeURIComponent(pool!.worker_pool_id)}/workers`);
    expect(workers.status).toBe(200);
    assertHarborResponse('getWorkers', 200, workers.body);
    expect(workers.body).toHaveLength(pool!.concurrency);
    expect((await admin.get('/jobservice/pools/all/workers')).body).toEqual(workers.body);
    expect((await admin.get('/jobservice/pools/nope/workers')).status).toBe(404);
  });

  it('lists every job type as a queue, and pauses and resumes one', async () => {
    const queues = await admin.get('/jobservice/queues');
    assertHarborResponse('listJobQueues', 200, queues.body);
    const types = (queues.body as { job_type: string }[]).map((queue) => queue.job_type).sort();
    expect(types).toEqual(['GARBAGE_COLLECTION', 'PURGE_AUDIT_LOG', 'RETENTION', 'WEBHOOK']);

    expect((await admin.put('/jobservice/queues/GARBAGE_COLLECTION', { action: 'pause' })).status).toBe(200);
    const paused = (await admin.get('/jobservice/queues')).body as { job_type: string; paused: boolean }[];
    expect(paused.find((queue) => queue.job_type === 'GARBAGE_COLLECTION')?.paused).toBe(true);
    expect(paused.find((queue) => queue.job_type === 'RETENTION')?.paused).toBe(false);
    expect((await admin.put('/jobservice/queues/GARBAGE_COLLECTION', { action: 'resume' })).status).toBe(200);
    const resumed = (await admin.get('/jobservice/queues')).body as { job_type: string; paused: boolean }[];
    expect(resumed.every((queue) => !queue.paused)).toBe(true);
  });

  it('refuses unknown job types, jobs and actions in Harbor’s shape', async () => {
    const unknownType = await admin.put('/jobservice/queues/NOPE', { action: 'pause' });
    expect(unknownType.status).toBe(404);
    expect(unknownType.body.errors[0].code).toBe('NOT_FOUND');
    expect((await admin.put('/jobservice/queues/all', { action: 'explode' })).status).toBe(400);
    expect((await admin.put('/jobservice/queues/all', {})).status).toBe(400);
    expect((await admin.put('/jobservice/jobs/task:999999', {})).status).toBe(404);
    expect((await admin.get('/jobservice/jobs/task:999999/log')).status).toBe(404);
    expect((await admin.put('/jobservice/queues/SCHEDULER', { action: 'stop' })).status).toBe(400);
  });

  it('lists schedules with paging and says whether scheduling is paused', async () => {
    const listed = await admin.get('/schedules?page=1&page_size=10');
    expect(listed.status).toBe(200);
    assertHarborResponse('listSchedules', 200, listed.body);
    expect(listed.headers.get('x-total-count')).toBe(String((listed.body as unknown[]).length));
    const status = await admin.get('/schedules/all/paused');
    assertHarborResponse('getSchedulePaused', 200, status.body);
    expect(status.body).toEqual({ paused: false });
  });

  it('is for system administrators only', async () => {
    const user = await actor(core, db, 'js');
    for (const [method, path] of [
      ['GET', '/jobservice/pools'],
      ['GET', '/jobservice/pools/all/workers'],
      ['GET', '/jobservice/queues'],
      ['PUT', '/jobservice/queues/all'],
      ['GET', '/schedules'],
      ['GET', '/schedules/all/paused'],
    ] as const) {
      const reply =
        method === 'GET' ? await user.client.get(path) : await user.client.put(path, { action: 'pause' });
      expect(reply.status, `${method} ${path}`).toBe(403);
    }
    const queues = (await admin.get('/jobservice/queues')).body as { paused: boolean }[];
    expect(queues.every((queue) => !queue.paused)).toBe(true);
  });
});
