import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

export type JobQueue = Schema<'JobQueue'>;
export type WorkerPool = Schema<'WorkerPool'>;
export type JobWorker = Schema<'Worker'>;
export type ScheduleTask = Schema<'ScheduleTask'>;
export type QueueAction = 'stop' | 'pause' | 'resume';

/** Harbor's job type of the scheduler: pausing or resuming it holds or releases every schedule. */
export const SCHEDULER_JOB_TYPE = 'SCHEDULER';
/** Harbor's name for every job type (queue actions) and every pool (workers). */
export const ALL = 'all';

/** Query keys of the job service dashboard. */
export const jobServiceKeys = {
  all: ['jobservice'] as const,
  queues: () => [...jobServiceKeys.all, 'queues'] as const,
  pools: () => [...jobServiceKeys.all, 'pools'] as const,
  workers: (poolId: string) => [...jobServiceKeys.all, 'workers', poolId] as const,
  schedules: (page: number, pageSize: number) =>
    [...jobServiceKeys.all, 'schedules', page, pageSize] as const,
  schedulesPaused: () => [...jobServiceKeys.all, 'schedules-paused'] as const,
  jobLog: (jobId: string) => [...jobServiceKeys.all, 'job-log', jobId] as const,
};

export const jobQueuesQuery = (client: BerthClient, refetchInterval: number | false) =>
  queryOptions({
    queryKey: jobServiceKeys.queues(),
    queryFn: async () => unwrap(await client.api.GET('/jobservice/queues')),
    refetchInterval,
  });

export const workerPoolsQuery = (client: BerthClient, refetchInterval: number | false) =>
  queryOptions({
    queryKey: jobServiceKeys.pools(),
    queryFn: async () => unwrap(await client.api.GET('/jobservice/pools')),
    refetchInterval,
  });

export const workersQuery = (client: BerthClient, poolId: string, refetchInterval: number | false) =>
  queryOptions({
    queryKey: jobServiceKeys.workers(poolId),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/jobservice/pools/{pool_id}/workers', {
          params: { path: { pool_id: poolId } },
        }),
      ),
    refetchInterval,
  });

export const schedulesQuery = (
  client: BerthClient,
  page: number,
  pageSize: number,
  refetchInterval: number | false,
) =>
  queryOptions({
    queryKey: jobServiceKeys.schedules(page, pageSize),
    queryFn: async () => {
      const result = await client.api.GET('/schedules', {
        params: { query: { page, page_size: pageSize } },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
    refetchInterval,
  });

export const schedulesPausedQuery = (client: BerthClient, refetchInterval: number | false) =>
  queryOptions({
    queryKey: jobServiceKeys.schedulesPaused(),
    queryFn: async () =>
      unwrap(await client.api.GET('/schedules/{job_type}/paused', { params: { path: { job_type: ALL } } })),
    refetchInterval,
  });

/** A job's (task's) log as text. */
export const jobLogQuery = (client: BerthClient, jobId: string) =>
  queryOptions({
    queryKey: jobServiceKeys.jobLog(jobId),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/jobservice/jobs/{job_id}/log', {
          params: { path: { job_id: jobId } },
          parseAs: 'text',
        }),
      ) as string,
  });

/** Stops, pauses or resumes a job type's queue (`all` for every type, `SCHEDULER` for schedules). */
export async function actOnQueue(client: BerthClient, jobType: string, action: QueueAction): Promise<void> {
  unwrap(
    await client.api.PUT('/jobservice/queues/{job_type}', {
      params: { path: { job_type: jobType } },
      body: { action },
    }),
  );
}

/** Stops the execution a running job belongs to. */
export async function stopJob(client: BerthClient, jobId: string): Promise<void> {
  unwrap(await client.api.PUT('/jobservice/jobs/{job_id}', { params: { path: { job_id: jobId } } }));
}
