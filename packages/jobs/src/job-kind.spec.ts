import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJobKind, exclusiveScopeOf, indexJobKinds } from './job-kind.js';
import { JOB_KINDS, JOB_KINDS_BY_NAME, gcJob, purgeAuditJob, retentionJob } from './kinds.js';

const payload = z.object({ repository: z.string() });

describe(defineJobKind.name, () => {
  it('fills defaults and freezes the kind', () => {
    const sut = defineJobKind({
      name: 'sample',
      vendorType: 'SAMPLE',
      description: 'x',
      payload,
      execution: 'one',
    });
    expect(sut).toMatchObject({
      concurrency: 1,
      attempts: 3,
      backoff: { type: 'exponential', delayMs: 5000 },
      exclusive: false,
    });
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it.each([
    [{ name: 'Bad-Name' }, /job kind name/],
    [{ vendorType: 'lower' }, /vendor type/],
    [{ concurrency: 0 }, /concurrency/],
    [{ attempts: 1.5 }, /attempts/],
    [{ backoff: { type: 'fixed' as const, delayMs: -1 } }, /backoff/],
  ])('refuses a malformed declaration %o', (override, message) => {
    expect(() =>
      defineJobKind({
        name: 'sample',
        vendorType: 'SAMPLE',
        description: 'x',
        payload,
        execution: 'one',
        ...override,
      }),
    ).toThrow(message);
  });
});

describe(exclusiveScopeOf.name, () => {
  it('is null for kinds that may overlap, the kind for exclusive ones, a scope for scoped ones', () => {
    const open = defineJobKind({
      name: 'open',
      vendorType: 'OPEN',
      description: '',
      payload,
      execution: 'one',
    });
    expect(exclusiveScopeOf(open, { repository: 'a' })).toBeNull();
    expect(exclusiveScopeOf(gcJob, { dryRun: false, deleteUntagged: false, workers: 1 })).toBe('gc');
    expect(
      exclusiveScopeOf(retentionJob, { policyId: 1, repository: 'library/nginx', dryRun: false, rules: [] }),
    ).toBe('retention:repository:library/nginx');
  });
});

describe(indexJobKinds.name, () => {
  it('indexes the product kinds by name', () => {
    expect([...JOB_KINDS_BY_NAME.keys()]).toEqual(['gc', 'purge_audit', 'retention', 'webhook']);
    expect(JOB_KINDS.map((kind) => kind.vendorType)).toEqual([
      'GARBAGE_COLLECTION',
      'PURGE_AUDIT_LOG',
      'RETENTION',
      'WEBHOOK',
    ]);
  });

  it('refuses two kinds with one name or one vendor type', () => {
    const twin = defineJobKind({ ...gcJob, vendorType: 'OTHER' });
    expect(() => indexJobKinds([gcJob, twin])).toThrow(/declared twice/);
    const sameVendor = defineJobKind({ ...purgeAuditJob, name: 'purge_again' });
    expect(() => indexJobKinds([purgeAuditJob, sameVendor])).toThrow(/share vendor type PURGE_AUDIT_LOG/);
  });
});

describe('product payloads', () => {
  it('default and validate the audit purge parameters', () => {
    expect(purgeAuditJob.payload.parse({ retentionHours: 48 })).toEqual({
      retentionHours: 48,
      includeOperations: [],
      dryRun: false,
    });
    expect(purgeAuditJob.payload.safeParse({ retentionHours: 0 }).success).toBe(false);
    expect(purgeAuditJob.payload.safeParse({ retentionHours: 1, extra: true }).success).toBe(false);
  });

  it('default the GC parameters', () => {
    expect(gcJob.payload.parse({})).toEqual({ dryRun: false, deleteUntagged: false, workers: 1 });
    expect(gcJob.payload.safeParse({ workers: 6 }).success).toBe(false);
  });
});
