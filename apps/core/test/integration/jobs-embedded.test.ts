import { Database } from '@berth/db';
import { JobRuntime } from '@berth/domain';
import { purgeAuditJob } from '@berth/jobs';
import { waitFor } from '@berth/jobs/testing';
import { PgBossJobQueue } from '@berth/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * `pnpm start` as a newcomer runs it: no DATABASE_URL, no REDIS_URL. The core runs its embedded
 * PostgreSQL, and the job worker inside itself on pg-boss; a job triggered from outside (as the
 * API will) runs there end to end.
 */
describe('jobs with nothing installed (embedded PostgreSQL, no Redis)', () => {
  let core: CoreProcess;
  let database: Database;
  let client: JobRuntime;

  beforeAll(async () => {
    core = await startCore({ database: 'embedded', env: { REDIS_URL: '' } });
    database = new Database(core.databaseUrl);
    client = new JobRuntime({
      database,
      queue: new PgBossJobQueue({ databaseUrl: core.databaseUrl, logger: quiet }),
      role: 'client',
      logger: quiet,
    });
  });

  afterAll(async () => {
    await client?.stop();
    await database?.close();
    await core?.stop();
  });

  it('runs the worker inside the core process on pg-boss', async () => {
    expect(core.logs()).toContain('jobs run in this process on pg-boss (REDIS_URL is unset)');
    const worker = await waitFor('the core to register as a job worker', async () => {
      const { rows } = await database.pool.query<{ id: string; pid: number; engine: string }>(
        'SELECT id, pid, engine FROM job_worker',
      );
      return rows.find((row) => row.pid === core.pid);
    });
    expect(worker.engine).toBe('pg-boss');
  });

  it('purges old audit log entries end to end, with the log and the counts', async () => {
    await database.pool.query(
      `INSERT INTO audit_log (operation, resource_type, resource, username, op_time)
       SELECT 'pull', 'artifact', 'library/app:' || n, 'admin', now() - interval '3 days' FROM generate_series(1, 12) n`,
    );
    await database.pool.query(
      `INSERT INTO audit_log (operation, resource_type, resource, username, op_time)
       VALUES ('create', 'project', 'library', 'admin', now() - interval '3 days'), ('pull', 'artifact', 'new', 'admin', now())`,
    );
    const { execution } = await client.service.trigger(purgeAuditJob, {
      trigger: 'MANUAL',
      tasks: [{ payload: { retentionHours: 48, includeOperations: ['pull'] } }],
    });
    const done = await waitFor(
      'the purge to finish',
      async () => {
        const found = await client.service.getExecution(execution.id);
        return found?.endTime ? found : undefined;
      },
      30_000,
    );
    expect(done).toMatchObject({
      status: 'Success',
      vendorType: 'PURGE_AUDIT_LOG',
      extraAttrs: { purged: 12 },
      progress: { percent: 100 },
    });
    const { rows } = await database.pool.query<{ operation: string; resource: string }>(
      'SELECT operation, resource FROM audit_log ORDER BY id',
    );
    expect(rows.filter((row) => row.resource !== 'library' && row.resource !== 'new')).toEqual([]);
    expect(rows.map((row) => row.resource).sort()).toEqual(expect.arrayContaining(['library', 'new']));

    const [task] = (await client.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    const { rows: workers } = await database.pool.query<{ id: string }>(
      'SELECT id FROM job_worker WHERE pid = $1',
      [core.pid],
    );
    const log = await client.service.taskLog(task!.id);
    expect(log).toContain(`run 1 started on worker ${workers[0]!.id}`);
    expect(log).toContain('[INFO] deleted 12 entries');
  });
});
