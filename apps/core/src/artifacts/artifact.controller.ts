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
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import {
  ZAddLabelRequest,
  ZCopyArtifactQuery,
  ZCreateTagRequest,
  ZGetArtifactQuery,
  ZListAccessoriesQuery,
  ZListArtifactsQuery,
  ZListProjectArtifactsQuery,
  ZListTagsQuery,
  type AccessoryDto,
  type ArtifactDto,
  type TagDto,
} from './artifact.dto.js';
import { ArtifactService } from './artifact.service.js';
import { parseOrBadRequest, sendPage } from './harbor-query.js';

const PROJECT = 'project_name';
const PROJECT_ARTIFACTS = 'projects/:project_name_or_id/artifacts';
const ARTIFACTS = 'projects/:project_name/repositories/:repository_name/artifacts';
const ARTIFACT = `${ARTIFACTS}/:reference`;

@Controller('api/v2.0')
export class ArtifactController {
  constructor(@Inject(ArtifactService) private readonly artifacts: ArtifactService) {}

  @Get(ARTIFACTS)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.List, param: PROJECT })
  async list(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArtifactDto[]> {
    const page = await this.artifacts.list(
      project,
      name,
      parseOrBadRequest(ZListArtifactsQuery, query, 'query'),
    );
    return sendPage(reply, request.url, page);
  }

  /** Harbor's `listArtifactsOfProject`: the artifacts of every repository of the project. */
  @Get(PROJECT_ARTIFACTS)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.List })
  async listInProject(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArtifactDto[]> {
    const page = await this.artifacts.listInProject(
      principal,
      project,
      parseOrBadRequest(ZListProjectArtifactsQuery, query, 'query'),
    );
    return sendPage(reply, request.url, page);
  }

  /** Harbor's `CopyArtifact`: 201 with the copy's location. */
  @Post(ARTIFACTS)
  @HttpCode(201)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.Create, param: PROJECT })
  async copy(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { from } = parseOrBadRequest(ZCopyArtifactQuery, query, 'query');
    const location = await this.artifacts.copy({ principal, clientIp: request.ip }, project, name, from);
    reply.header('Location', location);
  }

  @Get(ARTIFACT)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.Read, param: PROJECT })
  get(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Query() query: unknown,
  ): Promise<ArtifactDto> {
    return this.artifacts.get(project, name, reference, parseOrBadRequest(ZGetArtifactQuery, query, 'query'));
  }

  @Delete(ARTIFACT)
  @Access({ scope: 'project', resource: ProjectResource.Artifact, action: Action.Delete, param: PROJECT })
  delete(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.artifacts.delete({ principal, clientIp: request.ip }, project, name, reference);
  }

  @Get(`${ARTIFACT}/tags`)
  @Access({ scope: 'project', resource: ProjectResource.Tag, action: Action.List, param: PROJECT })
  async listTags(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TagDto[]> {
    const page = await this.artifacts.listTags(
      project,
      name,
      reference,
      parseOrBadRequest(ZListTagsQuery, query, 'query'),
    );
    return sendPage(reply, request.url, page);
  }

  @Post(`${ARTIFACT}/tags`)
  @HttpCode(201)
  @Access({ scope: 'project', resource: ProjectResource.Tag, action: Action.Create, param: PROJECT })
  async createTag(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const tag = parseOrBadRequest(ZCreateTagRequest, body, 'tag');
    await this.artifacts.createTag({ principal, clientIp: request.ip }, project, name, reference, tag);
    reply.header('Location', `${request.url.split('?')[0]}/${tag.name}`);
  }

  @Delete(`${ARTIFACT}/tags/:tag_name`)
  @Access({ scope: 'project', resource: ProjectResource.Tag, action: Action.Delete, param: PROJECT })
  deleteTag(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Param('tag_name') tagName: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.artifacts.deleteTag({ principal, clientIp: request.ip }, project, name, reference, tagName);
  }

  @Get(`${ARTIFACT}/accessories`)
  @Access({ scope: 'project', resource: ProjectResource.Accessory, action: Action.List, param: PROJECT })
  async listAccessories(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessoryDto[]> {
    const page = await this.artifacts.listAccessories(
      project,
      name,
      reference,
      parseOrBadRequest(ZListAccessoriesQuery, query, 'query'),
    );
    return sendPage(reply, request.url, page);
  }

  @Get(`${ARTIFACT}/additions/:addition`)
  @Access({
    scope: 'project',
    resource: ProjectResource.ArtifactAddition,
    action: Action.Read,
    param: PROJECT,
  })
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
  addLabel(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Body() body: unknown,
  ): Promise<void> {
    return this.artifacts.addLabel(
      project,
      name,
      reference,
      parseOrBadRequest(ZAddLabelRequest, body, 'label'),
    );
  }

  @Delete(`${ARTIFACT}/labels/:label_id`)
  @Access({
    scope: 'project',
    resource: ProjectResource.ArtifactLabel,
    action: Action.Delete,
    param: PROJECT,
  })
  removeLabel(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Param('reference') reference: string,
    @Param('label_id') labelId: string,
  ): Promise<void> {
    return this.artifacts.removeLabel(project, name, reference, labelId);
  }
}
