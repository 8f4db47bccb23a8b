import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  AuditLogRepository,
  Database,
  OutboxDispatcher,
  PullStatisticsRepository,
  WebhookPolicyRepository,
} from '@berth/db';
import { AuditLogSubscriber, JobService, PullStatisticsSubscriber, WebhookSubscriber } from '@berth/domain';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { RegistryEventBatcher } from './registry-event-batcher.js';

/**
 * Runs this process's outbox dispatcher (only one process on a database delivers at a time; the
 * others stand by) with the core's subscribers: the audit log, pull statistics and webhooks.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly dispatcher: OutboxDispatcher;
  private stopListening: () => void = () => undefined;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(AuditLogRepository) auditLog: AuditLogRepository,
    @Inject(PullStatisticsRepository) statistics: PullStatisticsRepository,
    @Inject(RegistryEventBatcher) private readonly pulls: RegistryEventBatcher,
    @Inject(WebhookPolicyRepository) webhookPolicies: WebhookPolicyRepository,
    @Inject(JobService) jobs: JobService,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    const webhooks = new WebhookSubscriber({
      database,
      policies: webhookPolicies,
      jobs,
      externalUrl: config.externalUrl,
      logger: { warn: (message) => this.logger.warn(message) },
    });
    this.dispatcher = new OutboxDispatcher(
      database,
      [new AuditLogSubscriber(auditLog), new PullStatisticsSubscriber(statistics), webhooks],
      {
        logger: {
          warn: (message) => this.logger.warn(message),
          error: (message) => this.logger.error(message),
        },
      },
    );
  }

  onApplicationBootstrap(): void {
    this.pulls.onWritten = () => this.dispatcher.nudge();
    this.stopListening = this.database.onCommit(() => this.dispatcher.nudge());
    this.dispatcher.start();
  }

  /** Something was just committed to the outbox: deliver soon rather than at the next poll. */
  nudge(): void {
    this.dispatcher.nudge();
  }

  /** Delivers everything ready now (when this process is the dispatcher). */
  drain(): Promise<void> {
    return this.dispatcher.drain();
  }

  /** After the HTTP server closed and the last pulls were flushed: deliver them, then step down. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopListening();
    await this.pulls.stop();
    await this.dispatcher.drain().catch((error: unknown) => {
      this.logger.warn(
        `outbox not drained at shutdown: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    await this.dispatcher.stop();
  }
}
