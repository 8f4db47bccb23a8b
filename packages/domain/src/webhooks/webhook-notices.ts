import { randomUUID } from 'node:crypto';
import type { OutboxMessage } from '@berth/db';
import { WebhookEventType } from './webhook-types.js';

/**
 * Notices for webhooks from features that are no registry change, as outbox messages. A feature
 * appends one in the transaction that records what it reports (`OutboxRepository.append(tx, [...])`),
 * so the notice goes exactly when that commits; `WebhookSubscriber` turns it into deliveries.
 */

/** An artifact a retention run deleted (Harbor's `ArtifactInfo`). */
export interface RetainedArtifactChange {
  repository: string;
  digest: string;
  /** The tag it was reached by; Harbor names an untagged artifact by digest. */
  tag?: string;
  /** Harbor's artifact type (`image`, `chart`…). */
  type?: string;
}

/** A rule of the retention policy, in Harbor's wire names (`template`, `params`, selectors). */
export type RetentionRuleInfo = Record<string, unknown>;

export interface TagRetentionRun {
  projectName: string;
  policyId: bigint;
  /** Who started it (a user, or `schedule`). */
  operator: string;
  /** Artifacts the run considered and kept. */
  total: number;
  retained: number;
  /** Harbor's result: `SUCCESS` or `FAILED`. */
  status: string;
  deleted: RetainedArtifactChange[];
  rules: RetentionRuleInfo[];
  /** The registry's host name (Harbor's `harbor_hostname`). */
  registryHost: string;
}

/**
 * TAG_RETENTION for a finished retention run that deleted something (Harbor sends none for a dry
 * run or a run that deleted nothing, and neither should the caller), in Harbor's `retention` shape.
 */
export function tagRetentionNotice(run: TagRetentionRun, occurredAt = new Date()): OutboxMessage {
  return {
    topic: 'notification',
    id: randomUUID(),
    occurredAt,
    notification: {
      eventType: WebhookEventType.TagRetention,
      projectName: run.projectName,
      repository: null,
      resources: [],
      operator: run.operator,
      eventData: {
        retention: {
          total: run.total,
          retained: run.retained,
          harbor_hostname: run.registryHost.split(':')[0],
          project_name: run.projectName,
          retention_policy_id: Number(run.policyId),
          retention_rule: run.rules,
          result: run.status,
          deleted_artifact: run.deleted.map((artifact) => ({
            type: artifact.type ?? 'image',
            status: run.status,
            name_tag: artifact.tag
              ? `${artifact.repository}:${artifact.tag}`
              : `${artifact.repository}@${artifact.digest}`,
            references: [],
          })),
        },
      },
    },
  };
}
