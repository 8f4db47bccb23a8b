export {
  CLOUD_EVENT_TYPES,
  DELIVERIES_KEPT_PER_POLICY,
  NOTIFY_TYPES,
  PAYLOAD_FORMATS,
  SIGNATURE_HEADER,
  WEBHOOK_EVENT_TYPES,
  WebhookEventType,
  isWebhookEventType,
  type NotifyType,
  type PayloadFormat,
} from './webhook-types.js';
export {
  artifactPayload,
  eventTypeOfRegistryEvent,
  formatBody,
  newSigningSecret,
  notificationPayload,
  projectOfRepository,
  signBody,
  type FormatContext,
  type FormattedBody,
  type HarborEventData,
  type HarborPayload,
  type HarborRepository,
  type HarborResource,
  type PayloadContext,
} from './webhook-payload.js';
export { WebhookSubscriber, type WebhookSubscriberDeps } from './webhook.subscriber.js';
export {
  tagRetentionNotice,
  type RetainedArtifactChange,
  type RetentionRuleInfo,
  type TagRetentionRun,
} from './webhook-notices.js';
