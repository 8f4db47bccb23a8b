import { Body, Controller, Delete, Get, Inject, Ip, Param, Post, Put, HttpCode } from '@nestjs/common';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import { ProjectMetadataMap } from './project.dto.js';
import { ProjectService } from './project.service.js';

const ZMetadataValues = z.record(z.string(), z.string());

/**
 * Harbor's `/projects/{p}/metadatas/`. Harbor's swagger spells the collection with a trailing
 * slash; the router ignores trailing slashes, so both spellings answer. The permission table
 * grants metadata read but no list, so reading the collection needs read.
 */
@Controller('api/v2.0/projects/:project_name_or_id/metadatas')
export class ProjectMetadataController {
  constructor(@Inject(ProjectService) private readonly projects: ProjectService) {}

  @Get()
  @Access({ scope: 'project', resource: ProjectResource.Metadata, action: Action.Read })
  @ApiResult(ZMetadataValues)
  listProjectMetadatas(@CurrentProject() project: ProjectRef): Promise<Record<string, string>> {
    return this.projects.readMetadata(project);
  }

  @Post()
  @HttpCode(200)
  @Access({ scope: 'project', resource: ProjectResource.Metadata, action: Action.Create })
  @ApiResult(null)
  addProjectMetadatas(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Body() body: ProjectMetadataMap,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.projects.addMetadata(principal, project, undefined, body, clientIp);
  }

  @Get(':meta_name')
  @Access({ scope: 'project', resource: ProjectResource.Metadata, action: Action.Read })
  @ApiResult(ZMetadataValues)
  getProjectMetadata(
    @CurrentProject() project: ProjectRef,
    @Param('meta_name') name: string,
  ): Promise<Record<string, string>> {
    return this.projects.readMetadata(project, name);
  }

  @Put(':meta_name')
  @Access({ scope: 'project', resource: ProjectResource.Metadata, action: Action.Update })
  @ApiResult(null)
  updateProjectMetadata(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('meta_name') name: string,
    @Body() body: ProjectMetadataMap,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.projects.updateMetadata(principal, project, name, body, clientIp);
  }

  @Delete(':meta_name')
  @Access({ scope: 'project', resource: ProjectResource.Metadata, action: Action.Delete })
  @ApiResult(null)
  deleteProjectMetadata(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('meta_name') name: string,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.projects.deleteMetadata(principal, project, name, clientIp);
  }
}
