import type { AuditLogRepository } from '@berth/db';
import type { JobProcessor } from '@berth/jobs';
import { purgeAuditProcessor } from './purge-audit.processor.js';
import { unimplementedProcessors } from './unimplemented.processors.js';

export { purgeAuditProcessor, type PurgeAuditOptions } from './purge-audit.processor.js';

export interface ProductProcessorDeps {
  auditLog: AuditLogRepository;
}

/** One processor per kind of `JOB_KINDS`, as the worker (and the core without Redis) runs them. */
export function createProductProcessors(deps: ProductProcessorDeps): JobProcessor[] {
  return [purgeAuditProcessor(deps.auditLog), ...unimplementedProcessors];
}
