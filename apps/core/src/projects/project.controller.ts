import {
  Body,
  Controller,
  Delete,
  Get,
  Head,
  Headers,
  HttpCode,
  Inject,
  Ip,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { HarborError } from '../common/harbor-error.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import type { Page } from '../system/harbor-listing.js';
import {
  HeadProjectQuery,
  ListProjectsQuery,
  ProjectReq,
  ProjectUpdateReq,
  ZProject,
  ZProjectDeletable,
  ZProjectSummary,
  type ProjectDeletableDto,
  type ProjectDto,
  type ProjectSummaryDto,
} from './project.dto.js';
import { ProjectService } from './project.service.js';

@Controller('api/v2.0/projects')
export class ProjectController {
  constructor(@Inject(ProjectService) private readonly projects: ProjectService) {}

  /**
   * Harbor's `HEAD /projects?project_name=`: 200 when the name is taken, 404 when free. Declared
   * before the GET so Fastify does not derive a HEAD route from it.
   */
  @Head()
  @Access({ scope: 'authenticated' })
  @ApiResult(null, { description: 'The name is taken.' })
  async headProject(@Query() query: HeadProjectQuery) {
    if (!(await this.projects.exists(query.project_name))) {
      throw HarborError.notFound(`project ${query.project_name} not found`);
    }
  }

  /** Public projects and the caller's; everything for system administrators. */
  @Get()
  @Access({ scope: 'public' })
  @PagedResponse(ZProject)
  listProjects(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListProjectsQuery,
  ): Promise<Page<ProjectDto>> {
    return this.projects.list(principal, query);
  }

  /** Any signed-in user, unless `project_creation_restriction` is `adminonly`; checked by the service. */
  @Post()
  @Access({ scope: 'authenticated' })
  @HttpCode(201)
  @ApiResult(null, { status: 201, description: 'Created; `Location` names the project.' })
  async createProject(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ProjectReq,
    @Headers('x-resource-name-in-location') nameInLocation: string | undefined,
    @Ip() clientIp: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const created = await this.projects.create(principal, body, clientIp);
    const key = String(nameInLocation).toLowerCase() === 'true' ? created.name : String(created.id);
    void reply.header('Location', `/api/v2.0/projects/${key}`);
  }

  @Get(':project_name_or_id')
  @Access({ scope: 'project', resource: ProjectResource.Self, action: Action.Read })
  @ApiResult(ZProject)
  getProject(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
  ): Promise<ProjectDto> {
    return this.projects.get(principal, project);
  }

  @Put(':project_name_or_id')
  @Access({ scope: 'project', resource: ProjectResource.Self, action: Action.Update })
  updateProject(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Body() body: ProjectUpdateReq,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.projects.update(principal, project, body, clientIp);
  }

  /** Refused with 412 while the project has repositories. */
  @Delete(':project_name_or_id')
  @Access({ scope: 'project', resource: ProjectResource.Self, action: Action.Delete })
  deleteProject(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.projects.delete(principal, project, clientIp);
  }

  @Get(':project_name_or_id/_deletable')
  @Access({ scope: 'project', resource: ProjectResource.Self, action: Action.Delete })
  @ApiResult(ZProjectDeletable)
  getProjectDeletable(@CurrentProject() project: ProjectRef): Promise<ProjectDeletableDto> {
    return this.projects.deletable(project);
  }

  /** Quota and member counts appear only for callers who may read them. */
  @Get(':project_name_or_id/summary')
  @Access({ scope: 'project', resource: ProjectResource.Self, action: Action.Read })
  @ApiResult(ZProjectSummary)
  getProjectSummary(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
  ): Promise<ProjectSummaryDto> {
    return this.projects.summary(principal, project);
  }
}
