import { describe, expect, it } from 'vitest';
import { assertProcessors, defineProcessor } from './job-processor.js';
import { JOB_KINDS, gcJob, purgeAuditJob, retentionJob, webhookJob } from './kinds.js';

const noop = async (): Promise<void> => undefined;

describe(assertProcessors.name, () => {
  it('indexes one processor per kind', () => {
    const processors = JOB_KINDS.map((kind) => defineProcessor(kind, noop));
    const sut = assertProcessors(JOB_KINDS, processors);
    expect([...sut.keys()]).toEqual(['gc', 'purge_audit', 'retention', 'webhook']);
    expect(sut.get('gc')).toBe(processors[0]);
  });

  it('fails on a kind without a processor, a kind with two, and a processor of no declared kind', () => {
    const processors = [
      defineProcessor(gcJob, noop),
      defineProcessor(gcJob, noop),
      defineProcessor(retentionJob, noop),
      defineProcessor(webhookJob, noop),
    ];
    expect(() => assertProcessors([gcJob, purgeAuditJob, webhookJob], processors)).toThrow(
      'job processors do not match the job kinds: job kind gc has 2 processors; job kind purge_audit has no processor; ' +
        'a processor is registered for job kind retention, which is not declared',
    );
  });
});
