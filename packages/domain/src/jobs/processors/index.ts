import type {
  AuditLogRepository,
  GcRepository,
  ImmutableRuleRepository,
  RetentionRepository,
} from '@berth/db';
import type { BlobDriver } from '@berth/distribution';
import { PermanentJobError, defineProcessor, webhookJob, type JobProcessor } from '@berth/jobs';
import { retentionProcessor, type RetentionProcessorDeps } from '../../retention/retention.processor.js';
import { purgeAuditProcessor } from './purge-audit.processor.js';
import { gcProcessor } from '../../gc/gc.processor.js';
import type { GcWindows } from '../../gc/gc-decision.js';
import { webhookProcessor, type WebhookProcessorDeps } from './webhook.processor.js';

export { purgeAuditProcessor, type PurgeAuditOptions } from './purge-audit.processor.js';
export { webhookProcessor, type SecretOpener, type WebhookProcessorDeps } from './webhook.processor.js';

export interface ProductProcessorDeps {
  auditLog: AuditLogRepository;
  /** Absent: deliveries end in Error saying this process cannot send them. */
  webhooks?: WebhookProcessorDeps;
  retention: RetentionRepository;
  immutableRules: ImmutableRuleRepository;
  /** The engine's services, through which processors change registry content. */
  registry: RetentionProcessorDeps['registry'];
  gc: GcRepository;
  /** The blob storage GC deletes bytes from; null: GC runs end in Error saying so. */
  blobs: BlobDriver | null;
  /** GC's grace window and upload age (`BERTH_GC_*`); the defaults when absent. */
  gcWindows?: GcWindows;
}

/** One processor per kind of `JOB_KINDS`, as the worker (and the core without Redis) runs them. */
export function createProductProcessors(deps: ProductProcessorDeps): JobProcessor[] {
  const webhooks = deps.webhooks
    ? webhookProcessor(deps.webhooks)
    : defineProcessor(webhookJob, async () => {
        throw new PermanentJobError('webhook delivery is not configured in this process');
      });
  return [
    purgeAuditProcessor(deps.auditLog),
    retentionProcessor({
      retention: deps.retention,
      immutableRules: deps.immutableRules,
      registry: deps.registry,
    }),
    webhooks,
    gcProcessor({
      gc: deps.gc,
      registry: deps.registry,
      blobs: deps.blobs,
      ...(deps.gcWindows ? { windows: deps.gcWindows } : {}),
    }),
  ];
}
