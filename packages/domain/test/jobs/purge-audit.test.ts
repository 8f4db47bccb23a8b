import { JOB_KINDS, purgeAuditJob } from '@berth/jobs';
import { waitFor } from '@berth/jobs/testing';
import { AuditLogRepository } from '@berth/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductProcessors, purgeAuditProcessor } from '../../src/index.js';
import { JobFixture } from './job-fixture.js';

describe(purgeAuditProcessor.name, () => {
  let fixture: JobFixture;

  beforeAll(async () => {
    fixture = await JobFixture.open();
  });

  afterAll(async () => {
    await fixture?.close();
  });

  async function seed(operation: string, hoursAgo: number, count: number): Promise<void> {
    await fixture.query(
      `INSERT INTO audit_log (operation, resource_type, resource, username, op_time)
       SELECT $1, 'artifact', 'library/app:' || n, 'admin', now() - $2 * interval '1 hour' FROM generate_series(1, $3) n`,
      [operation, hoursAgo, count],
    );
  }

  const count = async (): Promise<number> =>
    Number((await fixture.query<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0]!.n);

  it('counts in a dry run, then deletes old entries of the listed operations in batches, with progress', async () => {
    await seed('pull', 72, 25);
    await seed('create', 72, 5);
    await seed('pull', 1, 3);
    const sut = await fixture.runtime(JOB_KINDS, [
      purgeAuditProcessor(new AuditLogRepository(fixture.database), { batchSize: 10 }),
      ...createProductProcessors(fixture.productDeps()).filter(
        (processor) => processor.kind !== purgeAuditJob,
      ),
    ]);
    const done = (id: bigint) =>
      waitFor('the purge to finish', async () => {
        const execution = await sut.service.getExecution(id);
        return execution?.endTime ? execution : undefined;
      });

    const dry = await sut.service.trigger(purgeAuditJob, {
      trigger: 'MANUAL',
      tasks: [{ payload: { retentionHours: 24, includeOperations: ['pull'], dryRun: true } }],
    });
    expect(await done(dry.execution.id)).toMatchObject({
      status: 'Success',
      extraAttrs: { would_purge: 25 },
    });
    expect(await count()).toBe(33);

    const real = await sut.service.trigger(purgeAuditJob, {
      trigger: 'MANUAL',
      tasks: [{ payload: { retentionHours: 24, includeOperations: ['pull'], dryRun: false } }],
    });
    const finished = await done(real.execution.id);
    expect(finished).toMatchObject({
      status: 'Success',
      vendorType: 'PURGE_AUDIT_LOG',
      extraAttrs: { purged: 25 },
      progress: { done: 25n, total: 25n, percent: 100 },
    });
    expect(await count()).toBe(8);
    const [task] = (await sut.service.listTasks(real.execution.id, { offset: 0, limit: 1 })).items;
    expect(await sut.service.taskLog(task!.id)).toContain('[INFO] deleted 25 entries');
  });
});
