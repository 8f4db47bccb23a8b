import { z } from 'zod';
import { defineJobKind, indexJobKinds, type JobKind } from './job-kind.js';

/*
 * Every job kind of the product, declared once. A worker refuses to boot unless each has exactly
 * one processor (`assertProcessors`). The payloads of `gc`, `retention` and `webhook` are their
 * first shape: the features that implement them may extend them (a queued job's payload must stay
 * readable by the next release, so add optional fields, never rename).
 */

const ZId = z.number().int().positive();

/** Harbor's GC parameters (`delete_untagged`, `dry_run`, `workers`) in the domain's names. */
export const ZGcPayload = z
  .object({
    dryRun: z.boolean().default(false),
    deleteUntagged: z.boolean().default(false),
    workers: z.number().int().min(1).max(5).default(1),
  })
  .strict();
export type TGcPayload = z.output<typeof ZGcPayload>;

export const gcJob = defineJobKind({
  name: 'gc',
  vendorType: 'GARBAGE_COLLECTION',
  description: 'Deletes blobs and manifests nothing references.',
  payload: ZGcPayload,
  execution: 'one',
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 30_000 },
  exclusive: true,
});

/** Harbor's audit purge parameters: `audit_retention_hour`, `include_operations`, `dry_run`. */
export const ZPurgeAuditPayload = z
  .object({
    /** Entries older than this many hours go. */
    retentionHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365 * 100),
    /** Only entries of these operations (`create`, `delete`, `pull`…); empty or absent: every operation. */
    includeOperations: z.array(z.string().min(1).max(64)).max(32).default([]),
    dryRun: z.boolean().default(false),
  })
  .strict();
export type TPurgeAuditPayload = z.output<typeof ZPurgeAuditPayload>;

export const purgeAuditJob = defineJobKind({
  name: 'purge_audit',
  vendorType: 'PURGE_AUDIT_LOG',
  description: 'Deletes audit log entries older than the retention window.',
  payload: ZPurgeAuditPayload,
  execution: 'one',
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 10_000 },
  exclusive: true,
});

/** One repository's share of a retention run (Harbor runs a task per repository). */
export const ZRetentionPayload = z
  .object({
    policyId: ZId,
    /** The repository's full name (`project/name`). */
    repository: z.string().min(1).max(512),
    dryRun: z.boolean().default(false),
    /**
     * The policy's rules that apply to the repository, as they were when the run started (Harbor's
     * job carries them too), so editing the policy meanwhile does not change a run. Their shape is
     * the retention feature's; its processor checks them before it acts.
     */
    rules: z.array(z.unknown()).max(15),
  })
  .strict();
export type TRetentionPayload = z.output<typeof ZRetentionPayload>;

export const retentionJob = defineJobKind({
  name: 'retention',
  vendorType: 'RETENTION',
  description: 'Applies a tag retention policy to one repository.',
  payload: ZRetentionPayload,
  execution: 'many',
  concurrency: 2,
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 10_000 },
  // Two runs on one repository would race on its tags; different repositories may run together.
  exclusive: (payload) => `repository:${payload.repository}`,
});

/**
 * One delivery of one event to one target of a webhook policy. The body to send is the execution's
 * `extra_attrs.payload` (formatted when the event fired, so every attempt sends the same bytes);
 * the target's credentials are read from the policy when it runs.
 */
export const ZWebhookPayload = z
  .object({
    policyId: ZId,
    /** Harbor's event type (`PUSH_ARTIFACT`…). */
    eventType: z.string().min(1).max(64),
    /** The event it delivers (an outbox event's id), so a redelivered event is sent once. */
    eventId: z.string().min(1).max(128),
    /** The target's address when the event fired: the delivery goes to the policy's target with it. */
    address: z.string().min(1).max(2048),
  })
  .strict();
export type TWebhookPayload = z.output<typeof ZWebhookPayload>;

export const webhookJob = defineJobKind({
  name: 'webhook',
  vendorType: 'WEBHOOK',
  description: 'Delivers one event to one webhook target.',
  payload: ZWebhookPayload,
  execution: 'one',
  concurrency: 5,
  // Retries 2 s, 4 s, … 128 s apart (doubled with jitter on pg-boss): about 4 to 8 minutes in all,
  // enough for a receiver's restart, short enough that events are not sent long after the fact.
  attempts: 8,
  backoff: { type: 'exponential', delayMs: 2000 },
});

/** Every kind, in the order the job service lists them. */
export const JOB_KINDS = [
  gcJob,
  purgeAuditJob,
  retentionJob,
  webhookJob,
] as const satisfies readonly JobKind[];

export type ProductJobKind = (typeof JOB_KINDS)[number];

/** The product's kinds by name (the index also proves names and vendor types are unique). */
export const JOB_KINDS_BY_NAME: ReadonlyMap<string, ProductJobKind> = indexJobKinds(JOB_KINDS);
