import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Access, CurrentProject } from '../rbac/access.decorator.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import type { Page } from '../system/harbor-listing.js';
import {
  ImmutableRuleCreate,
  ImmutableRuleUpdate,
  ListImmuRulesQuery,
  ZImmutableRule,
  ZImmutableRuleId,
  type ImmutableRuleDto,
} from './immutability.dto.js';
import { ImmutabilityService } from './immutability.service.js';

const ruleId = new ZodValidationPipe(ZImmutableRuleId);
const RESOURCE = ProjectResource.ImmutableTag;

/** Harbor's `/projects/{project_name_or_id}/immutabletagrules`. */
@Controller('api/v2.0/projects/:project_name_or_id/immutabletagrules')
export class ImmutabilityController {
  constructor(@Inject(ImmutabilityService) private readonly immutability: ImmutabilityService) {}

  @Get()
  @Access({ scope: 'project', resource: RESOURCE, action: Action.List })
  @ApiOperation({ operationId: 'ListImmuRules' })
  @PagedResponse(ZImmutableRule)
  listImmuRules(
    @CurrentProject() project: ProjectRef,
    @Query() query: ListImmuRulesQuery,
  ): Promise<Page<ImmutableRuleDto>> {
    return this.immutability.list(project, query);
  }

  @Post()
  @HttpCode(201)
  @Access({ scope: 'project', resource: RESOURCE, action: Action.Create })
  @ApiOperation({ operationId: 'CreateImmuRule' })
  @ApiResult(null, { status: 201 })
  async createImmuRule(
    @CurrentProject() project: ProjectRef,
    @Param('project_name_or_id') projectKey: string,
    @Body() body: ImmutableRuleCreate,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const id = await this.immutability.create(project, body);
    void reply.header(
      'Location',
      `/api/v2.0/projects/${encodeURIComponent(projectKey)}/immutabletagrules/${id}`,
    );
  }

  @Put(':immutable_rule_id')
  @Access({ scope: 'project', resource: RESOURCE, action: Action.Update })
  @ApiOperation({ operationId: 'UpdateImmuRule' })
  @ApiResult(null)
  updateImmuRule(
    @CurrentProject() project: ProjectRef,
    @Param('immutable_rule_id', ruleId) id: bigint,
    @Body() body: ImmutableRuleUpdate,
  ): Promise<void> {
    return this.immutability.update(project, id, body);
  }

  @Delete(':immutable_rule_id')
  @Access({ scope: 'project', resource: RESOURCE, action: Action.Delete })
  @ApiOperation({ operationId: 'DeleteImmuRule' })
  @ApiResult(null)
  deleteImmuRule(
    @CurrentProject() project: ProjectRef,
    @Param('immutable_rule_id', ruleId) id: bigint,
  ): Promise<void> {
    return this.immutability.delete(project, id);
  }
}
