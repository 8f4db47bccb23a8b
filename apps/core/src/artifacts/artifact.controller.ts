import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import type { Page } from '../system/harbor-listing.js';
import {
  ArtifactLabelReq,
  CopyArtifactQuery,
  GetArtifactQuery,
  ListAccessoriesQuery,
  ListArtifactsQuery,
  ListProjectArtifactsQuery,
  ListTagsQuery,
  TagCreate,
  ZAccessory,
  ZArtifact,
  ZTag,
  type AccessoryDto,
  type ArtifactDto,
  type TagDto,
} from './artifact.dto.js';
import { ArtifactService } from './artifact.service.js';

const PROJECT = 'project_name';
const PROJECT_ARTIFACTS = 'projects/:project_name_or_id/artifacts';
const ARTIFACTS = 'projects/:project_name/repositories/:repository_name/artifacts';
const ARTIFACT = `${ARTIFACTS}/:reference`;

@Controller('api/v2.0')
export class ArtifactController {
  constructor(@Inject(ArtifactService) private readonly artifacts: ArtifactService) {}

  @Get(ARTIFACTS)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.List, param: PROJECT })
  @PagedResponse(ZArtifact)
  listArtifacts(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Query() query: ListArtifactsQuery,
  ): Promise<Page<ArtifactDto>> {
    return this.artifacts.list(project, name, query);
  }

  /** Harbor's `listArtifactsOfProject`: the artifacts of every repository of the project. */
  @Get(PROJECT_ARTIFACTS)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.List })
  @PagedResponse(ZArtifact)
  listArtifactsOfProject(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Query() query: ListProjectArtifactsQuery,
  ): Promise<Page<ArtifactDto>> {
    return this.artifacts.listInProject(principal, project, query);
  }

  /** Harbor's `CopyArtifact`: 201 with the copy's location. */
  @Post(ARTIFACTS)
  @HttpCode(201)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.Create, param: PROJECT })
  @ApiOperation({ operationId: 'CopyArtifact' })
  @ApiResult(null, { status: 201 })
  async copy(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Query() query: CopyArtifactQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const location = await this.artifacts.copy(
      { principal, clientIp: request.ip, host: request.host },
      project,
      name,
      query.from,
    );
    reply.header('Location', location);
  }

  @Get(ARTIFACT)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.Read, param: PROJECT })
  @ApiResult(ZArtifact)
  getArtifact(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Query() query: GetArtifactQuery,
  ): Promise<ArtifactDto> {
    return this.artifacts.get(project, name, reference, query);
  }

  @Delete(ARTIFACT)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.Delete, param: PROJECT })
  @ApiResult(null)
  deleteArtifact(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.artifacts.delete(
      { principal, clientIp: request.ip, host: request.host },
      project,
      name,
      reference,
    );
  }

  @Get(`${ARTIFACT}/tags`)
  @Access({ scope: 'project', resource: ProjectResource.Tag, action: Action.List, param: PROJECT })
  @PagedResponse(ZTag)
  listTags(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Query() query: ListTagsQuery,
  ): Promise<Page<TagDto>> {
    return this.artifacts.listTags(project, name, reference, query);
  }

  @Post(`${ARTIFACT}/tags`)
  @HttpCode(201)
  @Access({ scope: 'project', resource: ProjectResource.Tag, action: Action.Create, param: PROJECT })
  @ApiResult(null, { status: 201 })
  async createTag(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Body() tag: TagCreate,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.artifacts.createTag(
      { principal, clientIp: request.ip, host: request.host },
      project,
      name,
      reference,
      tag,
    );
    reply.header('Location', `${request.url.split('?')[0]}/${tag.name}`);
  }

  @Delete(`${ARTIFACT}/tags/:tag_name`)
  @Access({ scope: 'project', resource: ProjectResource.Tag, action: Action.Delete, param: PROJECT })
  @ApiResult(null)
  deleteTag(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Param('tag_name') tagName: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.artifacts.deleteTag(
      { principal, clientIp: request.ip, host: request.host },
      project,
      name,
      reference,
      tagName,
    );
  }

  @Get(`${ARTIFACT}/accessories`)
  @Access({ scope: 'project', resource: ProjectResource.Accessory, action: Action.List, param: PROJECT })
  @PagedResponse(ZAccessory)
  listAccessories(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Query() query: ListAccessoriesQuery,
  ): Promise<Page<AccessoryDto>> {
    return this.artifacts.listAccessories(project, name, reference, query);
  }

  /** JSON for most additions; `readme.md` and `values.yaml` as text, with their own content type. */
  @Get(`${ARTIFACT}/additions/:addition`)
  @Access({
    scope: 'project',
    resource: ProjectResource.ArtifactAddition,
    action: Action.Read,
    param: PROJECT,
  })
  @ApiProduces('application/json', 'text/plain')
  @ApiResult(z.string().describe('The addition as it is stored: JSON, Markdown or YAML text'))
  async getAddition(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Param('addition') addition: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const result = await this.artifacts.getAddition(project, name, reference, addition);
    if ('json' in result) return result.json;
    void reply.header('Content-Type', result.contentType);
    return result.text;
  }

  /** Harbor's `addLabel`: 200, no body. */
  @Post(`${ARTIFACT}/labels`)
  @HttpCode(200)
  @Access({
    scope: 'project',
    resource: ProjectResource.ArtifactLabel,
    action: Action.Create,
    param: PROJECT,
  })
  @ApiResult(null)
  addLabel(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Body() label: ArtifactLabelReq,
  ): Promise<void> {
    return this.artifacts.addLabel(project, name, reference, label);
  }

  @Delete(`${ARTIFACT}/labels/:label_id`)
  @Access({
    scope: 'project',
    resource: ProjectResource.ArtifactLabel,
    action: Action.Delete,
    param: PROJECT,
  })
  @ApiResult(null)
  removeLabel(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Param('label_id') labelId: string,
  ): Promise<void> {
    return this.artifacts.removeLabel(project, name, reference, labelId);
  }
}
