import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { actor, adminClient, TestDb } from './projects-fixtures.js';

interface ExecHistory {
  id: number;
  job_name: string;
  job_kind: string;
  job_parameters: string;
  job_status: string;
  schedule?: { type?: string; cron?: string };
}

/** Harbor's `/system/purgeaudit` over the `purge_audit` job kind, run by the core itself (no Redis). */
describe('audit log purge API', () => {
  let core: CoreProcess;
  let db: TestDb;
  let admin: ApiClient;

  beforeAll(async () => {
    core = await startCore();
    db = TestDb.open(core);
    admin = adminClient(core);
  });

  afterAll(async () => {
    await db?.close();
    await core?.stop();
  });

  const count = async (operation: string) =>
    Number(
      (
        await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log WHERE operation = $1', [operation])
      )[0]!.n,
    );

  async function finished(id: number): Promise<ExecHistory> {
    let last: ExecHistory | undefined;
    await expect
      .poll(
        async () => {
          last = (await admin.get(`/system/purgeaudit/${id}`)).body as ExecHistory;
          return last.job_status;
        },
        { timeout: 30_000 },
      )
      .toMatch(/^(Success|Error|Stopped)$/);
    return last!;
  }

  it('purges old entries of the listed operations now, with a dry run, history and log', async () => {
    await db.query(
      `INSERT INTO audit_log (operation, resource_type, resource, username, op_time)
       SELECT op, 'artifact', 'lib/app:' || n, 'admin', now() - interval '10 days'
       FROM generate_series(1, 4) n, unnest(ARRAY['pull', 'create']) op`,
    );
    const pullsBefore = await count('pull');
    const createsBefore = await count('create');

    const start = async (parameters: Record<string, unknown>) => {
      const reply = await admin.post('/system/purgeaudit/schedule', {
        schedule: { type: 'Manual' },
        parameters,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return Number(reply.headers.get('location')!.split('/').pop());
    };
    const dry = await finished(
      await start({ audit_retention_hour: 48, include_operations: 'pull', dry_run: true }),
    );
    expect(dry.job_status).toBe('Success');
    expect(JSON.parse(dry.job_parameters)).toMatchObject({ would_purge: 4, dry_run: true });
    expect(await count('pull')).toBe(pullsBefore);

    const id = await start({ audit_retention_hour: 48, include_operations: 'pull', dry_run: false });
    const done = await finished(id);
    assertHarborResponse('getPurgeJob', 200, done);
    expect(done).toMatchObject({ job_name: 'PURGE_AUDIT_LOG', job_kind: 'MANUAL', job_status: 'Success' });
    expect(JSON.parse(done.job_parameters)).toMatchObject({
      audit_retention_hour: 48,
      include_operations: 'pull',
      dry_run: false,
      purged: 4,
    });
    expect(await count('pull')).toBe(pullsBefore - 4);
    expect(await count('create')).toBe(createsBefore);

    const log = await admin.get(`/system/purgeaudit/${id}/log`);
    expect(log.status).toBe(200);
    expect(String(log.body)).toContain('deleted 4 entries');
    const history = await admin.get('/system/purgeaudit?page=1&page_size=10');
    assertHarborResponse('getPurgeHistory', 200, history.body);
    expect(history.headers.get('x-total-count')).toBe('2');
    expect((await admin.put(`/system/purgeaudit/${id}`, {})).status).toBe(409);
    expect((await admin.put('/system/purgeaudit/999999', {})).status).toBe(404);
    expect((await admin.get('/system/purgeaudit/999999/log')).status).toBe(404);
  });

  it('sets and removes the schedule; refuses bad crons and parameters', async () => {
    expect((await admin.get('/system/purgeaudit/schedule')).body).toEqual({});
    const set = await admin.post('/system/purgeaudit/schedule', {
      schedule: { type: 'Weekly' },
      parameters: { audit_retention_hour: 168, include_operations: 'create,delete,pull', dry_run: false },
    });
    expect(set.status).toBe(201);
    const shown = await admin.get('/system/purgeaudit/schedule');
    assertHarborResponse('getPurgeSchedule', 200, shown.body);
    const schedule = shown.body as ExecHistory;
    expect(schedule.schedule).toMatchObject({ type: 'Weekly', cron: '0 0 0 * * 0' });
    expect(JSON.parse(schedule.job_parameters)).toEqual({
      audit_retention_hour: 168,
      include_operations: 'create,delete,pull',
      dry_run: false,
    });
    for (const bad of [
      { schedule: { type: 'Custom', cron: 'every day' } },
      { schedule: { type: 'Manual' }, parameters: { audit_retention_hour: 0 } },
      { schedule: { type: 'Manual' }, parameters: { include_operations: ['pull'] } },
      { schedule: { type: 'Manual' }, parameters: { include_operations: 'pull;drop' } },
    ]) {
      const reply = await admin.put('/system/purgeaudit/schedule', bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
    }
    expect((await admin.put('/system/purgeaudit/schedule', { schedule: { type: 'None' } })).status).toBe(200);
    expect((await admin.get('/system/purgeaudit/schedule')).body).toEqual({});
  });

  it('is for system administrators only', async () => {
    const user = await actor(core, db, 'purge');
    for (const [method, path] of [
      ['GET', '/system/purgeaudit'],
      ['GET', '/system/purgeaudit/1'],
      ['GET', '/system/purgeaudit/1/log'],
      ['PUT', '/system/purgeaudit/1'],
      ['GET', '/system/purgeaudit/schedule'],
      ['POST', '/system/purgeaudit/schedule'],
      ['PUT', '/system/purgeaudit/schedule'],
    ] as const) {
      const body = { schedule: { type: 'Manual' } };
      const reply =
        method === 'GET'
          ? await user.client.get(path)
          : method === 'POST'
            ? await user.client.post(path, body)
            : await user.client.put(path, body);
      expect(reply.status, `${method} ${path}`).toBe(403);
    }
  });
});
