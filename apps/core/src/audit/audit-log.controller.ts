import { Controller, Get, Inject, Query, UseInterceptors } from '@nestjs/common';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Access, CurrentProject } from '../rbac/access.decorator.js';
import { Action, ProjectResource, SystemResource } from '../rbac/rbac-policy.js';
import { HarborPageInterceptor, type Page } from '../system/harbor-listing.js';
import { ZodValidationPipe } from '../system/zod-validation.pipe.js';
import { ZListAuditLogsQuery, type AuditLogDto, type TListAuditLogsQuery } from './audit-log.dto.js';
import { AuditLogService } from './audit-log.service.js';

@Controller('api/v2.0')
@UseInterceptors(HarborPageInterceptor)
export class AuditLogController {
  constructor(@Inject(AuditLogService) private readonly auditLogs: AuditLogService) {}

  /** Harbor's `listAuditLogs`: every entry, for system administrators. */
  @Get('audit-logs')
  @Access({ scope: 'system', resource: SystemResource.AuditLog, action: Action.List })
  listAuditLogs(
    @Query(new ZodValidationPipe(ZListAuditLogsQuery, 'query')) query: TListAuditLogsQuery,
  ): Promise<Page<AuditLogDto>> {
    return this.auditLogs.list(query, {});
  }

  /** Harbor's `getLogs`: one project's entries. */
  @Get('projects/:project_name/logs')
  @Access({ scope: 'project', resource: ProjectResource.Log, action: Action.List, param: 'project_name' })
  getLogs(
    @CurrentProject() project: ProjectRef,
    @Query(new ZodValidationPipe(ZListAuditLogsQuery, 'query')) query: TListAuditLogsQuery,
  ): Promise<Page<AuditLogDto>> {
    return this.auditLogs.list(query, { projectId: project.id });
  }
}
