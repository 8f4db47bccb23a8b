import { PermanentJobError, defineProcessor, gcJob, type JobKind, type JobProcessor } from '@berth/jobs';

/**
 * Processors for kinds whose features are not built yet (issue 9's garbage
 * collection): a run ends in Error saying so, instead of the worker refusing to boot. Each is
 * replaced by the real processor when its feature lands; nothing triggers these kinds before then.
 */
function unimplemented<K extends JobKind>(kind: K, feature: string): JobProcessor<K> {
  return defineProcessor(kind, async () => {
    throw new PermanentJobError(`${feature} is not implemented yet`);
  });
}

export const unimplementedProcessors: readonly JobProcessor[] = [unimplemented(gcJob, 'garbage collection')];
