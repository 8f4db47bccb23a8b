import type { JobQueue } from '@berth/jobs';
import type { QueueLogger } from './adapter-support.js';
import { BullMqJobQueue } from './bullmq-job-queue.js';
import type { JobSettings } from './job-settings.js';
import { PgBossJobQueue } from './pg-boss-job-queue.js';

/** BullMQ when the settings name a Redis, else pg-boss on `databaseUrl`. */
export function createJobQueue(settings: JobSettings, databaseUrl: string, logger?: QueueLogger): JobQueue {
  if (settings.redisUrl) {
    return new BullMqJobQueue({
      redisUrl: settings.redisUrl,
      prefix: settings.queuePrefix,
      stallTimeoutMs: settings.stallTimeoutMs,
      ...(logger ? { logger } : {}),
    });
  }
  return new PgBossJobQueue({
    databaseUrl,
    schema: settings.pgBossSchema,
    stallTimeoutMs: settings.stallTimeoutMs,
    ...(logger ? { logger } : {}),
  });
}
