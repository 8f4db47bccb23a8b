import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool } from '@berth/db';
import { createTestDatabase, type TestDatabase } from '@berth/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, repoParam, Seeder, uniqueName } from '../api/artifacts-support.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { randomImage } from '../support/oci-fixtures.js';

/** The session advisory lock that makes a process the outbox's dispatcher (OutboxDispatcher). */
const DISPATCHER_LOCK = [0x62657274, 0x6f757462];

/**
 * What survives a core killed with SIGKILL right after changes committed: every audit entry (they
 * travel in the outbox, committed with the change), delivered once after the restart; and what a
 * restart does on its own (filling config attributes of artifacts pushed before they were kept).
 */
describe('a core restarted on the same database', () => {
  let database: TestDatabase;
  let dataDir: string;
  let core: CoreProcess | null = null;

  const start = async () => {
    core = await startCore({ database: { url: database.url }, dataDir });
    return core;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'berth-restart-'));
  });

  afterAll(async () => {
    await core?.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finds every audit entry of API and /v2/ changes made just before SIGKILL, each once', async () => {
    // Holding the dispatcher's lease keeps the first core from delivering anything: when it is
    // killed, every event below is still in the outbox, committed with its change.
    const leasePool = createPool(database.url, { max: 1 });
    const lease = await leasePool.connect();
    await lease.query('SELECT pg_advisory_lock($1, $2)', DISPATCHER_LOCK);
    const project = uniqueName('durable');
    const image = randomImage();
    const other = randomImage();
    const first = await start();
    const seed = new Seeder(first);
    try {
      const created = await api(first.url, 'POST', '/projects', {
        as: ADMIN,
        body: { project_name: project },
      });
      expect(created.status).toBe(201);
      await seed.push(`${project}/app`, image, 'v1');
      await seed.push(`${project}/app`, other, 'v2');
      const artifacts = `/projects/${project}/repositories/${repoParam('app')}/artifacts`;
      expect(
        (await api(first.url, 'POST', `${artifacts}/v1/tags`, { as: ADMIN, body: { name: 'stable' } }))
          .status,
      ).toBe(201);
      expect((await api(first.url, 'DELETE', `${artifacts}/v1/tags/stable`, { as: ADMIN })).status).toBe(200);
      expect(
        (await seed.registry.request('DELETE', `/v2/${project}/app/manifests/${other.digest}`)).status,
      ).toBe(202);
      process.kill(first.pid, 'SIGKILL');
      await first.exited;
      const pending = await seed.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_event');
      expect(Number(pending.rows[0]!.n)).toBeGreaterThanOrEqual(6);
      const audited = await seed.pool.query('SELECT 1 FROM audit_log WHERE resource LIKE $1', [
        `${project}%`,
      ]);
      expect(audited.rows).toHaveLength(0);
    } finally {
      await first.stop();
      lease.release();
      await leasePool.end();
    }

    const second = await start();
    try {
      const expected = [
        ['create', 'project', project],
        ['create', 'artifact', `${project}/app:v1`],
        ['create', 'artifact', `${project}/app:v2`],
        ['create', 'tag', `${project}/app:stable`],
        ['delete', 'tag', `${project}/app:stable`],
        ['delete', 'artifact', `${project}/app@${other.digest}`],
      ];
      const audited = async () => {
        const { rows } = await seed.pool.query<{
          operation: string;
          resource_type: string;
          resource: string;
        }>(`SELECT operation, resource_type, resource FROM audit_log WHERE resource LIKE $1 ORDER BY id`, [
          `${project}%`,
        ]);
        return rows.map((row) => [row.operation, row.resource_type, row.resource]);
      };
      // The new core takes the dispatcher's lease within a few seconds and delivers everything.
      await expect.poll(audited, { timeout: 20_000 }).toEqual(expected);
      // Delivered rows are deleted once every subscriber has them.
      const left = async () =>
        Number((await seed.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_event')).rows[0]!.n);
      await expect.poll(left).toBe(0);
    } finally {
      await seed.close();
    }
    expect(second.pid).toBeGreaterThan(0);
  });

  it('fills the config attributes of artifacts pushed before they were kept, at start', async () => {
    const running = core ?? (await start());
    const seed = new Seeder(running);
    const project = uniqueName('backfill');
    const image = randomImage();
    try {
      await seed.project(project);
      await seed.push(`${project}/app`, image, 'v1');
      await seed.pool.query('UPDATE manifest SET extra_attrs = NULL WHERE digest = $1', [image.digest]);
      await running.stop();
      const restarted = await start();
      const stored = async () =>
        (
          await seed.pool.query<{ extra_attrs: Record<string, unknown> | null }>(
            'SELECT extra_attrs FROM manifest WHERE digest = $1',
            [image.digest],
          )
        ).rows[0]?.extra_attrs;
      await expect.poll(stored, { timeout: 20_000 }).toMatchObject({ architecture: 'amd64', os: 'linux' });
      const reply = await api(restarted.url, 'GET', `/projects/${project}/repositories/app/artifacts/v1`, {
        as: ADMIN,
      });
      expect(reply.body.extra_attrs).toMatchObject({ architecture: 'amd64', os: 'linux' });
    } finally {
      await seed.close();
    }
  });
});
