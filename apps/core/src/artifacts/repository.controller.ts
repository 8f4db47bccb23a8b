import { Body, Controller, Delete, Get, Inject, Param, Put, Query, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import type { Page } from '../system/harbor-listing.js';
import {
  ListRepositoriesQuery,
  RepositoryUpdate,
  ZRepository,
  type RepositoryDto,
} from './repository.dto.js';
import { RepositoryService } from './repository.service.js';

const PROJECT = 'project_name';

@Controller('api/v2.0')
export class RepositoryController {
  constructor(@Inject(RepositoryService) private readonly repositories: RepositoryService) {}

  /** Harbor's `listAllRepositories`: every repository the caller may list. */
  @Get('repositories')
  @Access({ scope: 'authenticated' })
  @ApiOperation({ operationId: 'listAllRepositories' })
  @PagedResponse(ZRepository)
  listAll(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListRepositoriesQuery,
  ): Promise<Page<RepositoryDto>> {
    return this.repositories.listAll(principal, query);
  }

  @Get('projects/:project_name/repositories')
  @Access({ scope: 'project', resource: ProjectResource.Repository, action: Action.List, param: PROJECT })
  @ApiOperation({ operationId: 'listRepositories' })
  @PagedResponse(ZRepository)
  list(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Query() query: ListRepositoriesQuery,
  ): Promise<Page<RepositoryDto>> {
    return this.repositories.listInProject(principal, project, query);
  }

  @Get('projects/:project_name/repositories/:repository_name')
  @Access({ scope: 'project', resource: ProjectResource.Repository, action: Action.Read, param: PROJECT })
  @ApiOperation({ operationId: 'getRepository' })
  @ApiResult(ZRepository)
  get(@CurrentProject() project: ProjectRef, @Param('repository_name') name: string): Promise<RepositoryDto> {
    return this.repositories.get(project, name);
  }

  @Put('projects/:project_name/repositories/:repository_name')
  @Access({ scope: 'project', resource: ProjectResource.Repository, action: Action.Update, param: PROJECT })
  @ApiOperation({ operationId: 'updateRepository' })
  @ApiResult(null)
  update(
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Body() body: RepositoryUpdate,
  ): Promise<void> {
    return this.repositories.update(project, name, body);
  }

  @Delete('projects/:project_name/repositories/:repository_name')
  @Access({ scope: 'project', resource: ProjectResource.Repository, action: Action.Delete, param: PROJECT })
  @ApiOperation({ operationId: 'deleteRepository' })
  @ApiResult(null)
  delete(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('repository_name') name: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.repositories.delete({ principal, clientIp: request.ip, host: request.host }, project, name);
  }
}
