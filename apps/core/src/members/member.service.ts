import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { DatabaseService } from '../database/database.service.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { PROJECT_ROLE_NAMES, type ProjectRole } from '../rbac/rbac-policy.js';
import { likeEscape, pageRequest, toPage, type Page } from '../system/harbor-listing.js';
import type {
  ProjectMemberEntityDto,
  TCreateMemberRequest,
  TListMembersQuery,
  TUpdateMemberRequest,
} from './member.dto.js';

const memberInclude = { user: { select: { username: true } } } satisfies Prisma.ProjectMemberInclude;
type MemberRow = Prisma.ProjectMemberGetPayload<{ include: typeof memberInclude }>;

export interface AuditContext {
  principal: Principal;
  clientIp: string;
}

/**
 * Project members: users with one of Harbor's five roles, optionally narrowed to repositories by
 * glob (`repository_scopes`, which AccessControlService applies). Like Harbor, nothing stops the
 * last project admin from being removed or demoted: system administrators can always step in.
 */
@Injectable()
export class MemberService {
  constructor(
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(project: ProjectRef, query: TListMembersQuery): Promise<Page<ProjectMemberEntityDto>> {
    const page = pageRequest(query);
    const where: Prisma.ProjectMemberWhereInput = {
      projectId: project.id,
      ...(query.entityname ? { user: { username: { contains: likeEscape(query.entityname) } } } : {}),
    };
    const prisma = this.database.prisma;
    const [total, rows] = await Promise.all([
      prisma.projectMember.count({ where }),
      prisma.projectMember.findMany({
        where,
        include: memberInclude,
        orderBy: [{ role: 'asc' }, { id: 'asc' }],
        skip: page.offset,
        take: page.pageSize,
      }),
    ]);
    return toPage(rows.map(toMemberDto), total, page);
  }

  async get(project: ProjectRef, memberId: bigint): Promise<ProjectMemberEntityDto> {
    return toMemberDto(await this.find(project, memberId));
  }

  async create(project: ProjectRef, request: TCreateMemberRequest, context: AuditContext): Promise<number> {
    if (request.member_group !== undefined && request.member_group !== null) {
      throw HarborError.badRequest('group members are not supported yet: add users with member_user');
    }
    if (!request.member_user) throw HarborError.badRequest('member_user is required');
    const { user_id: userId, username } = request.member_user;
    const prisma = this.database.prisma;
    const user = await prisma.user.findFirst({
      where: {
        ...(userId !== undefined ? { id: BigInt(userId) } : {}),
        ...(username !== undefined ? { username } : {}),
      },
    });
    if (!user) {
      throw HarborError.notFound(`user ${username ?? `with id ${userId}`} not found`);
    }
    try {
      const member = await prisma.projectMember.create({
        data: {
          projectId: project.id,
          userId: user.id,
          role: request.role_id,
          repositoryScopes: request.repository_scopes ?? [],
        },
      });
      await this.record(context, project, 'create', user.username);
      return Number(member.id);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw HarborError.conflict(`user ${user.username} is already a member of project ${project.name}`);
      }
      throw error;
    }
  }

  async update(
    project: ProjectRef,
    memberId: bigint,
    request: TUpdateMemberRequest,
    context: AuditContext,
  ): Promise<void> {
    const member = await this.find(project, memberId);
    await this.database.prisma.projectMember.update({
      where: { id: member.id },
      data: {
        ...(request.role_id !== undefined ? { role: request.role_id } : {}),
        ...(request.repository_scopes !== undefined ? { repositoryScopes: request.repository_scopes } : {}),
      },
    });
    await this.record(context, project, 'update', member.user.username);
  }

  async delete(project: ProjectRef, memberId: bigint, context: AuditContext): Promise<void> {
    const member = await this.find(project, memberId);
    const { count } = await this.database.prisma.projectMember.deleteMany({ where: { id: member.id } });
    if (count === 0) throw HarborError.notFound(`member ${memberId} not found in project ${project.name}`);
    await this.record(context, project, 'delete', member.user.username);
  }

  private async find(project: ProjectRef, memberId: bigint): Promise<MemberRow> {
    const member = await this.database.prisma.projectMember.findFirst({
      where: { id: memberId, projectId: project.id },
      include: memberInclude,
    });
    if (!member) throw HarborError.notFound(`member ${memberId} not found in project ${project.name}`);
    return member;
  }

  private record(context: AuditContext, project: ProjectRef, operation: string, username: string) {
    return this.audit.record({
      projectId: project.id,
      operation,
      resourceType: 'member',
      resource: `${project.name}:${username}`,
      username: principalName(context.principal),
      clientIp: context.clientIp,
    });
  }
}

function toMemberDto(row: MemberRow): ProjectMemberEntityDto {
  return {
    id: Number(row.id),
    project_id: Number(row.projectId),
    entity_name: row.user.username,
    role_name: PROJECT_ROLE_NAMES[row.role as ProjectRole] ?? 'unknown',
    role_id: row.role,
    entity_id: Number(row.userId),
    entity_type: 'u',
    repository_scopes: Array.isArray(row.repositoryScopes) ? (row.repositoryScopes as string[]) : [],
  };
}
