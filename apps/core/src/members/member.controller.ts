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
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { Access, CurrentPrincipal, CurrentProject } from '../rbac/access.decorator.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import { PageHeadersInterceptor as HarborPageInterceptor } from '../common/paging.js';
import type { Page } from '../system/harbor-listing.js';
import { ZodValidationPipe } from '../system/zod-validation.pipe.js';
import {
  ZCreateMemberRequest,
  ZListMembersQuery,
  ZMemberId,
  ZUpdateMemberRequest,
  type ProjectMemberEntityDto,
  type TCreateMemberRequest,
  type TListMembersQuery,
  type TUpdateMemberRequest,
} from './member.dto.js';
import { MemberService } from './member.service.js';

@Controller('api/v2.0/projects/:project_name_or_id/members')
export class MemberController {
  constructor(@Inject(MemberService) private readonly members: MemberService) {}

  @Get()
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.List })
  @UseInterceptors(HarborPageInterceptor)
  listProjectMembers(
    @CurrentProject() project: ProjectRef,
    @Query(new ZodValidationPipe(ZListMembersQuery, 'query')) query: TListMembersQuery,
  ): Promise<Page<ProjectMemberEntityDto>> {
    return this.members.list(project, query);
  }

  @Post()
  @HttpCode(201)
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.Create })
  async createProjectMember(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('project_name_or_id') projectKey: string,
    @Body(new ZodValidationPipe(ZCreateMemberRequest, 'request body')) body: TCreateMemberRequest,
    @Ip() clientIp: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const id = await this.members.create(project, body, { principal, clientIp });
    void reply.header('Location', `/api/v2.0/projects/${encodeURIComponent(projectKey)}/members/${id}`);
  }

  @Get(':mid')
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.Read })
  getProjectMember(
    @CurrentProject() project: ProjectRef,
    @Param('mid', new ZodValidationPipe(ZMemberId, 'member id')) mid: bigint,
  ): Promise<ProjectMemberEntityDto> {
    return this.members.get(project, mid);
  }

  @Put(':mid')
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.Update })
  updateProjectMember(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('mid', new ZodValidationPipe(ZMemberId, 'member id')) mid: bigint,
    @Body(new ZodValidationPipe(ZUpdateMemberRequest, 'request body')) body: TUpdateMemberRequest,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.members.update(project, mid, body, { principal, clientIp });
  }

  @Delete(':mid')
  @Access({ scope: 'project', resource: ProjectResource.Member, action: Action.Delete })
  deleteProjectMember(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('mid', new ZodValidationPipe(ZMemberId, 'member id')) mid: bigint,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.members.delete(project, mid, { principal, clientIp });
  }
}
