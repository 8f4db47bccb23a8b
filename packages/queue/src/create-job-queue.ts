import type { JobQueue } from '@berth/jobs';
import type { QueueLogger } from './adapter-support.js';
import { BullMqJobQueue } from './bullmq-job-queue.js';
import { PgBossJobQueue } from './pg-boss-job-queue.js';

export interface JobQueueSettings {
  /** BullMQ on this Redis; null: pg-boss on `databaseUrl`. */
  redisUrl: string | null;
  databaseUrl: string;
  /** BullMQ's key prefix. */
  queuePrefix: string;
  /** pg-boss's schema. */
  pgBossSchema: string;
  /** How long after a worker's death its job runs again elsewhere. */
  stallTimeoutMs: number;
  logger?: QueueLogger;
}

/** The engine the settings name: BullMQ when there is a Redis, else pg-boss on the database. */
export function createJobQueue(settings: JobQueueSettings): JobQueue {
  const logger = settings.logger ? { logger: settings.logger } : {};
  if (settings.redisUrl) {
    return new BullMqJobQueue({
      redisUrl: settings.redisUrl,
      prefix: settings.queuePrefix,
      stallTimeoutMs: settings.stallTimeoutMs,
      ...logger,
    });
  }
  return new PgBossJobQueue({
    databaseUrl: settings.databaseUrl,
    schema: settings.pgBossSchema,
    stallTimeoutMs: settings.stallTimeoutMs,
    ...logger,
  });
}
