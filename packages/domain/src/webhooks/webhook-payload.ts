import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Notification } from '@berth/db';
import { isManifestMediaType, parseDigest, type RegistryEvent } from '@berth/distribution';
import {
  CLOUD_EVENT_TYPES,
  WebhookEventType,
  isWebhookEventType,
  type NotifyType,
  type PayloadFormat,
} from './webhook-types.js';

/** One artifact an event concerns (Harbor's `Resource`). */
export interface HarborResource {
  digest?: string;
  tag?: string;
  resource_url?: string;
}

/** The repository an event concerns (Harbor's `Repository`); `date_created` in Unix seconds. */
export interface HarborRepository {
  date_created?: number;
  name: string;
  namespace: string;
  repo_full_name: string;
  repo_type: 'public' | 'private';
}

export interface HarborEventData {
  resources?: HarborResource[];
  repository?: HarborRepository;
  custom_attributes?: Record<string, string>;
  [field: string]: unknown;
}

/** Harbor's default webhook payload (`src/pkg/notifier/model/event.go`); `occur_at` in Unix seconds. */
export interface HarborPayload {
  type: string;
  occur_at: number;
  operator: string;
  event_data: HarborEventData;
}

/** What a payload needs to know beyond the event: the project's visibility, the repository's age. */
export interface PayloadContext {
  projectPublic: boolean;
  /** When the repository was created; null when it is gone (a deleted repository). */
  repositoryCreated: Date | null;
  /** `host[:port]` clients pull from, for `resource_url` (Harbor's external URL without scheme). */
  registryHost: string;
}

/**
 * Harbor's event type of a registry event, or null when Harbor sends none: a manifest pushed
 * (`docker push`, an API copy), pulled or deleted (through `/v2/`, the API, or with its repository)
 * fires; a tag added to or removed from an artifact that stays, a blob, a mount do not (Harbor
 * sends no webhook for its CREATE_TAG and DELETE_TAG events either).
 */
export function eventTypeOfRegistryEvent(event: RegistryEvent): WebhookEventType | null {
  const { mediaType } = event.target;
  const scope = event.scope ?? (mediaType && !isManifestMediaType(mediaType) ? 'blob' : 'artifact');
  if (scope !== 'artifact' || !event.target.digest) return null;
  switch (event.action) {
    case 'push':
      return WebhookEventType.PushArtifact;
    case 'pull':
      return WebhookEventType.PullArtifact;
    case 'delete':
      return WebhookEventType.DeleteArtifact;
    default:
      return null;
  }
}

/** The project a repository (`project/name`) belongs to. */
export function projectOfRepository(repository: string): string {
  const slash = repository.indexOf('/');
  return slash === -1 ? repository : repository.slice(0, slash);
}

function repositoryOf(repository: string, context: PayloadContext, withDate: boolean): HarborRepository {
  const slash = repository.indexOf('/');
  return {
    ...(withDate && context.repositoryCreated
      ? { date_created: Math.floor(context.repositoryCreated.getTime() / 1000) }
      : {}),
    name: slash === -1 ? repository : repository.slice(slash + 1),
    namespace: projectOfRepository(repository),
    repo_full_name: repository,
    repo_type: context.projectPublic ? 'public' : 'private',
  };
}

function unixSeconds(timestamp: string | Date): number {
  const time = new Date(timestamp).getTime();
  return Math.floor((Number.isNaN(time) ? Date.now() : time) / 1000);
}

/**
 * Harbor's payload of an artifact event: the resource is the tag it was reached by, or its digest
 * (which Harbor also puts in `tag`), with the URL to pull it by.
 */
export function artifactPayload(
  eventType: WebhookEventType,
  event: RegistryEvent,
  context: PayloadContext,
): HarborPayload {
  const { repository, digest, tag } = event.target;
  const reference = tag ?? digest ?? '';
  const separator = parseDigest(reference) ? '@' : ':';
  return {
    type: eventType,
    occur_at: unixSeconds(event.timestamp),
    operator: event.actor.name ?? 'anonymous',
    event_data: {
      resources: [
        {
          ...(digest ? { digest } : {}),
          tag: reference,
          resource_url: `${context.registryHost}/${repository}${separator}${reference}`,
        },
      ],
      repository: repositoryOf(repository, context, true),
    },
  };
}

/** Harbor's payload of a notice (quota, retention…): its repository, resources and event data. */
export function notificationPayload(
  notification: Notification,
  occurredAt: Date,
  context: PayloadContext,
): HarborPayload {
  const { repository, resources, eventData } = notification;
  return {
    type: notification.eventType,
    occur_at: unixSeconds(occurredAt),
    operator: notification.operator,
    event_data: {
      ...(resources.length > 0 ? { resources: resources.map((resource) => ({ ...resource })) } : {}),
      // Harbor's quota payload names the repository without its creation date.
      ...(repository ? { repository: repositoryOf(repository, context, false) } : {}),
      ...eventData,
    },
  };
}

/** A body to send and its content type. */
export interface FormattedBody {
  contentType: string;
  body: string;
}

export interface FormatContext {
  projectId: bigint;
  policyId: bigint;
  /** The request that caused the event, for CloudEvents' `requestid` extension. */
  requestId: string;
}

/**
 * The body a target receives: for `http`, Harbor's payload as JSON (`Default`) or a CloudEvents
 * 1.0 structured event whose `data` is the payload's `event_data` (`CloudEvents`, Harbor's
 * attributes and extensions); for `slack`, Harbor's Slack message (the payload in a code block).
 */
export function formatBody(
  payload: HarborPayload,
  target: { type: string; payloadFormat: string },
  context: FormatContext,
): FormattedBody {
  if ((target.type as NotifyType) === 'slack') return slackBody(payload);
  if ((target.payloadFormat as PayloadFormat) === 'CloudEvents') {
    const type = isWebhookEventType(payload.type) ? CLOUD_EVENT_TYPES[payload.type] : payload.type;
    return {
      contentType: 'application/cloudevents+json',
      body: JSON.stringify({
        specversion: '1.0',
        requestid: context.requestId,
        id: randomUUID(),
        source: `/projects/${context.projectId}/webhook/policies/${context.policyId}`,
        type,
        datacontenttype: 'application/json',
        time: new Date(payload.occur_at * 1000).toISOString().replace('.000Z', 'Z'),
        data: payload.event_data,
        operator: payload.operator,
      }),
    };
  }
  return { contentType: 'application/json', body: JSON.stringify(payload) };
}

/** Harbor's Slack message (`slack_handler.go`'s template), built as JSON rather than by text. */
function slackBody(payload: HarborPayload): FormattedBody {
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
  return {
    contentType: 'application/json',
    body: JSON.stringify({
      blocks: [
        section('*Harbor webhook events*'),
        section(`*event_type:* ${payload.type}`),
        section(
          `*occur_at:* <!date^${payload.occur_at}^{date} at {time}|${new Date(payload.occur_at * 1000).toISOString()}>`,
        ),
        section(`*operator:* ${payload.operator}`),
        section('*event_data:*'),
        section('```' + JSON.stringify(payload.event_data, null, '\t') + '```'),
      ],
    }),
  };
}

/** The signature header's value: `sha256=` and the hex HMAC-SHA256 of the exact body bytes. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A new policy's signing secret: 32 random bytes, hex. */
export function newSigningSecret(): string {
  return randomBytes(32).toString('hex');
}
