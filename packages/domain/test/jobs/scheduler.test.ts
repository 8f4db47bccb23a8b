import { ScheduleRepository } from '@berth/db';
import { InvalidScheduleError, defineProcessor, parseSchedule } from '@berth/jobs';
import { defineTestJobKind, waitFor } from '@berth/jobs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidJobRequestError, Scheduler } from '../../src/index.js';
import { JobFixture } from './job-fixture.js';

describe(Scheduler.name, () => {
  let fixture: JobFixture;

  beforeAll(async () => {
    fixture = await JobFixture.open();
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('fires each due firing once across schedulers ticking at the same moment', async () => {
    const kind = defineTestJobKind({ name: 'scheduled' });
    const processor = defineProcessor(kind, async () => undefined);
    const a = await fixture.runtime([kind], [processor]);
    const b = await fixture.runtime([kind], [processor]);
    const schedule = await a.schedules.set(kind, {
      schedule: { type: 'Custom', cron: '0 0 * * * *' },
      payload: { from: 'schedule' },
      extraAttrs: { origin: 'test' },
    });
    expect(schedule).toMatchObject({
      cronType: 'Custom',
      cron: '0 0 * * * *',
      paused: false,
      jobKind: kind.name,
    });
    expect(schedule!.nextFireAt.getTime()).toBeGreaterThan(Date.now());

    const repository = new ScheduleRepository(fixture.database);
    const fireTimes: Date[] = [];
    const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    for (let round = 0; round < 5; round++) {
      // Make the schedule due (at a time of its own), then let both schedulers race for it.
      const fireAt = new Date(base - round * 1000);
      await fixture.query('UPDATE schedule SET next_fire_at = $2 WHERE id = $1::bigint', [
        schedule!.id.toString(),
        fireAt,
      ]);
      fireTimes.push(fireAt);
      const now = new Date();
      const [fromA, fromB] = await Promise.all([a.scheduler!.tick(now), b.scheduler!.tick(now)]);
      expect([...fromA, ...fromB].filter((fired) => fired.created)).toHaveLength(1);
      const next = await repository.find(kind.vendorType, -1n);
      expect(next!.nextFireAt.getTime()).toBeGreaterThan(now.getTime());
      expect(next!.lastFiredAt).toEqual(fireAt);
    }

    const executions = await waitFor('five scheduled runs to finish', async () => {
      const listing = await a.service.listExecutions({ jobKind: kind.name }, { offset: 0, limit: 10 });
      return listing.total === 5 && listing.items.every((item) => item.status === 'Success')
        ? listing.items
        : undefined;
    });
    expect(executions.map((execution) => execution.dedupeKey).sort()).toEqual(
      fireTimes.map((at) => `schedule:${schedule!.id}:${at.toISOString()}`).sort(),
    );
    expect(executions[0]).toMatchObject({ trigger: 'SCHEDULE', extraAttrs: { origin: 'test' } });
    const [task] = (await a.service.listTasks(executions[0]!.id, { offset: 0, limit: 1 })).items;
    expect(task!.payload).toEqual({ from: 'schedule' });
  });

  it('fires on its own from the loop, and not while paused', async () => {
    const kind = defineTestJobKind({ name: 'every_second' });
    const processor = defineProcessor(kind, async () => undefined);
    const sut = await fixture.runtime([kind], [processor], { scheduler: { tickMs: 100 } });
    await fixture.runtime([kind], [processor], { scheduler: { tickMs: 100 } });
    // Seconds are allowed below the API (Harbor's crons fire on whole minutes at most).
    await sut.schedules.set(kind, { schedule: { type: 'Custom', cron: '* * * * * *' }, payload: {} });
    await waitFor(
      'two scheduled runs',
      async () =>
        (await sut.service.listExecutions({ jobKind: kind.name }, { offset: 0, limit: 1 })).total >= 2,
    );
    expect(await sut.schedules.setPaused(true, kind)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = (await sut.service.listExecutions({ jobKind: kind.name }, { offset: 0, limit: 1 })).total;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await sut.service.listExecutions({ jobKind: kind.name }, { offset: 0, limit: 1 })).total).toBe(
      before,
    );
    const keys = await fixture.query<{ dedupe_key: string }>(
      'SELECT dedupe_key FROM execution WHERE job_kind = $1',
      [kind.name],
    );
    expect(new Set(keys.map((row) => row.dedupe_key)).size).toBe(keys.length);
  });

  it('validates schedules and payloads, and removes a schedule with None', async () => {
    const kind = defineTestJobKind({ name: 'validated' });
    const sut = await fixture.runtime([kind], [defineProcessor(kind, async () => undefined)], {
      role: 'client',
    });
    await expect(
      sut.schedules.set(kind, { schedule: { type: 'Custom', cron: '0 0 0 31 2 *' }, payload: {} }),
    ).rejects.toBeInstanceOf(InvalidScheduleError);
    await expect(
      sut.schedules.set(kind, { schedule: parseSchedule({ type: 'Daily' }), payload: 'x' as never }),
    ).rejects.toBeInstanceOf(InvalidJobRequestError);
    const daily = await sut.schedules.set(kind, {
      vendorId: 7n,
      schedule: parseSchedule({ type: 'Daily' }),
      payload: {},
    });
    expect(daily).toMatchObject({ vendorId: 7n, cronType: 'Daily', cron: '0 0 0 * * *' });
    expect(daily!.nextFireAt.getUTCHours()).toBe(0);
    expect((await sut.schedules.get(kind, 7n))?.id).toBe(daily!.id);
    expect(
      await sut.schedules.set(kind, { vendorId: 7n, schedule: { type: 'None' }, payload: {} }),
    ).toBeNull();
    expect(await sut.schedules.get(kind, 7n)).toBeNull();
  });
});
