import {
  AdvisoryLocks,
  AuditLogRepository,
  ExecutionRepository,
  GcRepository,
  ImmutableRuleRepository,
  JobWorkerRepository,
  OutboxRepository,
  RetentionRepository,
  ScheduleRepository,
  TaskLogRepository,
  TaskRepository,
  WebhookPolicyRepository,
  type Database,
} from '@berth/db';
import type { BlobDriver, RegistryServices } from '@berth/distribution';
import type { GcWindows } from '../gc/gc-decision.js';
import { JOB_KINDS, retentionJob, type JobKind, type JobProcessor, type JobQueue } from '@berth/jobs';
import { RetentionLauncher } from '../retention/retention-launcher.js';
import { retentionFinalHook } from '../retention/retention-notice.js';
import { JobScheduleService } from './job-schedule.service.js';
import { JobRunner, type JobRunnerOptions, type RunnerLogger } from './job-runner.js';
import { JobService } from './job.service.js';
import type { AddressRange } from '../net/address-policy.js';
import { OutboundTargetGuard } from '../net/target-guard.js';
import { createProductProcessors, type SecretOpener } from './processors/index.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

export interface JobRuntimeOptions {
  database: Database;
  /** The queue, owned by the runtime from here on (it closes it). */
  queue: JobQueue;
  /**
   * `worker` runs the processors and fires schedules (apps/worker, and the core when it runs without
   * Redis); `client` only creates, reads and controls executions (the core beside workers).
   */
  role: 'worker' | 'client';
  /** `JOB_KINDS` unless a test declares its own. */
  kinds?: readonly JobKind[];
  /** The product's processors unless given; the runner refuses to start unless each kind has one. */
  processors?: readonly JobProcessor[];
  /**
   * The engine's services the product's processors change registry content through (retention's
   * deletions), so quotas, references and events stay right. Required in the worker role unless
   * `processors` are given.
   */
  registry?: RegistryServices;
  /** The blob storage of `registry`, for GC's byte deletions; without it GC runs end in Error. */
  blobDriver?: BlobDriver;
  /** GC's grace window and upload age (`BERTH_GC_*`); the defaults when absent. */
  gcWindows?: GcWindows;
  runner?: JobRunnerOptions;
  scheduler?: SchedulerOptions;
  logger?: RunnerLogger;
  /** What webhook deliveries need (a worker's): without it they end in Error saying so. */
  webhooks?: WebhookDeliverySettings;
  /** `BERTH_EXTERNAL_URL`: the host notices of finished runs name (Harbor's `harbor_hostname`). */
  externalUrl?: string | null;
}

export interface WebhookDeliverySettings {
  /** Opens the policies' sealed secrets: the core's `SecretBox` on the same instance key. */
  secrets: SecretOpener | null;
  /** `BERTH_ALLOW_PRIVATE_TARGETS`. */
  allowPrivateTargets: readonly AddressRange[];
  /** One delivery attempt's time limit; 10 s by default. */
  timeoutMs?: number;
}

/**
 * The job system wired on one database and one queue: the service (and schedules) for everyone,
 * plus the runner and the scheduler in a worker. Framework-free, so apps/worker and apps/core wire it
 * the same way.
 */
export class JobRuntime {
  readonly service: JobService;
  readonly schedules: JobScheduleService;
  readonly runner: JobRunner | null;
  readonly scheduler: Scheduler | null;
  private readonly queue: JobQueue;
  private started = false;
  private stopped: Promise<void> | null = null;

  constructor(options: JobRuntimeOptions) {
    const { database, queue } = options;
    const tasks = new TaskRepository(database);
    const logs = new TaskLogRepository(database);
    const scheduleRepository = new ScheduleRepository(database);
    this.queue = queue;
    this.service = new JobService({
      database,
      executions: new ExecutionRepository(database),
      tasks,
      logs,
      queue,
      kinds: options.kinds ?? JOB_KINDS,
      ...(options.logger ? { logger: options.logger } : {}),
      // Whichever process makes a run final (a worker, or the core stopping it) reports its end.
      onExecutionFinal: new Map([
        [
          retentionJob.name,
          retentionFinalHook({
            tasks,
            outbox: new OutboxRepository(database),
            registryHost: hostOf(options.externalUrl),
          }),
        ],
      ]),
    });
    this.schedules = new JobScheduleService(scheduleRepository);
    if (options.role === 'worker') {
      const processors = options.processors ?? productProcessors(database, options);
      this.runner = new JobRunner(
        {
          service: this.service,
          queue,
          tasks,
          logs,
          workers: new JobWorkerRepository(database),
          locks: new AdvisoryLocks(database),
        },
        processors,
        {
          ...options.runner,
          ...(options.logger && !options.runner?.logger ? { logger: options.logger } : {}),
        },
      );
      this.scheduler = new Scheduler(
        { database, schedules: scheduleRepository, service: this.service },
        {
          ...options.scheduler,
          // Retention lists a policy's repositories when its schedule fires.
          launchers: new Map([
            [retentionJob.name, new RetentionLauncher(new RetentionRepository(database)).scheduleLauncher],
            ...(options.scheduler?.launchers ?? []),
          ]),
          ...(options.logger && !options.scheduler?.logger ? { logger: options.logger } : {}),
        },
      );
    } else {
      this.runner = null;
      this.scheduler = null;
    }
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.runner?.start();
    this.scheduler?.start();
  }

  /** Stops firing schedules, lets running tasks finish or hands them back, closes the queue. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.scheduler?.stop();
      if (this.runner && this.started) await this.runner.stop();
      else await this.queue.close({ graceMs: 0 });
    })();
    return this.stopped;
  }
}

function productProcessors(database: Database, options: JobRuntimeOptions): JobProcessor[] {
  const registry = options.registry;
  if (!registry) {
    throw new Error(
      "the job runtime's worker needs the engine's services (registry) to run the product's jobs",
    );
  }
  return createProductProcessors({
    auditLog: new AuditLogRepository(database),
    retention: new RetentionRepository(database),
    immutableRules: new ImmutableRuleRepository(database),
    registry,
    gc: new GcRepository(database),
    blobs: options.blobDriver ?? null,
    ...(options.gcWindows ? { gcWindows: options.gcWindows } : {}),
    webhooks: {
      policies: new WebhookPolicyRepository(database),
      secrets: options.webhooks?.secrets ?? null,
      guard: new OutboundTargetGuard({ allowPrivateTargets: options.webhooks?.allowPrivateTargets ?? [] }),
      ...(options.webhooks?.timeoutMs ? { timeoutMs: options.webhooks.timeoutMs } : {}),
    },
  });
}

function hostOf(url: string | null | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
