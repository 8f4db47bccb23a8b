import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Patch,
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
import type { Page } from '../system/harbor-listing.js';
import {
  RetentionExecutionOperation,
  RetentionExecutionRequest,
  RetentionListQuery,
  RetentionPolicyCreate,
  RetentionPolicyUpdate,
  ZRetentionExecution,
  ZRetentionExecutionTask,
  ZRetentionId,
  ZRetentionMetadata,
  ZRetentionPolicy,
  type RetentionExecutionDto,
  type RetentionExecutionTaskDto,
  type RetentionMetadataDto,
  type RetentionPolicyDto,
} from './retention.dto.js';
import { RetentionService } from './retention.service.js';

const id = new ZodValidationPipe(ZRetentionId);

/**
 * Harbor's `/retentions`. A policy's project is known only from the policy (or, on creation, from
 * the body), so the routes admit signed-in callers and RetentionService checks the project's
 * `tag-retention` permission on each call, as Harbor's handler does.
 */
@Controller('api/v2.0/retentions')
export class RetentionController {
  constructor(@Inject(RetentionService) private readonly retention: RetentionService) {}

  @Get('metadatas')
  @Access({ scope: 'authenticated' })
  @ApiResult(ZRetentionMetadata)
  getRentenitionMetadata(): RetentionMetadataDto {
    return this.retention.metadata();
  }

  @Post()
  @HttpCode(201)
  @Access({ scope: 'authenticated' })
  @ApiResult(null, { status: 201 })
  async createRetention(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RetentionPolicyCreate,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const created = await this.retention.create(principal, body);
    void reply.header('Location', `/api/v2.0/retentions/${created}`);
  }

  @Get(':id')
  @Access({ scope: 'authenticated' })
  @ApiResult(ZRetentionPolicy)
  getRetention(
    @CurrentPrincipal() principal: Principal,
    @Param('id', id) policyId: bigint,
  ): Promise<RetentionPolicyDto> {
    return this.retention.get(principal, policyId);
  }

  @Put(':id')
  @Access({ scope: 'authenticated' })
  @ApiResult(null)
  updateRetention(
    @CurrentPrincipal() principal: Principal,
    @Param('id', id) policyId: bigint,
    @Body() body: RetentionPolicyUpdate,
  ): Promise<void> {
    return this.retention.update(principal, policyId, body);
  }

  @Delete(':id')
  @Access({ scope: 'authenticated' })
  @ApiResult(null)
  deleteRetention(
    @CurrentPrincipal() principal: Principal,
    @Param('id', id) policyId: bigint,
  ): Promise<void> {
    return this.retention.delete(principal, policyId);
  }

  @Post(':id/executions')
  @HttpCode(201)
  @Access({ scope: 'authenticated' })
  @ApiProduces('text/plain')
  @ApiResult(null, { status: 201 })
  async triggerRetentionExecution(
    @CurrentPrincipal() principal: Principal,
    @Param('id', id) policyId: bigint,
    @Body() body: RetentionExecutionRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const execution = await this.retention.trigger(principal, policyId, body);
    void reply.header('Location', `/api/v2.0/retentions/${policyId}/executions/${execution}`);
  }

  @Get(':id/executions')
  @Access({ scope: 'authenticated' })
  @PagedResponse(ZRetentionExecution)
  listRetentionExecutions(
    @CurrentPrincipal() principal: Principal,
    @Param('id', id) policyId: bigint,
    @Query() query: RetentionListQuery,
  ): Promise<Page<RetentionExecutionDto>> {
    return this.retention.listExecutions(principal, policyId, query);
  }

  @Patch(':id/executions/:eid')
  @Access({ scope: 'authenticated' })
  @ApiResult(null)
  operateRetentionExecution(
    @CurrentPrincipal() principal: Principal,
    @Param('id', id) policyId: bigint,
    @Param('eid', id) executionId: bigint,
    @Body() body: RetentionExecutionOperation,
  ): Promise<void> {
    return this.retention.operate(principal, policyId, executionId, body);
  }

  @Get(':id/executions/:eid/tasks')
  @Access({ scope: 'authenticated' })
  @PagedResponse(ZRetentionExecutionTask)
  listRetentionTasks(
    @CurrentPrincipal() principal: Principal,
    @Param('id', id) policyId: bigint,
    @Param('eid', id) executionId: bigint,
    @Query() query: RetentionListQuery,
  ): Promise<Page<RetentionExecutionTaskDto>> {
    return this.retention.listTasks(principal, policyId, executionId, query);
  }

  /** The task's log as text, Harbor's table of artifacts and what retention did to each. */
  @Get(':id/executions/:eid/tasks/:tid')
  @Access({ scope: 'authenticated' })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiResult(z.string())
  getRetentionTaskLog(
    @CurrentPrincipal() principal: Principal,
    @Param('id', id) policyId: bigint,
    @Param('eid', id) executionId: bigint,
    @Param('tid', id) taskId: bigint,
  ): Promise<string> {
    return this.retention.taskLog(principal, policyId, executionId, taskId);
  }
}
