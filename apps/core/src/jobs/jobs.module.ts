import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Database } from '@berth/db';
import type { BlobDriver, RegistryServices } from '@berth/distribution';
import { JobRuntime, JobScheduleService, JobService, SecretBox } from '@berth/domain';
import { createJobQueue } from '@berth/queue';
import { redactDatabaseUrl as redactUrl, type BerthConfig } from '../config/config.js';
import { BERTH_CONFIG, DATABASE_URL } from '../config/config.constants.js';
import { BLOB_DRIVER, REGISTRY_SERVICES } from '../registry/registry.constants.js';
import { RegistryModule } from '../registry/registry.module.js';

/**
 * Starts the job runtime with the application and stops it before the database closes. Without
 * REDIS_URL the core is its own worker (pg-boss on its database: `pnpm start` needs nothing else);
 * with REDIS_URL it only creates, reads and controls executions, and apps/worker runs them.
 */
@Injectable()
export class JobsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');

  constructor(
    @Inject(JobRuntime) private readonly runtime: JobRuntime,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
    this.logger.log(
      this.config.redisUrl
        ? `jobs run on BullMQ (${redactUrl(this.config.redisUrl)}) by apps/worker`
        : 'jobs run in this process on pg-boss (REDIS_URL is unset)',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }
}

/** The job system for every module: `JobService` and `JobScheduleService` (docs/jobs.md). */
@Global()
@Module({
  imports: [RegistryModule],
  providers: [
    {
      provide: JobRuntime,
      inject: [Database, DATABASE_URL, BERTH_CONFIG, SecretBox, REGISTRY_SERVICES, BLOB_DRIVER],
      useFactory: (
        database: Database,
        databaseUrl: string,
        config: BerthConfig,
        secrets: SecretBox,
        registry: RegistryServices,
        blobDriver: BlobDriver,
      ) => {
        const logger = new Logger('Jobs');
        const log = {
          log: (message: string) => logger.log(message),
          warn: (message: string) => logger.warn(message),
          error: (message: string) => logger.error(message),
        };
        return new JobRuntime({
          database,
          queue: createJobQueue({
            redisUrl: config.redisUrl,
            databaseUrl,
            queuePrefix: config.jobs.queuePrefix,
            pgBossSchema: config.jobs.pgBossSchema,
            stallTimeoutMs: config.jobs.stallTimeoutMs,
            logger: log,
          }),
          role: config.redisUrl ? 'client' : 'worker',
          // In-process jobs change registry content through the API's own engine services.
          registry,
          // GC deletes bytes from the storage the registry writes to.
          blobDriver,
          gcWindows: config.gc,
          runner: {
            workerTimeoutMs: config.jobs.workerTimeoutMs,
            reconcileMs: config.jobs.reconcileMs,
            closeGraceMs: config.jobs.shutdownGraceMs,
          },
          webhooks: { secrets, allowPrivateTargets: config.allowPrivateTargets },
          externalUrl: config.externalUrl,
          logger: log,
        });
      },
    },
    { provide: JobService, inject: [JobRuntime], useFactory: (runtime: JobRuntime) => runtime.service },
    {
      provide: JobScheduleService,
      inject: [JobRuntime],
      useFactory: (runtime: JobRuntime) => runtime.schedules,
    },
    JobsLifecycle,
  ],
  exports: [JobRuntime, JobService, JobScheduleService],
})
export class JobsModule {}
