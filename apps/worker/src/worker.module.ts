import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { join } from 'node:path';
import { Database, ImmutableRuleRepository, PgMetadataStore } from '@berth/db';
import { createRegistryServices, FilesystemBlobDriver, type RegistryServices } from '@berth/distribution';
import { ImmutableTagPolicy, JobRuntime, SecretBox, readInstanceKey } from '@berth/domain';
import type { JobKind, JobProcessor } from '@berth/jobs';
import { createJobQueue } from '@berth/queue';
import type { WorkerConfig } from './worker.config.js';

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

export interface WorkerModuleOptions {
  config: WorkerConfig;
  /** The product's kinds and processors unless given (test workers declare their own). */
  kinds?: readonly JobKind[];
  processors?: readonly JobProcessor[];
}

/** Starts the job runtime once the context is up; at shutdown, stops it before the database closes. */
@Injectable()
export class WorkerLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(JobRuntime) private readonly runtime: JobRuntime,
    @Inject(Database) private readonly database: Database,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/**
 * The worker: the process's database, and the job runtime in its worker role (every kind's
 * processor, the scheduler, heartbeats and repairs) on the queue the configuration names.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        {
          provide: Database,
          useFactory: () => new Database(config.databaseUrl, { applicationName: 'berth-worker' }),
        },
        {
          provide: JobRuntime,
          inject: [Database],
          useFactory: (database: Database) => {
            // The engine's services over the core's storage and database, so the worker's deletions
            // (retention) keep quotas, references and events right. Immutability rules are read at
            // every check: a worker's changes are few, and it listens for no rule changes.
            const blobDriver = new FilesystemBlobDriver(join(config.dataDir, 'storage'));
            const registry: RegistryServices = createRegistryServices({
              blobs: blobDriver,
              metadata: new PgMetadataStore(database),
              tagPolicy: new ImmutableTagPolicy(new ImmutableRuleRepository(database), {
                unlistenedMaxAgeMs: 0,
              }),
            });
            const logger = new Logger('Jobs');
            const log = {
              log: (message: string) => logger.log(message),
              warn: (message: string) => logger.warn(message),
              error: (message: string) => logger.error(message),
            };
            // The core's instance key opens the webhook policies' secrets; the worker never makes one.
            const instanceKey = readInstanceKey(config.secretKey, config.dataDir);
            if (!instanceKey) {
              logger.warn(
                'no instance key (BERTH_SECRET_KEY, or secret.key in BERTH_DATA_DIR): webhook deliveries will fail',
              );
            }
            return new JobRuntime({
              database,
              queue: createJobQueue({
                redisUrl: config.redisUrl,
                databaseUrl: config.databaseUrl,
                queuePrefix: config.jobs.queuePrefix,
                pgBossSchema: config.jobs.pgBossSchema,
                stallTimeoutMs: config.jobs.stallTimeoutMs,
                logger: log,
              }),
              role: 'worker',
              registry,
              // GC deletes bytes from the core's storage (the same BERTH_DATA_DIR).
              blobDriver,
              gcWindows: config.gc,
              ...(options.kinds ? { kinds: options.kinds } : {}),
              ...(options.processors ? { processors: options.processors } : {}),
              runner: {
                workerTimeoutMs: config.jobs.workerTimeoutMs,
                reconcileMs: config.jobs.reconcileMs,
                closeGraceMs: config.jobs.shutdownGraceMs,
              },
              webhooks: {
                secrets: instanceKey ? new SecretBox(instanceKey) : null,
                allowPrivateTargets: config.allowPrivateTargets,
              },
              externalUrl: config.externalUrl,
              logger: log,
            });
          },
        },
        WorkerLifecycle,
      ],
      exports: [JobRuntime, Database],
    };
  }
}
