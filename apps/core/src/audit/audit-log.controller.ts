import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { AccessControlService, type ProjectRef } from '../rbac/access-control.service.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import { Action, ProjectResource, SystemResource } from '../rbac/rbac-policy.js';
import type { Page } from '../system/harbor-listing.js';
import {
  ListAuditLogsQuery,
  ZAuditLog,
  ZAuditLogEventType,
  ZAuditLogExt,
  type AuditLogDto,
  type AuditLogEventTypeDto,
  type AuditLogExtDto,
} from './audit-log.dto.js';
import { AuditLogService } from './audit-log.service.js';

@Controller('api/v2.0')
export class AuditLogController {
  constructor(
    @Inject(AuditLogService) private readonly auditLogs: AuditLogService,
    @Inject(AccessControlService) private readonly access: AccessControlService,
  ) {}

  /** Harbor's `listAuditLogs`: every entry, for system administrators. */
  @Get('audit-logs')
  @Access({ scope: 'system', resource: SystemResource.AuditLog, action: Action.List })
  @PagedResponse(ZAuditLog)
  listAuditLogs(@Query() query: ListAuditLogsQuery): Promise<Page<AuditLogDto>> {
    return this.auditLogs.list(query, {});
  }

  /** Harbor's `getLogs`: one project's entries. */
  @Get('projects/:project_name/logs')
  @Access({ scope: 'project', resource: ProjectResource.Log, action: Action.List, param: 'project_name' })
  @PagedResponse(ZAuditLog)
  getLogs(
    @CurrentProject() project: ProjectRef,
    @Query() query: ListAuditLogsQuery,
  ): Promise<Page<AuditLogDto>> {
    return this.auditLogs.list(query, { projectId: project.id });
  }

  /**
   * Harbor's `listAuditLogExts`: everything for those holding the system `audit-log` `list`,
   * else the entries of the projects where the caller holds `log` `list`, as Harbor filters them.
   */
  @Get('auditlog-exts')
  @Access({ scope: 'authenticated' })
  @PagedResponse(ZAuditLogExt)
  async listAuditLogExts(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListAuditLogsQuery,
  ): Promise<Page<AuditLogExtDto>> {
    const all = await this.access.canSystem(principal, SystemResource.AuditLog, Action.List);
    const projectIds = all
      ? null
      : await this.access.projectsWhere(principal, ProjectResource.Log, Action.List);
    return this.auditLogs.listExt(query, projectIds);
  }

  /** Harbor's `listAuditLogEventTypes`. */
  @Get('auditlog-exts/events')
  @Access({ scope: 'system', resource: SystemResource.AuditLog, action: Action.List })
  @ApiResult([ZAuditLogEventType])
  listAuditLogEventTypes(): AuditLogEventTypeDto[] {
    return this.auditLogs.eventTypes();
  }

  /** Harbor's `getLogExts`: one project's entries. */
  @Get('projects/:project_name/auditlog-exts')
  @Access({ scope: 'project', resource: ProjectResource.Log, action: Action.List, param: 'project_name' })
  @PagedResponse(ZAuditLogExt)
  getLogExts(
    @CurrentProject() project: ProjectRef,
    @Query() query: ListAuditLogsQuery,
  ): Promise<Page<AuditLogExtDto>> {
    return this.auditLogs.listExt(query, [project.id]);
  }
}
