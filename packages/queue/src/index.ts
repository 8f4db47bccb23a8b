export { BullMqJobQueue, type BullMqJobQueueOptions } from './bullmq-job-queue.js';
export { PgBossJobQueue, type PgBossJobQueueOptions } from './pg-boss-job-queue.js';
export { createJobQueue } from './create-job-queue.js';
export { JobSettingsError, parseJobSettings, redactRedisUrl, type JobSettings } from './job-settings.js';
export type { QueueLogger } from './adapter-support.js';
