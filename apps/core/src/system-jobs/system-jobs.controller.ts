import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiProduces } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { Action, SystemResource } from '../rbac/rbac-policy.js';
import type { Page } from '../system/harbor-listing.js';
import {
  HistoryQuery,
  ScheduleRequest,
  ZExecHistory,
  ZGCHistory,
  ZHistoryId,
  type ExecHistoryDto,
  type GCHistoryDto,
} from './system-jobs.dto.js';
import { GC_SPEC, PURGE_AUDIT_SPEC, SystemJobsService } from './system-jobs.service.js';

const id = new ZodValidationPipe(ZHistoryId);
const GC = { scope: 'system', resource: SystemResource.GarbageCollection } as const;
const PURGE = { scope: 'system', resource: SystemResource.PurgeAuditLog } as const;

/** Harbor's `/system/gc`: garbage collection runs, their logs, stops and schedule (docs/gc.md). */
@Controller('api/v2.0/system/gc')
export class GcController {
  constructor(@Inject(SystemJobsService) private readonly jobs: SystemJobsService) {}

  @Get()
  @Access({ ...GC, action: Action.List })
  @PagedResponse(ZGCHistory)
  getGCHistory(@Query() query: HistoryQuery): Promise<Page<GCHistoryDto>> {
    return this.jobs.list(GC_SPEC, query);
  }

  @Get('schedule')
  @Access({ ...GC, action: Action.Read })
  @ApiResult(ZGCHistory)
  getGCSchedule(): Promise<GCHistoryDto> {
    return this.jobs.schedule(GC_SPEC);
  }

  @Post('schedule')
  @HttpCode(201)
  @Access({ ...GC, action: Action.Create })
  @ApiResult(null, { status: 201 })
  async createGCSchedule(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ScheduleRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const started = await this.jobs.setSchedule(GC_SPEC, body, principal);
    if (started !== null) void reply.header('Location', `/api/v2.0/system/gc/${started}`);
  }

  @Put('schedule')
  @Access({ ...GC, action: Action.Update })
  @ApiResult(null)
  async updateGCSchedule(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ScheduleRequest,
  ): Promise<void> {
    await this.jobs.setSchedule(GC_SPEC, body, principal);
  }

  @Get(':gc_id')
  @Access({ ...GC, action: Action.Read })
  @ApiResult(ZGCHistory)
  getGC(@Param('gc_id', id) gcId: bigint): Promise<GCHistoryDto> {
    return this.jobs.get(GC_SPEC, gcId);
  }

  @Put(':gc_id')
  @Access({ ...GC, action: Action.Stop })
  @ApiResult(null)
  stopGC(@Param('gc_id', id) gcId: bigint): Promise<void> {
    return this.jobs.stop(GC_SPEC, gcId);
  }

  @Get(':gc_id/log')
  @Access({ ...GC, action: Action.Read })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiResult(z.string())
  getGCLog(@Param('gc_id', id) gcId: bigint): Promise<string> {
    return this.jobs.log(GC_SPEC, gcId);
  }
}

/** Harbor's `/system/purgeaudit`: audit log purges, their logs, stops and schedule. */
@Controller('api/v2.0/system/purgeaudit')
export class PurgeAuditController {
  constructor(@Inject(SystemJobsService) private readonly jobs: SystemJobsService) {}

  @Get()
  @Access({ ...PURGE, action: Action.List })
  @PagedResponse(ZExecHistory)
  getPurgeHistory(@Query() query: HistoryQuery): Promise<Page<ExecHistoryDto>> {
    return this.jobs.list(PURGE_AUDIT_SPEC, query);
  }

  @Get('schedule')
  @Access({ ...PURGE, action: Action.Read })
  @ApiResult(ZExecHistory)
  getPurgeSchedule(): Promise<ExecHistoryDto> {
    return this.jobs.schedule(PURGE_AUDIT_SPEC);
  }

  @Post('schedule')
  @HttpCode(201)
  @Access({ ...PURGE, action: Action.Create })
  @ApiResult(null, { status: 201 })
  async createPurgeSchedule(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ScheduleRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const started = await this.jobs.setSchedule(PURGE_AUDIT_SPEC, body, principal);
    if (started !== null) void reply.header('Location', `/api/v2.0/system/purgeaudit/${started}`);
  }

  @Put('schedule')
  @Access({ ...PURGE, action: Action.Update })
  @ApiResult(null)
  async updatePurgeSchedule(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ScheduleRequest,
  ): Promise<void> {
    await this.jobs.setSchedule(PURGE_AUDIT_SPEC, body, principal);
  }

  @Get(':purge_id')
  @Access({ ...PURGE, action: Action.Read })
  @ApiResult(ZExecHistory)
  getPurgeJob(@Param('purge_id', id) purgeId: bigint): Promise<ExecHistoryDto> {
    return this.jobs.get(PURGE_AUDIT_SPEC, purgeId);
  }

  @Put(':purge_id')
  @Access({ ...PURGE, action: Action.Stop })
  @ApiResult(null)
  stopPurge(@Param('purge_id', id) purgeId: bigint): Promise<void> {
    return this.jobs.stop(PURGE_AUDIT_SPEC, purgeId);
  }

  @Get(':purge_id/log')
  @Access({ ...PURGE, action: Action.Read })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiResult(z.string())
  getPurgeJobLog(@Param('purge_id', id) purgeId: bigint): Promise<string> {
    return this.jobs.log(PURGE_AUDIT_SPEC, purgeId);
  }
}
