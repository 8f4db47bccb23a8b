import { randomBytes, randomUUID } from 'node:crypto';
import { Database } from '@berth/db';
import { createTestDatabase, type TestDatabase } from '@berth/db/testing';
import { JobRuntime } from '@berth/domain';
import { waitFor } from '@berth/jobs/testing';
import { BullMqJobQueue, PgBossJobQueue } from '@berth/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKinds } from './fixtures/test-kinds.mjs';
import { killAllWorkers, startWorker, type WorkerProcess } from './worker-process.js';

const REDIS_URL = process.env.BERTH_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

interface Engine {
  name: string;
  redis: boolean;
}

/**
 * Worker processes as production runs them, on a database (and Redis prefix) of their own: the
 * test process only triggers, stops and reads through a client runtime, the spawned workers run.
 */
class Harness {
  readonly suffix = randomBytes(4).toString('hex');
  readonly prefix = `berth-test-${this.suffix}`;
  readonly kinds = testKinds(this.suffix);
  testDatabase!: TestDatabase;
  database!: Database;
  client!: JobRuntime;
  private readonly clients: JobRuntime[] = [];

  constructor(readonly engine: Engine) {}

  async open(): Promise<void> {
    this.testDatabase = await createTestDatabase({ migrate: true });
    this.database = new Database(this.testDatabase.url);
    if (!this.engine.redis) {
      const bootstrap = new PgBossJobQueue({ databaseUrl: this.testDatabase.url });
      await bootstrap.start();
      await bootstrap.close();
    }
    this.client = this.newClient();
  }

  /** A runtime that only triggers and reads (as the core beside workers). */
  newClient(): JobRuntime {
    const queue = this.engine.redis
      ? new BullMqJobQueue({ redisUrl: REDIS_URL, prefix: this.prefix, stallTimeoutMs: 2500, logger: quiet })
      : new PgBossJobQueue({ databaseUrl: this.testDatabase.url, stallTimeoutMs: 2500, logger: quiet });
    const runtime = new JobRuntime({
      database: this.database,
      queue,
      role: 'client',
      kinds: [this.kinds.steps, this.kinds.exclusive],
      logger: quiet,
    });
    this.clients.push(runtime);
    return runtime;
  }

  worker(
    env: Record<string, string> = {},
    options: { expectFailure?: boolean } = {},
  ): Promise<WorkerProcess> {
    return startWorker(
      {
        DATABASE_URL: this.testDatabase.url,
        BERTH_TEST_KIND_SUFFIX: this.suffix,
        ...(this.engine.redis ? { REDIS_URL, BERTH_QUEUE_PREFIX: this.prefix } : {}),
        ...env,
      },
      options,
    );
  }

  async finished(id: bigint) {
    return waitFor(
      `execution ${id} to finish`,
      async () => {
        const execution = await this.client.service.getExecution(id);
        return execution && ['Success', 'Error', 'Stopped'].includes(execution.status)
          ? execution
          : undefined;
      },
      30_000,
    );
  }

  async task(executionId: bigint) {
    return (await this.client.service.listTasks(executionId, { offset: 0, limit: 1 })).items[0]!;
  }

  /** The pid of the worker process running a task now. */
  async pidRunning(executionId: bigint): Promise<number> {
    return waitFor('the task to run on a worker', async () => {
      const task = await this.task(executionId);
      if (task.status !== 'Running' || !task.workerId) return undefined;
      const rows = await this.database.pool.query<{ pid: number }>(
        'SELECT pid FROM job_worker WHERE id = $1',
        [task.workerId],
      );
      return rows.rows[0]?.pid;
    });
  }

  async close(): Promise<void> {
    await killAllWorkers();
    await Promise.all(this.clients.map((client) => client.stop().catch(() => undefined)));
    await this.database?.close();
    await this.testDatabase?.drop();
    if (this.engine.redis) await BullMqJobQueue.deleteAllUnder(REDIS_URL, this.prefix);
  }
}

/** `begin`/`end` lines of a task log: [pid, time] per line. */
function marks(log: string, word: 'begin' | 'end'): { pid: number; at: number }[] {
  return [...log.matchAll(new RegExp(`\\] ${word} pid=(\\d+) at=(\\d+)`, 'g'))].map((match) => ({
    pid: Number(match[1]),
    at: Number(match[2]),
  }));
}

describe.each<Engine>([
  { name: 'BullMQ on Redis', redis: true },
  { name: 'pg-boss on PostgreSQL', redis: false },
])('worker processes on $name', (engine) => {
  const harness = new Harness(engine);

  beforeAll(async () => {
    await harness.open();
  });

  afterAll(async () => {
    await harness.close();
  });

  it('runs a job again on another worker when its worker is killed (SIGKILL), and finishes the execution', async () => {
    const [first, second] = await Promise.all([harness.worker(), harness.worker()]);
    const { execution } = await harness.client.service.trigger(harness.kinds.steps, {
      trigger: 'MANUAL',
      tasks: [{ payload: { steps: 24, stepMs: 50 } }],
    });
    const victimPid = await harness.pidRunning(execution.id);
    const victim = victimPid === first.pid ? first : second;
    const survivor = victim === first ? second : first;
    await waitFor('a few steps', async () => (await harness.task(execution.id)).progressDone >= 3n);
    victim.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    const done = await harness.finished(execution.id);
    expect(done.status).toBe('Success');
    const task = await harness.task(execution.id);
    expect(task).toMatchObject({ status: 'Success', runCount: 2, workerId: null });
    const log = (await harness.client.service.taskLog(task.id))!;
    expect(marks(log, 'begin').map((mark) => mark.pid)).toEqual([victim.pid, survivor.pid]);
    expect(marks(log, 'end').map((mark) => mark.pid)).toEqual([survivor.pid]);
  });
});

describe('worker processes on BullMQ: control', () => {
  const harness = new Harness({ name: 'BullMQ', redis: true });
  let workers: WorkerProcess[];

  beforeAll(async () => {
    await harness.open();
    workers = await Promise.all([harness.worker(), harness.worker()]);
  });

  afterAll(async () => {
    await harness.close();
  });

  it('never runs one job twice: a deterministic execution triggered from two processes at once runs once', async () => {
    const other = harness.newClient();
    const dedupeKey = `event:${randomUUID()}`;
    const request = { trigger: 'EVENT' as const, dedupeKey, tasks: [{ payload: { steps: 4, stepMs: 50 } }] };
    const results = await Promise.all([
      harness.client.service.trigger(harness.kinds.steps, request),
      other.service.trigger(harness.kinds.steps, request),
    ]);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(results[0]!.execution.id).toBe(results[1]!.execution.id);
    await harness.finished(results[0]!.execution.id);
    const task = await harness.task(results[0]!.execution.id);
    expect(task.runCount).toBe(1);
    expect(marks((await harness.client.service.taskLog(task.id))!, 'begin')).toHaveLength(1);
  });

  it('never runs two runs of an exclusive kind at once across worker processes', async () => {
    const triggered = await Promise.all(
      [1, 2, 3, 4].map(() =>
        harness.client.service.trigger(harness.kinds.exclusive, {
          trigger: 'MANUAL',
          tasks: [{ payload: { steps: 4, stepMs: 50 } }],
        }),
      ),
    );
    const runs: { begin: number; end: number; pid: number }[] = [];
    for (const { execution } of triggered) {
      expect((await harness.finished(execution.id)).status).toBe('Success');
      const log = (await harness.client.service.taskLog((await harness.task(execution.id)).id))!;
      const [begin] = marks(log, 'begin');
      const [end] = marks(log, 'end');
      runs.push({ begin: begin!.at, end: end!.at, pid: begin!.pid });
    }
    runs.sort((a, b) => a.begin - b.begin);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.begin).toBeGreaterThanOrEqual(runs[i - 1]!.end);
    expect(new Set(runs.map((run) => run.pid)).size).toBeGreaterThanOrEqual(1);
    expect(workers.map((worker) => worker.pid)).toEqual(
      expect.arrayContaining([...new Set(runs.map((run) => run.pid))]),
    );
  });

  it('stops a running execution within seconds, and says so', async () => {
    const { execution } = await harness.client.service.trigger(harness.kinds.steps, {
      trigger: 'MANUAL',
      tasks: [{ payload: { steps: 400, stepMs: 50 } }],
    });
    await harness.pidRunning(execution.id);
    const asked = Date.now();
    await harness.client.service.stop(execution.id);
    const done = await harness.finished(execution.id);
    expect(done.status).toBe('Stopped');
    expect(Date.now() - asked).toBeLessThan(3000);
    const task = await harness.task(execution.id);
    expect(task).toMatchObject({ status: 'Stopped', statusMessage: 'stopped by request', runCount: 1 });
    expect(await harness.client.service.taskLog(task.id)).toContain('[INFO] stopped by request');
  });

  it('pauses a kind on every worker and resumes it', async () => {
    await harness.client.service.pause(harness.kinds.steps);
    const { execution } = await harness.client.service.trigger(harness.kinds.steps, {
      trigger: 'MANUAL',
      tasks: [{ payload: { steps: 1, stepMs: 10 } }],
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await harness.client.service.getExecution(execution.id))?.status).toBe('Pending');
    expect(await harness.client.service.queueStats(harness.kinds.steps)).toMatchObject({
      paused: true,
      waiting: 1,
    });
    await harness.client.service.resume(harness.kinds.steps);
    expect((await harness.finished(execution.id)).status).toBe('Success');
  });

  it('fires a schedule once per firing across two workers', async () => {
    await harness.client.schedules.set(harness.kinds.steps, {
      schedule: { type: 'Custom', cron: '* * * * * *' },
      payload: { steps: 1, stepMs: 10 },
    });
    const scheduled = async () =>
      (
        await harness.database.pool.query<{ dedupe_key: string; run_count: number; status: string }>(
          `SELECT e.dedupe_key, e.status, t.run_count FROM execution e JOIN task t ON t.execution_id = e.id
           WHERE e.job_kind = $1 AND e.trigger = 'SCHEDULE'`,
          [harness.kinds.steps.name],
        )
      ).rows;
    await waitFor(
      'two firings to run',
      async () => (await scheduled()).filter((row) => row.status === 'Success').length >= 2,
    );
    await harness.client.schedules.set(harness.kinds.steps, {
      schedule: { type: 'None' },
      payload: { steps: 1, stepMs: 10 },
    });
    const rows = await scheduled();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(new Set(rows.map((row) => row.dedupe_key)).size).toBe(rows.length);
    for (const row of rows) expect(row.run_count).toBeLessThanOrEqual(1);
  });

  it('refuses to boot when a job kind has no processor', async () => {
    const broken = await harness.worker({ BERTH_TEST_DROP_PROCESSOR: '1' }, { expectFailure: true });
    expect((await broken.exited).code).toBe(1);
    expect(broken.logs()).toMatch(new RegExp(`job kind steps_${harness.suffix} has no processor`));
  });

  it('on SIGTERM, hands its running job back to the queue and exits 0; another worker finishes it', async () => {
    await killAllWorkers();
    const leaving = await harness.worker();
    const { execution } = await harness.client.service.trigger(harness.kinds.steps, {
      trigger: 'MANUAL',
      tasks: [{ payload: { steps: 20, stepMs: 50 } }],
    });
    expect(await harness.pidRunning(execution.id)).toBe(leaving.pid);
    leaving.kill('SIGTERM');
    expect(await leaving.exited).toEqual({ code: 0, signal: null });
    expect(leaving.logs()).toContain('Berth worker stopped');
    const task = await harness.task(execution.id);
    expect(task.status).toBe('Pending');

    const staying = await harness.worker();
    expect((await harness.finished(execution.id)).status).toBe('Success');
    const log = (await harness.client.service.taskLog(task.id))!;
    expect(log).toContain('shut down during run 1; the task will run again');
    expect(marks(log, 'end').map((mark) => mark.pid)).toEqual([staying.pid]);
  });
});
