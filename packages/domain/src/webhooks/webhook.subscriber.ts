import type {
  Database,
  Notification,
  OutboxEntry,
  OutboxSubscriber,
  Task,
  WebhookPolicyRepository,
  WebhookSubscription,
} from '@berth/db';
import type { RegistryEvent } from '@berth/distribution';
import { webhookJob } from '@berth/jobs';
import type { JobService, PreparedExecution } from '../jobs/job.service.js';
import {
  artifactPayload,
  eventTypeOfRegistryEvent,
  formatBody,
  notificationPayload,
  projectOfRepository,
  type HarborPayload,
  type PayloadContext,
} from './webhook-payload.js';
import { DELIVERIES_KEPT_PER_POLICY, type WebhookEventType } from './webhook-types.js';

export interface WebhookSubscriberDeps {
  database: Database;
  policies: WebhookPolicyRepository;
  jobs: JobService;
  /**
   * `BERTH_EXTERNAL_URL`: resource URLs name its host. Null: the host the change was requested
   * at (a notice, which has no request, then names no host).
   */
  externalUrl: string | null;
  logger?: { warn(message: string): void };
}

/** Something that happened that a policy may be subscribed to. */
interface Occurrence {
  /** The event's own id: one delivery per event, policy and target however often it comes. */
  eventId: string;
  eventType: string;
  projectName: string;
  repository: string | null;
  occurredAt: Date;
  requestId: string;
  payload(context: PayloadContext): HarborPayload;
  registryHost: string;
}

interface Delivery {
  subscription: WebhookSubscription;
  targetIndex: number;
  occurrence: Occurrence;
  payload: HarborPayload;
}

/**
 * Turns outbox events into webhook deliveries: for each event a policy of its project is
 * subscribed to (enabled, with the event's type), one execution of the `webhook` job kind per
 * target (Harbor's model: vendor WEBHOOK, vendor id the policy, trigger EVENT, the formatted body in
 * `extra_attrs.payload`) with one task, queued after they commit. The events come from the registry
 * topic (pushes, pulls and deletions of artifacts, whichever way they were made) and the
 * notification topic (quota refusals and warnings, later retention, scans, replication).
 *
 * At least once, exactly once in effect: each execution's dedupe key is the policy, the target and
 * the event, so a redelivered batch creates nothing twice. It runs in the dispatcher's process (the
 * core); the deliveries run on the workers.
 */
export class WebhookSubscriber implements OutboxSubscriber {
  readonly name = 'webhooks';
  readonly topics = ['registry', 'notification'] as const;

  constructor(private readonly deps: WebhookSubscriberDeps) {}

  async handle(entries: OutboxEntry[]): Promise<void> {
    const occurrences = entries.flatMap((entry) => this.occurrencesOf(entry));
    if (occurrences.length === 0) return;
    const subscriptions = await this.deps.policies.subscriptions(
      unique(occurrences.map((occurrence) => occurrence.projectName)),
      unique(occurrences.map((occurrence) => occurrence.eventType)),
    );
    if (subscriptions.length === 0) return;

    const matched = occurrences.flatMap((occurrence) =>
      subscriptions
        .filter(
          (subscription) =>
            subscription.projectName === occurrence.projectName &&
            subscription.policy.eventTypes.includes(occurrence.eventType),
        )
        .map((subscription) => ({ occurrence, subscription })),
    );
    if (matched.length === 0) return;
    const repositories = await this.deps.policies.repositories(
      unique(matched.flatMap(({ occurrence }) => (occurrence.repository ? [occurrence.repository] : []))),
    );

    const deliveries: Delivery[] = [];
    for (const { occurrence, subscription } of matched) {
      const payload = occurrence.payload({
        projectPublic: subscription.projectPublic,
        repositoryCreated: occurrence.repository
          ? (repositories.get(occurrence.repository)?.creationTime ?? null)
          : null,
        registryHost: occurrence.registryHost,
      });
      subscription.policy.targets.forEach((_, targetIndex) =>
        deliveries.push({ subscription, targetIndex, occurrence, payload }),
      );
    }
    if (deliveries.length === 0) return;

    const prepared = await this.deps.database.transaction(async (tx) => {
      const created: PreparedExecution[] = [];
      for (const delivery of deliveries) {
        const execution = await this.createDelivery(tx, delivery);
        if (execution) created.push(execution);
      }
      await this.deps.policies.recordTriggers(
        tx,
        deliveries.map(({ subscription, occurrence }) => ({
          policyId: subscription.policy.id,
          eventType: occurrence.eventType,
          at: occurrence.occurredAt,
        })),
      );
      return created;
    });
    const queued: Task[] = prepared.filter((execution) => execution.created).flatMap((e) => e.tasks);
    await this.deps.jobs.enqueue(webhookJob, queued);

    const policyIds = unique(deliveries.map(({ subscription }) => subscription.policy.id.toString()));
    await this.deps.policies
      .trimExecutions(
        policyIds.map((id) => BigInt(id)),
        DELIVERIES_KEPT_PER_POLICY,
      )
      .catch((error: unknown) => {
        // Old deliveries stay until the next event of the policy: nothing is lost meanwhile.
        this.deps.logger?.warn(
          `webhooks: old deliveries not trimmed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  /**
   * The delivery's execution, or null when its task could never run (a target stored with an
   * address no task accepts): that is skipped with a warning, since throwing would hold up every
   * later event of the outbox for good.
   */
  private async createDelivery(
    tx: Parameters<JobService['createExecution']>[0],
    delivery: Delivery,
  ): Promise<PreparedExecution | null> {
    const { subscription, targetIndex, occurrence, payload } = delivery;
    const { policy } = subscription;
    const target = policy.targets[targetIndex]!;
    const task = {
      policyId: Number(policy.id),
      eventType: occurrence.eventType,
      eventId: occurrence.eventId,
      address: target.address,
    };
    if (!webhookJob.payload.safeParse(task).success) {
      this.deps.logger?.warn(
        `webhooks: policy ${policy.id} target ${targetIndex + 1} cannot be delivered to (its address is invalid); skipped`,
      );
      return null;
    }
    const body = formatBody(payload, target, {
      projectId: policy.projectId,
      policyId: policy.id,
      requestId: occurrence.requestId,
    });
    return this.deps.jobs.createExecution(tx, webhookJob, {
      trigger: 'EVENT',
      vendorId: policy.id,
      dedupeKey: `webhook:${policy.id}:${targetIndex}:${occurrence.eventId}`,
      extraAttrs: {
        event_type: occurrence.eventType,
        notify_type: target.type,
        payload_format: target.type === 'http' ? target.payloadFormat || 'Default' : '',
        content_type: body.contentType,
        payload: body.body,
      },
      tasks: [{ payload: task }],
    });
  }

  private occurrencesOf(entry: OutboxEntry): Occurrence[] {
    if (entry.topic === 'registry') {
      return entry.events.flatMap((event) => {
        const eventType = eventTypeOfRegistryEvent(event);
        return eventType ? [this.registryOccurrence(eventType, event)] : [];
      });
    }
    if (entry.topic === 'notification') {
      return [this.notificationOccurrence(entry.id, entry.occurredAt, entry.notification)];
    }
    return [];
  }

  private registryOccurrence(eventType: WebhookEventType, event: RegistryEvent): Occurrence {
    const repository = event.target.repository;
    const occurredAt = new Date(event.timestamp);
    return {
      eventId: event.id,
      eventType,
      projectName: projectOfRepository(repository),
      repository,
      occurredAt: Number.isNaN(occurredAt.getTime()) ? new Date() : occurredAt,
      requestId: event.request.id,
      registryHost: this.registryHost(event.request.host),
      payload: (context) => artifactPayload(eventType, event, context),
    };
  }

  private notificationOccurrence(id: string, occurredAt: Date, notification: Notification): Occurrence {
    return {
      eventId: id,
      eventType: notification.eventType,
      projectName: notification.projectName,
      repository: notification.repository,
      occurredAt,
      requestId: id,
      registryHost: this.registryHost(''),
      payload: (context) => notificationPayload(notification, occurredAt, context),
    };
  }

  /** `host[:port]` of the external URL, else of the request. */
  private registryHost(requestHost: string): string {
    if (this.deps.externalUrl) {
      try {
        return new URL(this.deps.externalUrl).host;
      } catch {
        return requestHost;
      }
    }
    return requestHost;
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
