import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';
import { ZPageParams } from '../system/harbor-listing.js';

/** Harbor's WorkerPool: one per worker process (apps/worker, or the core without Redis). */
export const ZWorkerPool = z
  .object({
    pid: z.number().int(),
    worker_pool_id: z.string(),
    start_at: z.string(),
    heartbeat_at: z.string(),
    concurrency: z.number().int(),
    host: z.string(),
  })
  .meta({ id: 'WorkerPool' });
export type WorkerPoolDto = z.infer<typeof ZWorkerPool>;

/** Harbor's Worker: one of a pool's slots, and the job it runs. */
export const ZWorker = z
  .object({
    id: z.string(),
    pool_id: z.string(),
    job_name: z.string(),
    job_id: z.string(),
    start_at: z.string().optional(),
    check_in: z.string(),
    checkin_at: z.string().optional(),
  })
  .meta({ id: 'Worker' });
export type WorkerDto = z.infer<typeof ZWorker>;

/** Harbor's JobQueue. */
export const ZJobQueue = z
  .object({
    job_type: z.string(),
    count: z.number().int(),
    /** Seconds the oldest waiting job has waited. */
    latency: z.number().int(),
    paused: z.boolean(),
  })
  .meta({ id: 'JobQueue' });
export type JobQueueDto = z.infer<typeof ZJobQueue>;

export const ZActionRequest = z.strictObject({
  action: z.enum(['stop', 'pause', 'resume'], { message: 'action must be stop, pause or resume' }),
});
export class ActionRequest extends zodDto(ZActionRequest) {}

/** Harbor's ScheduleTask. */
export const ZScheduleTask = z
  .object({
    id: z.number().int(),
    vendor_type: z.string(),
    vendor_id: z.number().int(),
    cron: z.string(),
    update_time: z.string(),
  })
  .meta({ id: 'ScheduleTask' });
export type ScheduleTaskDto = z.infer<typeof ZScheduleTask>;

export const ZSchedulerStatus = z.object({ paused: z.boolean() }).meta({ id: 'SchedulerStatus' });
export type SchedulerStatusDto = z.infer<typeof ZSchedulerStatus>;

export const ZListSchedulesQuery = z.strictObject({ ...ZPageParams });
export class ListSchedulesQuery extends zodDto(ZListSchedulesQuery) {}
