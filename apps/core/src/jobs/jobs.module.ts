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
import { JobRuntime, JobScheduleService, JobService } from '@berth/domain';
import { createJobQueue, parseJobSettings, redactRedisUrl, type JobSettings } from '@berth/queue';
import { DATABASE_URL } from '../config/config.constants.js';

/** DI token for the job settings (REDIS_URL and the job timings, see `parseJobSettings`). */
export const JOB_SETTINGS = Symbol('JOB_SETTINGS');

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
    @Inject(JOB_SETTINGS) private readonly settings: JobSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
    this.logger.log(
      this.settings.redisUrl
        ? `jobs run on BullMQ (${redactRedisUrl(this.settings.redisUrl)}) by apps/worker`
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
  providers: [
    { provide: JOB_SETTINGS, useFactory: () => parseJobSettings(process.env) },
    {
      provide: JobRuntime,
      inject: [Database, DATABASE_URL, JOB_SETTINGS],
      useFactory: (database: Database, databaseUrl: string, settings: JobSettings) => {
        const logger = new Logger('Jobs');
        const log = {
          log: (message: string) => logger.log(message),
          warn: (message: string) => logger.warn(message),
          error: (message: string) => logger.error(message),
        };
        return new JobRuntime({
          database,
          queue: createJobQueue(settings, databaseUrl, log),
          role: settings.redisUrl ? 'client' : 'worker',
          runner: {
            workerTimeoutMs: settings.workerTimeoutMs,
            reconcileMs: settings.reconcileMs,
            closeGraceMs: settings.shutdownGraceMs,
          },
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
  exports: [JOB_SETTINGS, JobRuntime, JobService, JobScheduleService],
})
export class JobsModule {}
