import { Body, Controller, Get, Header, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiProduces } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { Access } from '../rbac/access.decorator.js';
import { Action, SystemResource } from '../rbac/rbac-policy.js';
import type { Page } from '../system/harbor-listing.js';
import {
  ActionRequest,
  ListSchedulesQuery,
  ZJobQueue,
  ZScheduleTask,
  ZSchedulerStatus,
  ZWorker,
  ZWorkerPool,
  type JobQueueDto,
  type ScheduleTaskDto,
  type SchedulerStatusDto,
  type WorkerDto,
  type WorkerPoolDto,
} from './jobservice.dto.js';
import { JobServiceMonitorService } from './jobservice.service.js';

const MONITOR = { scope: 'system', resource: SystemResource.JobServiceMonitor } as const;

/** Harbor's job service monitor and schedule listing (system administrators). */
@Controller('api/v2.0')
export class JobServiceController {
  constructor(@Inject(JobServiceMonitorService) private readonly monitor: JobServiceMonitorService) {}

  @Get('jobservice/pools')
  @Access({ ...MONITOR, action: Action.List })
  @ApiResult([ZWorkerPool])
  getWorkerPools(): Promise<WorkerPoolDto[]> {
    return this.monitor.pools();
  }

  @Get('jobservice/pools/:pool_id/workers')
  @Access({ ...MONITOR, action: Action.List })
  @ApiResult([ZWorker])
  getWorkers(@Param('pool_id') poolId: string): Promise<WorkerDto[]> {
    return this.monitor.poolWorkers(poolId);
  }

  @Put('jobservice/jobs/:job_id')
  @Access({ ...MONITOR, action: Action.Stop })
  @ApiResult(null)
  stopRunningJob(@Param('job_id') jobId: string): Promise<void> {
    return this.monitor.stopJob(jobId);
  }

  @Get('jobservice/jobs/:job_id/log')
  @Access({ ...MONITOR, action: Action.List })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiResult(z.string())
  actionGetJobLog(@Param('job_id') jobId: string): Promise<string> {
    return this.monitor.jobLog(jobId);
  }

  @Get('jobservice/queues')
  @Access({ ...MONITOR, action: Action.List })
  @ApiResult([ZJobQueue])
  listJobQueues(): Promise<JobQueueDto[]> {
    return this.monitor.queues();
  }

  @Put('jobservice/queues/:job_type')
  @Access({ ...MONITOR, action: Action.Stop })
  @ApiResult(null)
  actionPendingJobs(@Param('job_type') jobType: string, @Body() body: ActionRequest): Promise<void> {
    return this.monitor.act(jobType, body.action);
  }

  @Get('schedules')
  @Access({ ...MONITOR, action: Action.List })
  @PagedResponse(ZScheduleTask)
  listSchedules(@Query() query: ListSchedulesQuery): Promise<Page<ScheduleTaskDto>> {
    return this.monitor.listSchedules(query);
  }

  @Get('schedules/:job_type/paused')
  @Access({ ...MONITOR, action: Action.List })
  @ApiResult(ZSchedulerStatus)
  getSchedulePaused(@Param('job_type') jobType: string): Promise<SchedulerStatusDto> {
    return this.monitor.schedulePaused(jobType);
  }
}
