import { Body, Controller, Delete, Get, Inject, Param, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import { parseOrBadRequest, sendPage } from './harbor-query.js';
import { ZListRepositoriesQuery, ZUpdateRepositoryRequest, type RepositoryDto } from './repository.dto.js';
import { RepositoryService } from './repository.service.js';

const PROJECT = 'project_name';

@Controller('api/v2.0')
export class RepositoryController {
  constructor(@Inject(RepositoryService) private readonly repositories: RepositoryService) {}

  /** Harbor's `listAllRepositories`: every repository the caller may list. */
  @Get('repositories')
  @Access({ scope: 'authenticated' })
  async listAll(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RepositoryDto[]> {
    const page = await this.repositories.listAll(
      principal,
      parseOrBadRequest(ZListRepositoriesQuery, query, 'query'),
    );
    return sendPage(reply, request.url, page);
  }

  @Get('projects/:project_name/repositories')
  @Access({ scope: 'project', resource: ProjectResource.Repository, action: Action.List, param: PROJECT })
  async list(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RepositoryDto[]> {
    const page = await this.repositories.listInProject(
      principal,
      project,
      parseOrBadRequest(ZListRepositoriesQuery, query, 'query'),
    );
    return sendPage(reply, request.url, page);
  }

  @Get('projects/:project_name/repositories/:repository_name')
  @Access({ scope: 'project', resource: ProjectResource.Repository, action: Action.Read, param: PROJECT })
  get(@CurrentProject() project: ProjectRef, @Param('repository_name') name: string): Promise<RepositoryDto> {
    return this.repositories.get(project, name);
  }

  @Put('projects/:project_name/repositories/:repository_name')
  @Access({ scope: 'project', resource: ProjectResource.Repository, action: Action.Update, param: PROJECT })
  update(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Body() body: unknown,
  ): Promise<void> {
    return this.repositories.update(
      project,
      name,
      parseOrBadRequest(ZUpdateRepositoryRequest, body, 'repository'),
    );
  }

  @Delete('projects/:project_name/repositories/:repository_name')
  @Access({ scope: 'project', resource: ProjectResource.Repository, action: Action.Delete, param: PROJECT })
  delete(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.repositories.delete({ principal, clientIp: request.ip }, project, name);
  }
}
