import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@berth/db';
import { createTestDatabase, type TestDatabase } from '@berth/db/testing';
import { JobRuntime } from '@berth/domain';
import { gcJob } from '@berth/jobs';
import { waitFor } from '@berth/jobs/testing';
import { PgBossJobQueue } from '@berth/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllWorkers, PRODUCT_WORKER, startWorker } from './worker-process.js';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const BLOBS = 12_000;

/**
 * A GC run whose worker process is killed (SIGKILL) in the middle of its deletions is run again by
 * another worker, which finishes the byte deletions the first left pending and the rest.
 */
describe('garbage collection across a killed worker', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let client: JobRuntime;
  let dataDir: string;

  beforeAll(async () => {
    testDatabase = await createTestDatabase({ migrate: true });
    database = new Database(testDatabase.url);
    const bootstrap = new PgBossJobQueue({ databaseUrl: testDatabase.url });
    await bootstrap.start();
    await bootstrap.close();
    client = new JobRuntime({
      database,
      queue: new PgBossJobQueue({ databaseUrl: testDatabase.url, stallTimeoutMs: 2500, logger: quiet }),
      role: 'client',
      logger: quiet,
    });
    dataDir = await mkdtemp(join(tmpdir(), 'berth-gc-kill-'));
  });

  afterAll(async () => {
    await killAllWorkers();
    await client?.stop();
    await database?.close();
    await testDatabase?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('is finished by another worker, every byte deleted', async () => {
    // Blobs uploaded two hours ago and never referenced: rows and files as the core writes them.
    const digests: string[] = [];
    for (let i = 0; i < BLOBS; i++) {
      digests.push(`sha256:${createHash('sha256').update(`blob ${i}`).digest('hex')}`);
    }
    await Promise.all(
      [...new Set(digests.map((digest) => digest.slice(7, 9)))].map((prefix) =>
        mkdir(join(dataDir, 'storage', 'blobs', 'sha256', prefix), { recursive: true }),
      ),
    );
    for (let i = 0; i < digests.length; i += 500) {
      await Promise.all(
        digests
          .slice(i, i + 500)
          .map((digest) =>
            writeFile(
              join(dataDir, 'storage', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7)),
              digest,
            ),
          ),
      );
    }
    await database.pool.query(
      `INSERT INTO blob (digest, size, created_at) SELECT d, 71, now() - interval '2 hours' FROM unnest($1::text[]) d`,
      [digests],
    );
    const env = { DATABASE_URL: testDatabase.url, BERTH_DATA_DIR: dataDir };
    const first = await startWorker(env, { fixture: PRODUCT_WORKER });
    const { execution } = await client.service.trigger(gcJob, {
      trigger: 'MANUAL',
      tasks: [{ payload: { dryRun: false, deleteUntagged: false, workers: 1 } }],
    });
    // Killed once it has deleted some blobs, well before the end.
    await waitFor(
      'the first deletions',
      async () => {
        const view = await client.service.getExecution(execution.id);
        return view && view.progress.done > 0n;
      },
      30_000,
      5,
    );
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const left = Number((await database.pool.query('SELECT count(*) AS n FROM blob')).rows[0].n);
    expect(left).toBeGreaterThan(0);

    const second = await startWorker(env, { fixture: PRODUCT_WORKER });
    const ended = await waitFor(
      'the run to end on the second worker',
      async () => {
        const view = await client.service.getExecution(execution.id);
        return view && ['Success', 'Error', 'Stopped'].includes(view.status) ? view : undefined;
      },
      60_000,
    );
    expect(ended.status, second.logs()).toBe('Success');
    expect((await database.pool.query('SELECT count(*) AS n FROM blob')).rows[0].n).toBe('0');
    expect((await database.pool.query('SELECT count(*) AS n FROM gc_blob_deletion')).rows[0].n).toBe('0');
    let files = 0;
    for (const prefix of await readdir(join(dataDir, 'storage', 'blobs', 'sha256'))) {
      files += (await readdir(join(dataDir, 'storage', 'blobs', 'sha256', prefix))).length;
    }
    expect(files).toBe(0);
    const [task] = (await client.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    expect(task!.runCount).toBe(2);
  }, 120_000);
});
