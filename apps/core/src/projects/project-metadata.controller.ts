import { Body, Controller, Delete, Get, Inject, Ip, Param, Post, Put, HttpCode } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import { ZodValidationPipe } from '../system/zod-validation.pipe.js';
import { ZMetadataMap, type TMetadataMap } from './project.dto.js';
import { ProjectService } from './project.service.js';

/**
 * Harbor's `/projects/{p}/metadatas/`. Harbor's swagger spells the collection with a trailing
 * slash; both spellings answer. The permission table grants metadata read but no list, so reading
 * the collection needs read.
 */
@Controller('api/v2.0/projects/:project_name_or_id')
export class ProjectMetadataController {
  constructor(@Inject(ProjectService) private readonly projects: ProjectService) {}

  /**
   * `GET …/metadatas`, `…/metadatas/` (the whole map) and `…/metadatas/{meta_name}` (one key). A
   * wildcard rather than a parameter, because Nest's Fastify adapter answers 404 for an empty
   * parameter and Harbor's clients call the collection with its trailing slash.
   */
  @Get(['metadatas', 'metadatas/*'])
  @Access({ scope: 'project', resource: ProjectResource.Metadata, action: Action.Read })
  getProjectMetadata(
    @CurrentProject() project: ProjectRef,
    @Param('*') name: string | undefined,
  ): Promise<Record<string, string>> {
    return this.projects.readMetadata(project, name || undefined);
  }

  @Post(['metadatas', 'metadatas/*'])
  @HttpCode(200)
  @Access({ scope: 'project', resource: ProjectResource.Metadata, action: Action.Create })
  addProjectMetadatas(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('*') name: string | undefined,
    @Body(new ZodValidationPipe(ZMetadataMap, 'request body')) body: TMetadataMap,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.projects.addMetadata(principal, project, name || undefined, body, clientIp);
  }

  @Put('metadatas/:meta_name')
  @Access({ scope: 'project', resource: ProjectResource.Metadata, action: Action.Update })
  updateProjectMetadata(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('meta_name') name: string,
    @Body(new ZodValidationPipe(ZMetadataMap, 'request body')) body: TMetadataMap,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.projects.updateMetadata(principal, project, name, body, clientIp);
  }

  @Delete('metadatas/:meta_name')
  @Access({ scope: 'project', resource: ProjectResource.Metadata, action: Action.Delete })
  deleteProjectMetadata(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('meta_name') name: string,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.projects.deleteMetadata(principal, project, name, clientIp);
  }
}
