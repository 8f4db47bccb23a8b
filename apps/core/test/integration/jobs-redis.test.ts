import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Database } from '@berth/db';
import { JobRuntime } from '@berth/domain';
import { purgeAuditJob } from '@berth/jobs';
import { waitFor } from '@berth/jobs/testing';
import { BullMqJobQueue } from '@berth/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';

const REDIS_URL = process.env.BERTH_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
/** The built worker, as deploy/ runs it beside the core. */
const WORKER_MAIN = fileURLToPath(new URL('../../../worker/dist/main.js', import.meta.url));
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Production's shape: REDIS_URL set, the core only creates and reads executions, apps/worker runs
 * them on BullMQ.
 */
describe('jobs on Redis, run by apps/worker beside the core', () => {
  const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
  let core: CoreProcess;
  let worker: ChildProcess;
  let workerLog = '';
  let database: Database;
  let client: JobRuntime;

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN)) {
      throw new Error(
        `${WORKER_MAIN} does not exist: build first (pnpm turbo run build --filter @berth/worker...)`,
      );
    }
    core = await startCore({ env: { REDIS_URL, BERTH_QUEUE_PREFIX: prefix } });
    worker = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        ...process.env,
        NO_COLOR: '1',
        DATABASE_URL: core.databaseUrl,
        REDIS_URL,
        BERTH_QUEUE_PREFIX: prefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.setEncoding('utf8').on('data', (chunk: string) => (workerLog += chunk));
    worker.stderr!.setEncoding('utf8').on('data', (chunk: string) => (workerLog += chunk));
    await waitFor('the worker to run', () => workerLog.includes('Berth worker running'), 30_000);
    database = new Database(core.databaseUrl);
    client = new JobRuntime({
      database,
      queue: new BullMqJobQueue({ redisUrl: REDIS_URL, prefix, logger: quiet }),
      role: 'client',
      logger: quiet,
    });
  });

  afterAll(async () => {
    await client?.stop();
    await database?.close();
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await core?.stop();
    await BullMqJobQueue.deleteAllUnder(REDIS_URL, prefix);
  });

  it('leaves the running to the worker: the core is no job worker itself', async () => {
    expect(core.logs()).toMatch(/jobs run on BullMQ \(redis:\/\/127\.0\.0\.1:6379\) by apps\/worker/);
    const { rows } = await database.pool.query<{ pid: number; engine: string }>(
      'SELECT pid, engine FROM job_worker',
    );
    expect(rows).toEqual([{ pid: worker.pid, engine: 'bullmq' }]);
  });

  it('runs an audit purge on the worker', async () => {
    await database.pool.query(
      `INSERT INTO audit_log (operation, resource_type, resource, username, op_time)
       SELECT 'delete', 'artifact', 'library/app:' || n, 'admin', now() - interval '2 days' FROM generate_series(1, 5) n`,
    );
    const { execution } = await client.service.trigger(purgeAuditJob, {
      trigger: 'MANUAL',
      tasks: [{ payload: { retentionHours: 24 } }],
    });
    const done = await waitFor('the purge to finish', async () => {
      const found = await client.service.getExecution(execution.id);
      return found?.endTime ? found : undefined;
    });
    expect(done).toMatchObject({ status: 'Success', extraAttrs: { purged: 5 } });
    const [task] = (await client.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    const { rows } = await database.pool.query<{ id: string }>('SELECT id FROM job_worker WHERE pid = $1', [
      worker.pid,
    ]);
    expect(await client.service.taskLog(task!.id)).toContain(`started on worker ${rows[0]!.id}`);
  });
});
