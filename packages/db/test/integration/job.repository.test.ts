import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdvisoryLocks,
  AuditLogRepository,
  ExecutionRepository,
  JobWorkerRepository,
  ScheduleRepository,
  TaskLogRepository,
  TaskRepository,
  type ExecutionStatusRule,
  type NewExecution,
} from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

/** Harbor's rule, written out here so the repository is tested without the domain package. */
const rule: ExecutionStatusRule = (counts, started) => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  if (counts.Running > 0) return 'Running';
  if (counts.Pending > 0) return started || counts.Pending < total ? 'Running' : 'Pending';
  if (counts.Error > 0) return 'Error';
  if (counts.Stopped > 0) return 'Stopped';
  return 'Success';
};

describe('job repositories', () => {
  let fixture: RepositoryFixture;
  let executions: ExecutionRepository;
  let tasks: TaskRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    executions = new ExecutionRepository(fixture.database);
    tasks = new TaskRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const newExecution = (overrides: Partial<NewExecution> = {}): NewExecution => ({
    vendorType: 'GARBAGE_COLLECTION',
    vendorId: -1n,
    jobKind: 'gc',
    trigger: 'MANUAL',
    extraAttrs: { dry_run: true },
    dedupeKey: null,
    ...overrides,
  });

  describe(ExecutionRepository.name, () => {
    it('creates an execution with its tasks, each with its job id', async () => {
      const {
        execution,
        tasks: created,
        created: isNew,
      } = await fixture.database.transaction((tx) =>
        executions.create(tx, newExecution(), [
          { payload: { repository: 'a' }, extraAttrs: {} },
          { payload: { repository: 'b' }, extraAttrs: { note: 'x' } },
        ]),
      );
      expect(isNew).toBe(true);
      expect(execution).toMatchObject({
        vendorType: 'GARBAGE_COLLECTION',
        vendorId: -1n,
        jobKind: 'gc',
        status: 'Pending',
        trigger: 'MANUAL',
        extraAttrs: { dry_run: true },
        endTime: null,
        stopRequestedAt: null,
      });
      expect(created.map((task) => task.payload)).toEqual([{ repository: 'a' }, { repository: 'b' }]);
      expect(created.map((task) => task.jobId)).toEqual(created.map((task) => `task:${task.id}`));
      expect(created[1]).toMatchObject({
        status: 'Pending',
        runCount: 0,
        extraAttrs: { note: 'x' },
        enqueuedAt: null,
      });
      expect(await executions.findById(execution.id)).toEqual(execution);
      expect((await tasks.listByExecution(execution.id, { offset: 0, limit: 10 })).items).toEqual(created);
      expect(await tasks.findByJobId(created[0]!.jobId)).toEqual(created[0]);
    });

    it('ends an execution without tasks at once, as Harbor does', async () => {
      const { execution, tasks: created } = await fixture.database.transaction((tx) =>
        executions.create(tx, newExecution(), []),
      );
      expect(created).toEqual([]);
      expect(execution.status).toBe('Success');
      expect(execution.endTime).toBeInstanceOf(Date);
    });

    it('creates an execution once per dedupe key, even when two try at once', async () => {
      const dedupeKey = fixture.unique('schedule:1');
      const attempts = await Promise.all(
        [1, 2, 3].map(() =>
          fixture.database.transaction((tx) =>
            executions.create(tx, newExecution({ dedupeKey }), [{ payload: {}, extraAttrs: {} }]),
          ),
        ),
      );
      expect(attempts.filter((attempt) => attempt.created)).toHaveLength(1);
      const ids = new Set(attempts.map((attempt) => attempt.execution.id));
      expect(ids.size).toBe(1);
      expect(new Set(attempts.map((attempt) => attempt.tasks[0]!.id)).size).toBe(1);
    });

    it('derives the status from the tasks and sets the end time when final', async () => {
      const {
        execution,
        tasks: [first, second],
      } = await fixture.database.transaction((tx) =>
        executions.create(tx, newExecution(), [
          { payload: {}, extraAttrs: {} },
          { payload: {}, extraAttrs: {} },
        ]),
      );
      const claimed = await tasks.claim(first!.id, 'worker-a');
      expect(claimed?.task).toMatchObject({ status: 'Running', runCount: 1, workerId: 'worker-a' });
      expect(claimed?.execution.id).toBe(execution.id);
      expect(claimed?.task.startTime).toBeInstanceOf(Date);
      expect((await executions.refreshStatus(execution.id, rule))?.status).toBe('Running');

      expect(await tasks.finish(first!.id, 1, 'Success', '')).toBe(true);
      expect(await tasks.finish(first!.id, 1, 'Error', 'late')).toBe(false);
      expect((await executions.refreshStatus(execution.id, rule))?.status).toBe('Running');

      await tasks.claim(second!.id, 'worker-b');
      await tasks.setProgress(second!.id, 1, 5n, 10n);
      const metrics = (await executions.metrics([execution.id])).get(execution.id)!;
      expect(metrics.counts).toEqual({ Pending: 0, Running: 1, Stopped: 0, Error: 0, Success: 1 });
      expect(metrics.started).toBe(true);
      expect(metrics.progressDone).toBe(5n);
      expect(metrics.progressTotal).toBe(10n);

      expect(await tasks.finish(second!.id, 1, 'Error', 'boom')).toBe(true);
      const ended = await executions.refreshStatus(execution.id, rule);
      expect(ended?.status).toBe('Error');
      const lastEnd = (await tasks.findById(second!.id))!.endTime!;
      expect(ended?.endTime?.getTime()).toBe(lastEnd.getTime());
    });

    it('refreshes to the right status when tasks finish concurrently', async () => {
      const { execution, tasks: created } = await fixture.database.transaction((tx) =>
        executions.create(
          tx,
          newExecution(),
          Array.from({ length: 8 }, () => ({ payload: {}, extraAttrs: {} })),
        ),
      );
      await Promise.all(created.map((task) => tasks.claim(task.id, 'w')));
      await Promise.all(
        created.map(async (task) => {
          await tasks.finish(task.id, 1, 'Success', '');
          await executions.refreshStatus(execution.id, rule);
        }),
      );
      expect((await executions.findById(execution.id))?.status).toBe('Success');
    });

    it('stops pending tasks, refuses to start tasks of a stopped execution, and ignores a finished one', async () => {
      const {
        execution,
        tasks: [running, waiting],
      } = await fixture.database.transaction((tx) =>
        executions.create(tx, newExecution(), [
          { payload: {}, extraAttrs: {} },
          { payload: {}, extraAttrs: {} },
        ]),
      );
      await tasks.claim(running!.id, 'w');
      const stopping = await executions.requestStop(execution.id);
      expect(stopping?.stopRequestedAt).toBeInstanceOf(Date);
      expect((await executions.requestStop(execution.id))?.stopRequestedAt).toEqual(
        stopping?.stopRequestedAt,
      );
      expect(await tasks.stopRequested([running!.id, waiting!.id])).toEqual([running!.id, waiting!.id]);

      const stopped = await tasks.stopPending(execution.id, 'stopped by request');
      expect(stopped.map((task) => task.id)).toEqual([waiting!.id]);
      expect(await tasks.claim(waiting!.id, 'w')).toBeNull();
      await tasks.finish(running!.id, 1, 'Stopped', 'stopped by request');
      expect((await executions.refreshStatus(execution.id, rule))?.status).toBe('Stopped');
      expect(await executions.requestStop(execution.id)).toBeNull();
    });

    it('lists executions newest first with filters, and merges extra attributes', async () => {
      const vendorId = BigInt(Math.floor(Math.random() * 1e9));
      for (let i = 0; i < 3; i++) {
        await fixture.database.transaction((tx) =>
          executions.create(
            tx,
            newExecution({ vendorType: 'RETENTION', jobKind: 'retention', vendorId }),
            [],
          ),
        );
      }
      const listing = await executions.list({ vendorType: 'RETENTION', vendorId }, { offset: 0, limit: 2 });
      expect(listing.total).toBe(3);
      expect(listing.items).toHaveLength(2);
      expect(listing.items[0]!.id > listing.items[1]!.id).toBe(true);
      expect(
        (await executions.list({ vendorId, statuses: ['Running'] }, { offset: 0, limit: 5 })).total,
      ).toBe(0);
      await executions.mergeExtraAttrs(listing.items[0]!.id, { freed: 12 });
      expect((await executions.findById(listing.items[0]!.id))?.extraAttrs).toEqual({
        dry_run: true,
        freed: 12,
      });
    });
  });

  describe(TaskRepository.name, () => {
    it('finds tasks of dead workers, settles them once, and finds tasks never enqueued', async () => {
      const workers = new JobWorkerRepository(fixture.database);
      await workers.register({ id: 'alive', host: 'h', pid: 1, engine: 'pg-boss', concurrency: 2 });
      const {
        tasks: [onDead, onAlive, never],
      } = await fixture.database.transaction((tx) =>
        executions.create(tx, newExecution(), [
          { payload: {}, extraAttrs: {} },
          { payload: {}, extraAttrs: {} },
          { payload: {}, extraAttrs: {} },
        ]),
      );
      await tasks.claim(onDead!.id, 'dead');
      await tasks.claim(onAlive!.id, 'alive');
      await tasks.markEnqueued([onDead!.id, onAlive!.id]);

      const running = (await tasks.running(100)).filter((entry) =>
        [onDead!.id, onAlive!.id].includes(entry.task.id),
      );
      expect(running.map((entry) => [entry.task.workerId, entry.jobKind])).toEqual([
        ['dead', 'gc'],
        ['alive', 'gc'],
      ]);
      const orphans = await tasks.runningOnDeadWorkers(new Date(Date.now() - 60_000), 100);
      const mine = orphans.filter((orphan) => [onDead!.id, onAlive!.id].includes(orphan.task.id));
      expect(mine.map((orphan) => [orphan.task.id, orphan.jobKind])).toEqual([[onDead!.id, 'gc']]);
      expect(await tasks.settleOrphan(mine[0]!.task, 'Pending', 'worker died')).toBe(true);
      expect(await tasks.settleOrphan(mine[0]!.task, 'Pending', 'worker died')).toBe(false);
      expect(await tasks.findById(onDead!.id)).toMatchObject({
        status: 'Pending',
        workerId: null,
        runCount: 1,
      });

      const unenqueued = await tasks.unenqueued(new Date(Date.now() + 1000), 100);
      expect(unenqueued.map((entry) => entry.task.id)).toContain(never!.id);
      expect(unenqueued.map((entry) => entry.task.id)).not.toContain(onDead!.id);
      const quiet = (await tasks.quietPending(new Date(Date.now() + 1000), 100)).map((e) => e.task.id);
      expect(quiet).toContain(onDead!.id);
      expect(quiet).not.toContain(never!.id);
    });
  });

  describe(TaskLogRepository.name, () => {
    it('appends lines and reads them back as text, in order', async () => {
      const logs = new TaskLogRepository(fixture.database);
      const {
        tasks: [task],
      } = await fixture.database.transaction((tx) =>
        executions.create(tx, newExecution(), [{ payload: {}, extraAttrs: {} }]),
      );
      await logs.append(task!.id, [
        { at: new Date('2026-12-07T10:00:00.123Z'), level: 'INFO', message: 'started' },
        { at: new Date('2026-12-07T10:00:01Z'), level: 'WARNING', message: 'slow\u0000' },
      ]);
      await logs.append(task!.id, [
        { at: new Date('2026-12-07T10:00:02Z'), level: 'ERROR', message: 'failed' },
      ]);
      expect(await logs.text(task!.id)).toBe(
        '2026-12-07T10:00:00.123Z [INFO] started\n' +
          '2026-12-07T10:00:01.000Z [WARNING] slow\n' +
          '2026-12-07T10:00:02.000Z [ERROR] failed\n',
      );
      expect(await logs.text(999_999_999n)).toBe('');
    });
  });

  describe(ScheduleRepository.name, () => {
    it('keeps one schedule per vendor and lets exactly one of many claim a firing', async () => {
      const schedules = new ScheduleRepository(fixture.database);
      const fireAt = new Date(Date.now() - 1000);
      const write = {
        vendorType: 'PURGE_AUDIT_LOG',
        vendorId: -1n,
        jobKind: 'purge_audit',
        cronType: 'Daily',
        cron: '0 0 0 * * *',
        payload: { retentionHours: 24 },
        extraAttrs: {},
        nextFireAt: fireAt,
      };
      const first = await schedules.put(write);
      const replaced = await schedules.put({ ...write, cronType: 'Hourly', cron: '0 0 * * * *' });
      expect(replaced.id).toBe(first.id);
      expect(replaced).toMatchObject({ cron: '0 0 * * * *', paused: false, payload: { retentionHours: 24 } });
      expect((await schedules.due(new Date(), 10)).map((s) => s.id)).toContain(first.id);

      const next = new Date(fireAt.getTime() + 3600_000);
      const claims = await Promise.all(
        Array.from({ length: 5 }, () =>
          fixture.database.transaction((tx) => schedules.claim(tx, first.id, replaced.nextFireAt, next)),
        ),
      );
      const won = claims.filter((claim) => claim !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ nextFireAt: next, lastFiredAt: replaced.nextFireAt });

      expect(await schedules.setPaused(true, 'PURGE_AUDIT_LOG')).toBe(1);
      expect((await schedules.find('PURGE_AUDIT_LOG', -1n))?.paused).toBe(true);
      expect(
        await fixture.database.transaction((tx) => schedules.claim(tx, first.id, next, next)),
      ).toBeNull();
      expect(await schedules.delete('PURGE_AUDIT_LOG', -1n)).toBe(true);
      expect(await schedules.delete('PURGE_AUDIT_LOG', -1n)).toBe(false);
    });
  });

  describe(JobWorkerRepository.name, () => {
    it('records heartbeats and prunes silent workers', async () => {
      const workers = new JobWorkerRepository(fixture.database);
      const id = fixture.unique('worker');
      await workers.register({ id, host: 'host', pid: 42, engine: 'bullmq', concurrency: 3 });
      expect(await workers.heartbeat(id)).toBe(true);
      expect((await workers.alive(new Date(Date.now() - 5000))).find((w) => w.id === id)).toMatchObject({
        host: 'host',
        pid: 42,
        engine: 'bullmq',
        concurrency: 3,
      });
      expect(await workers.prune(new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(1);
      expect(await workers.heartbeat(id)).toBe(false);
    });
  });

  describe(AdvisoryLocks.name, () => {
    it('lets one session hold a scope at a time, and frees it on release', async () => {
      const locks = new AdvisoryLocks(fixture.database);
      const held = await locks.tryAcquire('gc');
      expect(held).not.toBeNull();
      expect(await locks.tryAcquire('gc')).toBeNull();
      const other = await locks.tryAcquire('retention:repository:a');
      expect(other).not.toBeNull();
      await held!.release();
      expect(held!.lost.aborted).toBe(false);
      const again = await locks.tryAcquire('gc');
      expect(again).not.toBeNull();
      await Promise.all([again!.release(), other!.release()]);
    });

    it('waits for a held lock, takes it once released, and gives up when aborted', async () => {
      const locks = new AdvisoryLocks(fixture.database);
      const held = (await locks.tryAcquire('wait'))!;
      const waiting = locks.acquire('wait', new AbortController().signal);
      const abandoned = new AbortController();
      const giving = locks.acquire('wait', abandoned.signal);
      await new Promise((resolve) => setTimeout(resolve, 200));
      abandoned.abort(new Error('stop waiting'));
      await expect(giving).rejects.toThrow('stop waiting');
      const releasedAt = Date.now();
      await held.release();
      const taken = await waiting;
      expect(Date.now() - releasedAt).toBeLessThan(1000);
      expect(await locks.tryAcquire('wait')).toBeNull();
      await taken.release();
      const free = await locks.tryAcquire('wait');
      expect(free).not.toBeNull();
      await free!.release();
    });
  });

  describe('AuditLogRepository purge', () => {
    it('counts and deletes old entries in batches, of listed operations only', async () => {
      const audit = new AuditLogRepository(fixture.database);
      const old = new Date(Date.now() - 48 * 3600_000);
      for (const [operation, at] of [
        ['create', old],
        ['pull', old],
        ['pull', old],
        ['pull', new Date()],
      ] as const) {
        await fixture.query(
          `INSERT INTO audit_log (operation, resource_type, resource, username, op_time) VALUES ($1, 'artifact', 'r', 'u', $2)`,
          [operation, at],
        );
      }
      const before = new Date(Date.now() - 24 * 3600_000);
      expect(await audit.countOlderThan(before, [])).toBe(3);
      expect(await audit.countOlderThan(before, ['pull'])).toBe(2);
      expect(await audit.deleteOlderThan(before, ['pull'], 1)).toBe(1);
      expect(await audit.deleteOlderThan(before, ['pull'], 10)).toBe(1);
      expect(await audit.countOlderThan(before, [])).toBe(1);
      expect(await audit.deleteOlderThan(before, [], 10)).toBe(1);
      const [{ n }] = (await fixture.query<{ n: string }>('SELECT count(*) AS n FROM audit_log')) as [
        { n: string },
      ];
      expect(Number(n)).toBe(1);
    });
  });
});
