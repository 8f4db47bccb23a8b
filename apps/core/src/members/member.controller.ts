import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Ip,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { Page } from '../system/harbor-listing.js';
import {
  ListMembersQuery,
  ProjectMember,
  RoleRequest,
  ZMemberId,
  ZProjectMemberEntity,
  type ProjectMemberEntityDto,
} from './member.dto.js';

const memberId = new ZodValidationPipe(ZMemberId);
import { MemberService } from './member.service.js';

@Controller('api/v2.0/projects/:project_name_or_id/members')
export class MemberController {
  constructor(@Inject(MemberService) private readonly members: MemberService) {}

  @Get()
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.List })
  @PagedResponse(ZProjectMemberEntity)
  listProjectMembers(
    @CurrentProject() project: ProjectRef,
    @Query() query: ListMembersQuery,
  ): Promise<Page<ProjectMemberEntityDto>> {
    return this.members.list(project, query);
  }

  @Post()
  @HttpCode(201)
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.Create })
  @ApiResult(null, { status: 201 })
  async createProjectMember(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('project_name_or_id') projectKey: string,
    @Body() body: ProjectMember,
    @Ip() clientIp: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const id = await this.members.create(project, body, { principal, clientIp });
    void reply.header('Location', `/api/v2.0/projects/${encodeURIComponent(projectKey)}/members/${id}`);
  }

  @Get(':mid')
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.Read })
  @ApiResult(ZProjectMemberEntity)
  getProjectMember(
    @CurrentProject() project: ProjectRef,
    @Param('mid', memberId) mid: bigint,
  ): Promise<ProjectMemberEntityDto> {
    return this.members.get(project, mid);
  }

  @Put(':mid')
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.Update })
  @ApiResult(null)
  updateProjectMember(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('mid', memberId) mid: bigint,
    @Body() body: RoleRequest,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.members.update(project, mid, body, { principal, clientIp });
  }

  @Delete(':mid')
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.Delete })
  @ApiResult(null)
  deleteProjectMember(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('mid', memberId) mid: bigint,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.members.delete(project, mid, { principal, clientIp });
  }
}
