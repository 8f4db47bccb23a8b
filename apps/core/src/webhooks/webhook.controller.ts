import {
  Body,
  Controller,
  Delete,
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
import { ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { ZId } from '../common/request-values.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { ZExecution, ZTask, type ExecutionDto, type TaskDto } from '../jobs/execution.dto.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import type { Page } from '../system/harbor-listing.js';
import {
  ListWebhookDeliveriesQuery,
  ListWebhookJobsQuery,
  ListWebhookPoliciesQuery,
  WebhookPolicyCreate,
  WebhookPolicyUpdate,
  ZSupportedWebhookEventTypes,
  ZWebhookJob,
  ZWebhookLastTrigger,
  ZWebhookPolicy,
  ZWebhookPolicyId,
  ZWebhookSigningSecret,
  type SupportedWebhookEventTypesDto,
  type WebhookJobDto,
  type WebhookLastTriggerDto,
  type WebhookPolicyDto,
  type WebhookSigningSecretDto,
} from './webhook.dto.js';
import { WebhookService } from './webhook.service.js';

const policyId = new ZodValidationPipe(ZWebhookPolicyId);
const id = new ZodValidationPipe(ZId);
const POLICY = 'policies/:webhook_policy_id';
const EXECUTION = `${POLICY}/executions/:execution_id`;

/** The header that answers a new policy's signing secret, the one time it is shown. */
export const WEBHOOK_SECRET_HEADER = 'X-Berth-Webhook-Secret';

const rule = (action: Action) =>
  Access({ scope: 'project', resource: ProjectResource.NotificationPolicy, action });

/** Harbor's webhook API of a project (tags `webhook` and `webhookjob`). */
@Controller('api/v2.0/projects/:project_name_or_id/webhook')
export class WebhookController {
  constructor(@Inject(WebhookService) private readonly webhooks: WebhookService) {}

  @Get('policies')
  @rule(Action.List)
  @ApiOperation({ operationId: 'ListWebhookPoliciesOfProject' })
  @PagedResponse(ZWebhookPolicy)
  listWebhookPoliciesOfProject(
    @CurrentProject() project: ProjectRef,
    @Query() query: ListWebhookPoliciesQuery,
  ): Promise<Page<WebhookPolicyDto>> {
    return this.webhooks.list(project, query);
  }

  /** 201 with the policy's `Location`, and its signing secret in `X-Berth-Webhook-Secret` (once). */
  @Post('policies')
  @HttpCode(201)
  @rule(Action.Create)
  @ApiOperation({ operationId: 'CreateWebhookPolicyOfProject' })
  @ApiResult(null, {
    status: 201,
    headers: {
      Location: { description: 'The location of the resource', schema: { type: 'string' } },
      [WEBHOOK_SECRET_HEADER]: {
        description: 'Berth: the HMAC-SHA256 key of the deliveries’ X-Harbor-Signature, shown this once',
        schema: { type: 'string' },
      },
    },
  })
  async createWebhookPolicyOfProject(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('project_name_or_id') projectKey: string,
    @Body() body: WebhookPolicyCreate,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const created = await this.webhooks.create(project, principal, body);
    void reply.header(
      'Location',
      `/api/v2.0/projects/${encodeURIComponent(projectKey)}/webhook/policies/${created.id}`,
    );
    void reply.header(WEBHOOK_SECRET_HEADER, created.secret);
    void reply.header('Cache-Control', 'no-store');
  }

  @Get(POLICY)
  @rule(Action.Read)
  @ApiOperation({ operationId: 'GetWebhookPolicyOfProject' })
  @ApiResult(ZWebhookPolicy)
  getWebhookPolicyOfProject(
    @CurrentProject() project: ProjectRef,
    @Param('webhook_policy_id', policyId) policy: bigint,
  ): Promise<WebhookPolicyDto> {
    return this.webhooks.get(project, policy);
  }

  @Put(POLICY)
  @rule(Action.Update)
  @ApiOperation({ operationId: 'UpdateWebhookPolicyOfProject' })
  @ApiResult(null)
  updateWebhookPolicyOfProject(
    @CurrentProject() project: ProjectRef,
    @Param('webhook_policy_id', policyId) policy: bigint,
    @Body() body: WebhookPolicyUpdate,
  ): Promise<void> {
    return this.webhooks.update(project, policy, body);
  }

  @Delete(POLICY)
  @rule(Action.Delete)
  @ApiOperation({ operationId: 'DeleteWebhookPolicyOfProject' })
  @ApiResult(null)
  deleteWebhookPolicyOfProject(
    @CurrentProject() project: ProjectRef,
    @Param('webhook_policy_id', policyId) policy: bigint,
  ): Promise<void> {
    return this.webhooks.delete(project, policy);
  }

  /** Berth's own: a new signing secret, answered this once (the old one signs nothing from now on). */
  @Post(`${POLICY}/secret`)
  @HttpCode(200)
  @rule(Action.Update)
  @ApiOperation({ operationId: 'regenerateWebhookPolicySecret' })
  @ApiResult(ZWebhookSigningSecret)
  async regenerateWebhookPolicySecret(
    @CurrentProject() project: ProjectRef,
    @Param('webhook_policy_id', policyId) policy: bigint,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookSigningSecretDto> {
    void reply.header('Cache-Control', 'no-store');
    return this.webhooks.regenerateSecret(project, policy);
  }

  @Get(`${POLICY}/executions`)
  @rule(Action.Read)
  @ApiOperation({ operationId: 'ListExecutionsOfWebhookPolicy' })
  @PagedResponse(ZExecution)
  listExecutionsOfWebhookPolicy(
    @CurrentProject() project: ProjectRef,
    @Param('webhook_policy_id', policyId) policy: bigint,
    @Query() query: ListWebhookDeliveriesQuery,
  ): Promise<Page<ExecutionDto>> {
    return this.webhooks.listExecutions(project, policy, query);
  }

  @Get(`${EXECUTION}/tasks`)
  @rule(Action.Read)
  @ApiOperation({ operationId: 'ListTasksOfWebhookExecution' })
  @PagedResponse(ZTask)
  listTasksOfWebhookExecution(
    @CurrentProject() project: ProjectRef,
    @Param('webhook_policy_id', policyId) policy: bigint,
    @Param('execution_id', id) execution: bigint,
    @Query() query: ListWebhookDeliveriesQuery,
  ): Promise<Page<TaskDto>> {
    return this.webhooks.listTasks(project, policy, execution, query);
  }

  @Get(`${EXECUTION}/tasks/:task_id/log`)
  @rule(Action.Read)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ operationId: 'GetLogsOfWebhookTask' })
  @ApiProduces('text/plain')
  @ApiResult(z.string().describe("The task's log, one line per entry"))
  getLogsOfWebhookTask(
    @CurrentProject() project: ProjectRef,
    @Param('webhook_policy_id', policyId) policy: bigint,
    @Param('execution_id', id) execution: bigint,
    @Param('task_id', id) task: bigint,
  ): Promise<string> {
    return this.webhooks.taskLog(project, policy, execution, task);
  }

  @Get('lasttrigger')
  @rule(Action.Read)
  @ApiOperation({ operationId: 'LastTrigger' })
  @ApiResult([ZWebhookLastTrigger])
  lastTrigger(@CurrentProject() project: ProjectRef): Promise<WebhookLastTriggerDto[]> {
    return this.webhooks.lastTriggers(project);
  }

  @Get('jobs')
  @rule(Action.List)
  @ApiOperation({ operationId: 'ListWebhookJobs' })
  @PagedResponse(ZWebhookJob)
  listWebhookJobs(
    @CurrentProject() project: ProjectRef,
    @Query() query: ListWebhookJobsQuery,
  ): Promise<Page<WebhookJobDto>> {
    return this.webhooks.listJobs(project, query);
  }

  @Get('events')
  @rule(Action.Read)
  @ApiOperation({ operationId: 'GetSupportedEventTypes' })
  @ApiResult(ZSupportedWebhookEventTypes)
  getSupportedEventTypes(): SupportedWebhookEventTypesDto {
    return this.webhooks.supportedEventTypes();
  }
}
