import { randomUUID } from 'node:crypto';
import { PermanentJobError, defineProcessor, type JobContext } from '@berth/jobs';
import { defineTestJobKind, sleep, waitFor } from '@berth/jobs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionFinishedError,
  ExecutionNotFoundError,
  ExecutionStoppedError,
  InvalidJobRequestError,
  type JobRuntime,
} from '../../src/index.js';
import { JobFixture } from './job-fixture.js';

describe('JobRuntime on pg-boss', () => {
  let fixture: JobFixture;

  beforeAll(async () => {
    fixture = await JobFixture.open();
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const finished = (runtime: JobRuntime, id: bigint) =>
    waitFor(`execution ${id} to finish`, async () => {
      const execution = await runtime.service.getExecution(id);
      return execution && ['Success', 'Error', 'Stopped'].includes(execution.status) ? execution : undefined;
    });

  it('runs a task with its payload, log, progress and attributes, and ends the execution Success', async () => {
    const kind = defineTestJobKind({ name: 'report' });
    const seen: JobContext<Record<string, unknown>>[] = [];
    const sut = await fixture.runtime(
      [kind],
      [
        defineProcessor(kind, async (context) => {
          seen.push(context);
          context.log.info(`counting to ${String(context.payload.count)}`);
          await context.progress(1, 4);
          await context.progress(4, 4);
          await context.updateExecutionAttrs({ counted: 4 });
          await context.updateTaskAttrs({ note: 'done' });
        }),
      ],
    );
    const { execution, created } = await sut.service.trigger(kind, {
      trigger: 'MANUAL',
      extraAttrs: { requested_by: 'admin' },
      tasks: [{ payload: { count: 4 } }],
    });
    expect(created).toBe(true);
    expect(execution.status).toBe('Pending');

    const done = await finished(sut, execution.id);
    expect(done).toMatchObject({
      status: 'Success',
      trigger: 'MANUAL',
      vendorType: kind.vendorType,
      extraAttrs: { requested_by: 'admin', counted: 4 },
      metrics: { Success: 1, total: 1 },
      progress: { done: 4n, total: 4n, percent: 100 },
    });
    expect(done.endTime).toBeInstanceOf(Date);
    expect(seen[0]).toMatchObject({ payload: { count: 4 }, attempt: 1, task: { runCount: 1 } });
    expect(seen[0]!.execution.id).toBe(execution.id);

    const [task] = (await sut.service.listTasks(execution.id, { offset: 0, limit: 10 })).items;
    expect(task).toMatchObject({
      status: 'Success',
      runCount: 1,
      extraAttrs: { note: 'done' },
      workerId: null,
    });
    const log = await sut.service.taskLog(task!.id);
    expect(log).toMatch(/\[INFO\] run 1 started on worker \w+ \(attempt 1 of 1\)\n/);
    expect(log).toMatch(/\[INFO\] counting to 4\n/);
    expect(log).toMatch(/\[INFO\] run 1 succeeded\n$/);
    expect(await sut.service.taskByJobId(task!.jobId)).toMatchObject({ id: task!.id });
  });

  it('retries a failed run after the backoff, and records both runs', async () => {
    const kind = defineTestJobKind({ name: 'flaky', attempts: 3, backoff: { type: 'fixed', delayMs: 500 } });
    const sut = await fixture.runtime(
      [kind],
      [
        defineProcessor(kind, async ({ attempt }) => {
          if (attempt === 1) throw new Error('the registry was busy');
        }),
      ],
    );
    const { execution } = await sut.service.trigger(kind, { trigger: 'MANUAL', tasks: [{ payload: {} }] });
    const done = await finished(sut, execution.id);
    expect(done.status).toBe('Success');
    const [task] = (await sut.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    expect(task!.runCount).toBe(2);
    const log = (await sut.service.taskLog(task!.id))!;
    expect(log).toContain('[ERROR] run 1 failed (attempt 1 of 3), retrying: the registry was busy');
    expect(log).toContain('run 2 started');
  });

  it('ends a task in Error at once on a permanent failure, and after the last attempt otherwise', async () => {
    const permanent = defineTestJobKind({ name: 'permanent', attempts: 3 });
    const exhausted = defineTestJobKind({
      name: 'exhausted',
      attempts: 2,
      backoff: { type: 'fixed', delayMs: 100 },
    });
    const sut = await fixture.runtime(
      [permanent, exhausted],
      [
        defineProcessor(permanent, async () => {
          throw new PermanentJobError('policy 7 does not exist');
        }),
        defineProcessor(exhausted, async () => {
          throw new Error('still down');
        }),
      ],
    );
    const first = await sut.service.trigger(permanent, { trigger: 'EVENT', tasks: [{ payload: {} }] });
    const second = await sut.service.trigger(exhausted, { trigger: 'EVENT', tasks: [{ payload: {} }] });
    expect(await finished(sut, first.execution.id)).toMatchObject({ status: 'Error', metrics: { Error: 1 } });
    expect(await finished(sut, second.execution.id)).toMatchObject({ status: 'Error' });
    const [a] = (await sut.service.listTasks(first.execution.id, { offset: 0, limit: 1 })).items;
    const [b] = (await sut.service.listTasks(second.execution.id, { offset: 0, limit: 1 })).items;
    expect(a).toMatchObject({ runCount: 1, statusMessage: 'policy 7 does not exist' });
    expect(b).toMatchObject({ runCount: 2, statusMessage: 'still down' });
  });

  it('refuses a payload the kind refuses and a wrong number of tasks, creating nothing', async () => {
    const kind = defineTestJobKind({ name: 'strict' });
    const sut = await fixture.runtime([kind], [defineProcessor(kind, async () => undefined)], {
      role: 'client',
    });
    await expect(
      sut.service.trigger(kind, { trigger: 'MANUAL', tasks: [{ payload: 'nope' as never }] }),
    ).rejects.toBeInstanceOf(InvalidJobRequestError);
    await expect(sut.service.trigger(kind, { trigger: 'MANUAL', tasks: [] })).rejects.toThrow(
      /exactly one task/,
    );
    expect((await sut.service.listExecutions({ jobKind: kind.name }, { offset: 0, limit: 5 })).total).toBe(0);
  });

  it('creates one execution per dedupe key and runs it once', async () => {
    const kind = defineTestJobKind({ name: 'dedupe' });
    let runs = 0;
    const sut = await fixture.runtime(
      [kind],
      [
        defineProcessor(kind, async () => {
          runs += 1;
        }),
      ],
    );
    const dedupeKey = `event:${randomUUID()}`;
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        sut.service.trigger(kind, { trigger: 'EVENT', dedupeKey, tasks: [{ payload: {} }] }),
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    await finished(sut, results[0]!.execution.id);
    await sleep(300);
    expect(runs).toBe(1);
  });

  it('stops a running execution within seconds: the processor is signalled and the execution says Stopped', async () => {
    const kind = defineTestJobKind({ name: 'long' });
    let reason: unknown = null;
    const sut = await fixture.runtime(
      [kind],
      [
        defineProcessor(kind, async ({ signal, progress }) => {
          for (let i = 0; i < 600 && !signal.aborted; i++) {
            await progress(i, 600);
            await sleep(50);
          }
          reason = signal.reason;
        }),
      ],
    );
    const { execution } = await sut.service.trigger(kind, { trigger: 'MANUAL', tasks: [{ payload: {} }] });
    await waitFor(
      'the task to run',
      async () => (await sut.service.getExecution(execution.id))?.status === 'Running',
    );
    const asked = Date.now();
    const stopping = await sut.service.stop(execution.id);
    expect(stopping.stopRequestedAt).toBeInstanceOf(Date);
    const done = await finished(sut, execution.id);
    expect(Date.now() - asked).toBeLessThan(3000);
    expect(done.status).toBe('Stopped');
    expect(reason).toBeInstanceOf(ExecutionStoppedError);
    const [task] = (await sut.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    expect(task).toMatchObject({ status: 'Stopped', statusMessage: 'stopped by request' });
    expect(await sut.service.taskLog(task!.id)).toContain('[INFO] stopped by request');
    await expect(sut.service.stop(execution.id)).rejects.toBeInstanceOf(ExecutionFinishedError);
    await expect(sut.service.stop(987_654_321n)).rejects.toBeInstanceOf(ExecutionNotFoundError);
  });

  it('pauses a kind: its executions wait Pending; a stopped one never runs; resume runs the rest', async () => {
    const kind = defineTestJobKind({ name: 'paused' });
    const ran: string[] = [];
    const sut = await fixture.runtime(
      [kind],
      [
        defineProcessor(kind, async ({ payload }) => {
          ran.push(String(payload.name));
        }),
      ],
    );
    await sut.service.pause(kind);
    const kept = await sut.service.trigger(kind, {
      trigger: 'MANUAL',
      tasks: [{ payload: { name: 'kept' } }],
    });
    const dropped = await sut.service.trigger(kind, {
      trigger: 'MANUAL',
      tasks: [{ payload: { name: 'dropped' } }],
    });
    await sleep(500);
    expect(ran).toEqual([]);
    expect((await sut.service.getExecution(kept.execution.id))?.status).toBe('Pending');
    expect(await sut.service.queueStats(kind)).toMatchObject({ paused: true, waiting: 2 });

    expect((await sut.service.stop(dropped.execution.id)).status).toBe('Stopped');
    expect((await sut.service.queueStats(kind)).waiting).toBe(1);
    await sut.service.resume(kind);
    expect((await finished(sut, kept.execution.id)).status).toBe('Success');
    await sleep(300);
    expect(ran).toEqual(['kept']);
  });

  it('never runs two tasks of an exclusive kind at once, across workers', async () => {
    const kind = defineTestJobKind({ name: 'exclusive', exclusive: true, concurrency: 2 });
    const intervals: [number, number][] = [];
    const processor = defineProcessor(kind, async () => {
      const start = Date.now();
      await sleep(200);
      intervals.push([start, Date.now()]);
    });
    const first = await fixture.runtime([kind], [processor]);
    await fixture.runtime([kind], [processor]);
    const executions = await Promise.all(
      [1, 2, 3, 4].map(() => first.service.trigger(kind, { trigger: 'MANUAL', tasks: [{ payload: {} }] })),
    );
    for (const { execution } of executions)
      expect((await finished(first, execution.id)).status).toBe('Success');
    intervals.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < intervals.length; i++)
      expect(intervals[i]![0]).toBeGreaterThanOrEqual(intervals[i - 1]![1]);
    expect(intervals).toHaveLength(4);
  });

  it('lets exclusive scopes of different payloads run together', async () => {
    const kind = defineTestJobKind({
      name: 'scoped',
      exclusive: (payload) => String(payload.repository),
      concurrency: 2,
      execution: 'many',
    });
    let running = 0;
    let most = 0;
    const sut = await fixture.runtime(
      [kind],
      [
        defineProcessor(kind, async () => {
          running += 1;
          most = Math.max(most, running);
          await sleep(300);
          running -= 1;
        }),
      ],
    );
    const { execution } = await sut.service.trigger(kind, {
      trigger: 'MANUAL',
      tasks: [{ payload: { repository: 'a' } }, { payload: { repository: 'b' } }],
    });
    const done = await finished(sut, execution.id);
    expect(done).toMatchObject({
      status: 'Success',
      metrics: { Success: 2, total: 2 },
      progress: { percent: 100 },
    });
    expect(most).toBe(2);
  });

  it('hands a task back when its worker shuts down mid-run, and another worker finishes it', async () => {
    const kind = defineTestJobKind({ name: 'handover', attempts: 2 });
    const workers: string[] = [];
    const processor = defineProcessor(kind, async ({ signal, task }) => {
      workers.push(task.jobId);
      for (let i = 0; i < 100 && !signal.aborted; i++) await sleep(20);
      signal.throwIfAborted();
    });
    const leaving = await fixture.runtime([kind], [processor], { runner: { closeGraceMs: 50 } });
    const { execution } = await leaving.service.trigger(kind, {
      trigger: 'MANUAL',
      tasks: [{ payload: {} }],
    });
    await waitFor('the first run', () => workers.length === 1);
    await leaving.stop();
    expect((await leaving.service.getExecution(execution.id))?.status).toBe('Running');
    const [handed] = (await leaving.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    expect(handed).toMatchObject({ status: 'Pending', workerId: null });
    const staying = await fixture.runtime([kind], [processor]);
    const done = await finished(staying, execution.id);
    expect(done.status).toBe('Success');
    const [task] = (await staying.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    expect(task!.runCount).toBe(2);
    expect(await staying.service.taskLog(task!.id)).toContain(
      'shut down during run 1; the task will run again',
    );
  });

  it("repairs a dead worker's task: back to Pending while the queue holds its job, Error when it does not", async () => {
    const kind = defineTestJobKind({ name: 'orphan', attempts: 3 });
    const sut = await fixture.runtime([kind], [defineProcessor(kind, async () => undefined)]);
    await sut.service.pause(kind);
    const held = await sut.service.trigger(kind, { trigger: 'MANUAL', tasks: [{ payload: {} }] });
    const lost = await sut.service.trigger(kind, { trigger: 'MANUAL', tasks: [{ payload: {} }] });
    const [heldTask] = (await sut.service.listTasks(held.execution.id, { offset: 0, limit: 1 })).items;
    const [lostTask] = (await sut.service.listTasks(lost.execution.id, { offset: 0, limit: 1 })).items;
    // A worker that claimed both and died long ago; the second's job is gone from the queue.
    await fixture.query(
      `INSERT INTO job_worker (id, host, pid, engine, concurrency, heartbeat_at) VALUES ('dead', 'h', 1, 'pg-boss', 1, now() - interval '1 hour')`,
    );
    await fixture.query(
      `UPDATE task SET status = 'Running', run_count = 1, worker_id = 'dead' WHERE id = ANY($1::bigint[])`,
      [[heldTask!.id.toString(), lostTask!.id.toString()]],
    );
    await fixture.query(`UPDATE execution SET status = 'Running' WHERE id = ANY($1::bigint[])`, [
      [held.execution.id.toString(), lost.execution.id.toString()],
    ]);
    await fixture.query(`DELETE FROM pgboss.job WHERE data->>'id' = $1`, [lostTask!.jobId]);

    await sut.runner!.reconcile();
    expect((await sut.service.getTask(heldTask!.id))?.status).toBe('Pending');
    expect((await sut.service.getExecution(held.execution.id))?.status).toBe('Running');
    expect(await sut.service.getExecution(lost.execution.id)).toMatchObject({ status: 'Error' });
    expect((await sut.service.getTask(lostTask!.id))?.statusMessage).toMatch(
      /stopped responding during run 1, and the queue will not run it again/,
    );

    await sut.service.resume(kind);
    expect((await finished(sut, held.execution.id)).status).toBe('Success');
    expect((await sut.service.getTask(heldTask!.id))?.runCount).toBe(2);
  });

  it('queues tasks whose creator died before queuing them', async () => {
    const kind = defineTestJobKind({ name: 'unqueued' });
    const sut = await fixture.runtime([kind], [defineProcessor(kind, async () => undefined)]);
    const prepared = await fixture.database.transaction((tx) =>
      sut.service.createExecution(tx, kind, { trigger: 'MANUAL', tasks: [{ payload: {} }] }),
    );
    await fixture.query(
      `UPDATE task SET creation_time = now() - interval '1 minute' WHERE execution_id = $1::bigint`,
      [prepared.execution.id.toString()],
    );
    await sleep(300);
    expect((await sut.service.getExecution(prepared.execution.id))?.status).toBe('Pending');
    await sut.runner!.reconcile();
    expect((await finished(sut, prepared.execution.id)).status).toBe('Success');
  });

  it('queues again a task whose job the queue lost, and runs it', async () => {
    const kind = defineTestJobKind({ name: 'lost_job' });
    const sut = await fixture.runtime([kind], [defineProcessor(kind, async () => undefined)]);
    await sut.service.pause(kind);
    const { execution } = await sut.service.trigger(kind, { trigger: 'MANUAL', tasks: [{ payload: {} }] });
    const [task] = (await sut.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    await fixture.query(`DELETE FROM pgboss.job WHERE data->>'id' = $1`, [task!.jobId]);
    await fixture.query(`UPDATE task SET update_time = now() - interval '1 minute' WHERE id = $1::bigint`, [
      task!.id.toString(),
    ]);
    expect((await sut.service.queueStats(kind)).waiting).toBe(0);
    await sut.runner!.reconcile();
    expect((await sut.service.queueStats(kind)).waiting).toBe(1);
    await sut.service.resume(kind);
    expect((await finished(sut, execution.id)).status).toBe('Success');
    expect(await sut.service.taskLog(task!.id)).toContain(
      'the queue no longer held the job of this task; queued it again',
    );
  });

  it('ends Stopped a task its worker refuses because the execution is stopping', async () => {
    const kind = defineTestJobKind({ name: 'half_stopped' });
    let runs = 0;
    const sut = await fixture.runtime(
      [kind],
      [
        defineProcessor(kind, async () => {
          runs += 1;
        }),
      ],
    );
    await sut.service.pause(kind);
    const { execution } = await sut.service.trigger(kind, { trigger: 'MANUAL', tasks: [{ payload: {} }] });
    // A stop whose sweep of Pending tasks never ran (its process died in between).
    await fixture.query('UPDATE execution SET stop_requested_at = now() WHERE id = $1::bigint', [
      execution.id.toString(),
    ]);
    await sut.service.resume(kind);
    expect((await finished(sut, execution.id)).status).toBe('Stopped');
    expect(runs).toBe(0);
  });
});
