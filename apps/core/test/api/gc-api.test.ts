import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { actor, adminClient, RegistryClient, suffix, TestDb } from './projects-fixtures.js';

interface GcHistory {
  id: number;
  job_name: string;
  job_kind: string;
  job_parameters: string;
  job_status: string;
  schedule?: { type?: string; cron?: string; next_scheduled_time?: string };
  progress?: { done: number; total: number | null; percent: number | null };
}

/**
 * Harbor's `/system/gc` on a core without Redis: the core runs GC itself on pg-boss (the embedded
 * path), so a Manual schedule frees bytes from the core's own storage.
 */
describe('garbage collection API', () => {
  let core: CoreProcess;
  let db: TestDb;
  let admin: ApiClient;
  let registry: RegistryClient;

  beforeAll(async () => {
    core = await startCore();
    db = TestDb.open(core);
    admin = adminClient(core);
    registry = new RegistryClient(core.url, admin.credentials);
  });

  afterAll(async () => {
    await db?.close();
    await core?.stop();
  });

  const exists = (digest: string) =>
    access(join(core.dataDir, 'storage', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7))).then(
      () => true,
      () => false,
    );

  async function finished(id: number): Promise<GcHistory> {
    let last: GcHistory | undefined;
    await expect
      .poll(
        async () => {
          last = (await admin.get(`/system/gc/${id}`)).body as GcHistory;
          return last.job_status;
        },
        { timeout: 30_000 },
      )
      .toMatch(/^(Success|Error|Stopped)$/);
    return last!;
  }

  async function runNow(parameters: Record<string, unknown>): Promise<number> {
    const reply = await admin.post('/system/gc/schedule', { schedule: { type: 'Manual' }, parameters });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const location = reply.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v2\.0\/system\/gc\/\d+$/);
    return Number(location.split('/').pop());
  }

  it('runs a GC now that frees a deleted image’s blobs from storage, with history, log and a dry run', async () => {
    const project = `gc${suffix()}`;
    expect((await admin.post('/projects', { project_name: project })).status).toBe(201);
    const repository = `${project}/app`;
    const kept = await registry.pushImage(repository, 'v1', [1000]);
    expect(kept.status).toBe(201);
    const gone = await registry.pushImage(repository, 'v2', [2000, 3000]);
    expect(gone.status).toBe(201);
    expect(await registry.deleteManifest(repository, gone.digest)).toBe(202);
    const freed = gone.layers.map((layer) => `sha256:${sha(layer)}`);
    for (const digest of freed) expect(await exists(digest)).toBe(true);

    const dryId = await runNow({ delete_untagged: false, dry_run: true, workers: 1 });
    const dry = await finished(dryId);
    expect(dry.job_status).toBe('Success');
    const dryParameters = JSON.parse(dry.job_parameters) as Record<string, unknown>;
    expect(dryParameters).toMatchObject({ dry_run: true, delete_untagged: false, workers: 1 });
    for (const digest of freed) expect(await exists(digest)).toBe(true);

    const id = await runNow({ delete_untagged: true, dry_run: false, workers: 2 });
    const done = await finished(id);
    assertHarborResponse('getGC', 200, done);
    expect(done).toMatchObject({
      id,
      job_name: 'GARBAGE_COLLECTION',
      job_kind: 'MANUAL',
      job_status: 'Success',
    });
    const parameters = JSON.parse(done.job_parameters) as Record<string, number | boolean>;
    expect(parameters).toMatchObject({ delete_untagged: true, dry_run: false, workers: 2 });
    // The dry run said what the real run did (the config blob goes too).
    expect(parameters.purged_blobs).toBe(dryParameters.purged_blobs);
    expect(parameters.freed_space).toBe(dryParameters.freed_space);
    expect(parameters.purged_blobs).toBeGreaterThanOrEqual(3);
    // Berth's progress: every blob to free was freed.
    expect(done.progress).toEqual({
      done: parameters.purged_blobs,
      total: parameters.purged_blobs,
      percent: 100,
    });
    for (const digest of freed) expect(await exists(digest)).toBe(false);
    // The kept image still pulls.
    const pulled = await registry.fetch(`/v2/${repository}/manifests/v1`, {
      method: 'GET',
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(pulled.status).toBe(200);
    for (const layer of kept.layers) {
      const blob = await registry.fetch(`/v2/${repository}/blobs/sha256:${sha(layer)}`, { method: 'GET' });
      expect(Buffer.from(await blob.arrayBuffer()).equals(layer)).toBe(true);
    }

    const log = await admin.get(`/system/gc/${id}/log`);
    expect(log.status).toBe(200);
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(String(log.body)).toContain('The GC job actual frees up');

    const history = await admin.get('/system/gc?page=1&page_size=1');
    expect(history.status).toBe(200);
    assertHarborResponse('getGCHistory', 200, history.body);
    expect(history.headers.get('x-total-count')).toBe('2');
    expect(history.headers.get('link')).toContain('rel="next"');
    expect((history.body as GcHistory[])[0]!.id).toBe(id);
    const oldest = await admin.get('/system/gc?sort=creation_time&q=job_status%3DSuccess');
    expect((oldest.body as GcHistory[]).map((h) => h.id)).toEqual([dryId, id]);

    // Stopping an ended run is a conflict; an unknown one is not found.
    expect((await admin.put(`/system/gc/${id}`, {})).status).toBe(409);
    expect((await admin.put('/system/gc/999999', {})).status).toBe(404);
    expect((await admin.get('/system/gc/999999')).status).toBe(404);
    expect((await admin.get('/system/gc/999999/log')).status).toBe(404);
  });

  it('sets, shows and removes the schedule, and refuses malformed crons and parameters', async () => {
    expect((await admin.get('/system/gc/schedule')).body).toEqual({});
    const set = await admin.put('/system/gc/schedule', {
      schedule: { type: 'Custom', cron: '0 0 3 * * *' },
      parameters: { delete_untagged: true, dry_run: false, workers: 3 },
    });
    expect(set.status).toBe(200);
    const shown = await admin.get('/system/gc/schedule');
    assertHarborResponse('getGCSchedule', 200, shown.body);
    const schedule = shown.body as GcHistory;
    expect(schedule.schedule).toMatchObject({ type: 'Custom', cron: '0 0 3 * * *' });
    expect(Date.parse(schedule.schedule!.next_scheduled_time!)).toBeGreaterThan(Date.now());
    expect(JSON.parse(schedule.job_parameters)).toEqual({
      delete_untagged: true,
      dry_run: false,
      workers: 3,
    });

    expect((await admin.post('/system/gc/schedule', { schedule: { type: 'Daily' } })).status).toBe(201);
    expect(((await admin.get('/system/gc/schedule')).body as GcHistory).schedule?.cron).toBe('0 0 0 * * *');

    for (const bad of [
      { schedule: { type: 'Custom', cron: '* * * *' } },
      { schedule: { type: 'Custom', cron: '5 0 3 * * *' } },
      { schedule: { type: 'Custom' } },
      { schedule: { type: 'Sometimes' } },
      { schedule: { type: 'Manual' }, parameters: { workers: 9 } },
      { schedule: { type: 'Manual' }, parameters: { dry_run: 'yes' } },
      { schedule: { type: 'Manual' }, parameters: { surprise: 1 } },
    ]) {
      const reply = await admin.put('/system/gc/schedule', bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
    }
    // Nothing half-written: the Daily schedule is still there.
    expect(((await admin.get('/system/gc/schedule')).body as GcHistory).schedule?.type).toBe('Daily');

    expect((await admin.put('/system/gc/schedule', { schedule: { type: 'None' } })).status).toBe(200);
    expect((await admin.get('/system/gc/schedule')).body).toEqual({});
  });

  it('is for system administrators only', async () => {
    const user = await actor(core, db, 'gc');
    for (const [method, path] of [
      ['GET', '/system/gc'],
      ['GET', '/system/gc/1'],
      ['GET', '/system/gc/1/log'],
      ['PUT', '/system/gc/1'],
      ['GET', '/system/gc/schedule'],
      ['POST', '/system/gc/schedule'],
      ['PUT', '/system/gc/schedule'],
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

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
