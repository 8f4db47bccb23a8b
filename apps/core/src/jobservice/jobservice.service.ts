import { Inject, Injectable } from '@nestjs/common';
import { JobWorkerRepository, TaskRepository, type JobWorker } from '@berth/db';
import { JobScheduleService, JobService } from '@berth/domain';
import { JOB_KINDS, type JobKind } from '@berth/jobs';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { HarborError } from '../common/harbor-error.js';
import { pageRequest, toPage, type Page } from '../system/harbor-listing.js';
import type {
  JobQueueDto,
  ScheduleTaskDto,
  SchedulerStatusDto,
  WorkerDto,
  WorkerPoolDto,
} from './jobservice.dto.js';

/** Harbor's name for "every pool" and "every job type" in paths. */
const ALL = 'all';
/** Harbor's job type of the scheduler itself: pausing it pauses every schedule. */
const SCHEDULER_JOB_TYPE = 'SCHEDULER';
/** Running tasks listed as workers at most (a pool's slots are its concurrency). */
const MAX_RUNNING = 1000;

/**
 * Harbor's job service monitor (`/jobservice/*`) and schedules (`/schedules`) over Berth's job
 * system: a worker pool is a worker process (its heartbeat row), its workers are its slots and the
 * tasks running in them, a job queue is a job kind, a job is a task (`task:<id>`).
 */
@Injectable()
export class JobServiceMonitorService {
  constructor(
    @Inject(JobService) private readonly jobs: JobService,
    @Inject(JobScheduleService) private readonly schedules: JobScheduleService,
    @Inject(JobWorkerRepository) private readonly workers: JobWorkerRepository,
    @Inject(TaskRepository) private readonly tasks: TaskRepository,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async pools(): Promise<WorkerPoolDto[]> {
    return (await this.livePools()).map((pool) => ({
      pid: pool.pid,
      worker_pool_id: pool.id,
      start_at: pool.startedAt.toISOString(),
      heartbeat_at: pool.heartbeatAt.toISOString(),
      concurrency: pool.concurrency,
      host: pool.host,
    }));
  }

  /** A pool's slots (or every pool's), each with the task it runs, if any. */
  async poolWorkers(poolId: string): Promise<WorkerDto[]> {
    const pools = (await this.livePools()).filter((pool) => poolId === ALL || pool.id === poolId);
    if (pools.length === 0 && poolId !== ALL) throw HarborError.notFound(`worker pool ${poolId} not found`);
    const running = await this.tasks.running(MAX_RUNNING);
    const workers: WorkerDto[] = [];
    for (const pool of pools) {
      const mine = running.filter(({ task }) => task.workerId === pool.id);
      for (let slot = 0; slot < Math.max(pool.concurrency, mine.length); slot++) {
        const busy = mine[slot];
        const worker: WorkerDto = {
          id: `${pool.id}:${slot}`,
          pool_id: pool.id,
          job_name: busy ? this.vendorTypeOf(busy.jobKind) : '',
          job_id: busy ? busy.task.jobId : '',
          check_in: busy ? busy.task.statusMessage : '',
        };
        // Harbor leaves out the times of an idle worker (x-omitempty).
        if (busy?.task.startTime) worker.start_at = busy.task.startTime.toISOString();
        if (busy) worker.checkin_at = busy.task.updateTime.toISOString();
        workers.push(worker);
      }
    }
    return workers;
  }

  /** Stops the execution the job (a task) belongs to: it ends `Stopped` within seconds. */
  async stopJob(jobId: string): Promise<void> {
    const task = await this.jobs.taskByJobId(jobId);
    if (!task) throw HarborError.notFound(`job ${jobId.slice(0, 128)} not found`);
    await this.jobs.stop(task.executionId);
  }

  async jobLog(jobId: string): Promise<string> {
    const task = await this.jobs.taskByJobId(jobId);
    if (!task) throw HarborError.notFound(`job ${jobId.slice(0, 128)} not found`);
    return (await this.jobs.taskLog(task.id)) ?? '';
  }

  async queues(): Promise<JobQueueDto[]> {
    return Promise.all(
      JOB_KINDS.map(async (kind) => {
        const stats = await this.jobs.queueStats(kind);
        return {
          job_type: kind.vendorType,
          count: stats.waiting + stats.delayed,
          latency: Math.floor(stats.latencyMs / 1000),
          paused: stats.paused,
        };
      }),
    );
  }

  /**
   * Harbor's queue actions: `stop` stops every unfinished execution of the type (its pending jobs
   * are dropped, running ones signalled), `pause`/`resume` hold or release its queue on every
   * worker. `SCHEDULER` pauses or resumes every schedule.
   */
  async act(jobType: string, action: 'stop' | 'pause' | 'resume'): Promise<void> {
    if (jobType === SCHEDULER_JOB_TYPE) {
      if (action === 'stop')
        throw HarborError.badRequest('the scheduler can be paused or resumed, not stopped');
      await this.schedules.setPaused(action === 'pause');
      return;
    }
    for (const kind of this.kindsOf(jobType)) {
      if (action === 'stop') await this.jobs.stopAll(kind);
      else if (action === 'pause') await this.jobs.pause(kind);
      else await this.jobs.resume(kind);
    }
  }

  async listSchedules(query: {
    page?: number | undefined;
    page_size?: number | undefined;
  }): Promise<Page<ScheduleTaskDto>> {
    const paging = pageRequest(query);
    const all = await this.schedules.list();
    const items = all.slice(paging.offset, paging.offset + paging.pageSize).map((schedule) => ({
      id: Number(schedule.id),
      vendor_type: schedule.vendorType,
      vendor_id: Number(schedule.vendorId),
      cron: schedule.cron,
      update_time: schedule.updateTime.toISOString(),
    }));
    return toPage(items, all.length, paging);
  }

  /** Whether scheduling is paused: every schedule (of `jobType`, or all) is. */
  async schedulePaused(jobType: string): Promise<SchedulerStatusDto> {
    const kinds = jobType === ALL ? null : this.kindsOf(jobType).map((kind) => kind.vendorType);
    const schedules = (await this.schedules.list()).filter(
      (schedule) => kinds === null || kinds.includes(schedule.vendorType),
    );
    return { paused: schedules.length > 0 && schedules.every((schedule) => schedule.paused) };
  }

  private async livePools(): Promise<JobWorker[]> {
    return this.workers.alive(new Date(Date.now() - this.config.jobs.workerTimeoutMs));
  }

  private kindsOf(jobType: string): readonly JobKind[] {
    if (jobType === ALL) return JOB_KINDS;
    const kind = JOB_KINDS.find((candidate) => candidate.vendorType === jobType);
    if (!kind) throw HarborError.notFound(`job type ${jobType.slice(0, 64)} not found`);
    return [kind];
  }

  private vendorTypeOf(kindName: string): string {
    return JOB_KINDS.find((kind) => kind.name === kindName)?.vendorType ?? kindName;
  }
}
