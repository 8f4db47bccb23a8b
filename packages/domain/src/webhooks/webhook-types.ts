/**
 * Harbor's webhook vocabulary: event types, notify (target) types and payload formats, in the
 * order Harbor's `GET /projects/{p}/webhook/events` lists them.
 */
export const WebhookEventType = {
  PushArtifact: 'PUSH_ARTIFACT',
  PullArtifact: 'PULL_ARTIFACT',
  DeleteArtifact: 'DELETE_ARTIFACT',
  QuotaExceed: 'QUOTA_EXCEED',
  QuotaWarning: 'QUOTA_WARNING',
  ScanningFailed: 'SCANNING_FAILED',
  ScanningStopped: 'SCANNING_STOPPED',
  ScanningCompleted: 'SCANNING_COMPLETED',
  Replication: 'REPLICATION',
  TagRetention: 'TAG_RETENTION',
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = Object.values(WebhookEventType);

/** `http` posts the payload as is; `slack` posts it as a Slack message (Harbor's two). */
export const NOTIFY_TYPES = ['http', 'slack'] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];

/** Payload formats of `http` targets: Harbor's own JSON, or a CloudEvents 1.0 structured event. */
export const PAYLOAD_FORMATS = ['Default', 'CloudEvents'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/** CloudEvents `type` of each event type, Harbor's (`src/pkg/notifier/formats/cloudevents.go`). */
export const CLOUD_EVENT_TYPES: Record<WebhookEventType, string> = {
  PUSH_ARTIFACT: 'harbor.artifact.pushed',
  PULL_ARTIFACT: 'harbor.artifact.pulled',
  DELETE_ARTIFACT: 'harbor.artifact.deleted',
  QUOTA_EXCEED: 'harbor.quota.exceeded',
  QUOTA_WARNING: 'harbor.quota.warned',
  SCANNING_FAILED: 'harbor.scan.failed',
  SCANNING_STOPPED: 'harbor.scan.stopped',
  SCANNING_COMPLETED: 'harbor.scan.completed',
  REPLICATION: 'harbor.replication.status.changed',
  TAG_RETENTION: 'harbor.tag_retention.finished',
};

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The header carrying the HMAC-SHA256 of the exact body bytes, keyed with the policy's signing
 * secret: `sha256=<hex>` (Harbor signs nothing; the name follows Harbor's `X-Harbor-*` headers).
 */
export const SIGNATURE_HEADER = 'X-Harbor-Signature';

/** Finished deliveries kept per policy (Harbor's `WEBHOOK_EXECUTION_RETENTION_COUNT`). */
export const DELIVERIES_KEPT_PER_POLICY = 50;
