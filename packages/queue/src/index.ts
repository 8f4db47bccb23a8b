export { BullMqJobQueue, type BullMqJobQueueOptions } from './bullmq-job-queue.js';
export { PgBossJobQueue, type PgBossJobQueueOptions } from './pg-boss-job-queue.js';
export { createJobQueue, type JobQueueSettings } from './create-job-queue.js';
export type { QueueLogger } from './adapter-support.js';
