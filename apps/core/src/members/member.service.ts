import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { DatabaseService } from '../database/database.service.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { PROJECT_ROLE_NAMES, type ProjectRole } from '../rbac/rbac-policy.js';
import { likeEscape, pageRequest, toPage, type Page } from '../system/harbor-listing.js';
import { TokenRevocationService } from '../token/token-revocation.service.js';
import type {
  ProjectMemberEntityDto,
  TCreateMemberRequest,
  TListMembersQuery,
  TUpdateMemberRequest,
} from './member.dto.js';

const memberInclude = {
  user: { select: { username: true } },
  group: { select: { name: true } },
} satisfies Prisma.ProjectMemberInclude;
type MemberRow = Prisma.ProjectMemberGetPayload<{ include: typeof memberInclude }>;

export interface AuditContext {
  principal: Principal;
  clientIp: string;
}

/**
 * Project members: users and user groups with one of Harbor's five roles, optionally narrowed to
 * repositories by glob (`repository_scopes`, which AccessControlService applies). Like Harbor,
 * nothing stops the last project admin from being removed or demoted: system administrators can
 * always step in. A member demoted or removed loses the registry tokens issued with the old role
 * (for a group: each of its users).
 */
@Injectable()
export class MemberService {
  constructor(
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  async list(project: ProjectRef, query: TListMembersQuery): Promise<Page<ProjectMemberEntityDto>> {
    const page = pageRequest(query);
    const where: Prisma.ProjectMemberWhereInput = {
      projectId: project.id,
      ...(query.entityname
        ? {
            OR: [
              { user: { username: { contains: likeEscape(query.entityname) } } },
              { group: { name: { contains: likeEscape(query.entityname) } } },
            ],
          }
        : {}),
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
    const entity = request.member_group
      ? await this.findGroup(request.member_group)
      : await this.findUser(request.member_user!);
    try {
      const member = await this.database.prisma.projectMember.create({
        data: {
          projectId: project.id,
          ...(entity.kind === 'user' ? { userId: entity.id } : { groupId: entity.id }),
          role: request.role_id,
          repositoryScopes: request.repository_scopes ?? [],
        },
      });
      await this.record(context, project, 'create', entity.name);
      return Number(member.id);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw HarborError.conflict(
          `${entity.kind} ${entity.name} is already a member of project ${project.name}`,
        );
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
    await this.revocations.transaction(async (tx, revoke) => {
      await tx.projectMember.update({
        where: { id: member.id },
        data: {
          ...(request.role_id !== undefined ? { role: request.role_id } : {}),
          ...(request.repository_scopes !== undefined ? { repositoryScopes: request.repository_scopes } : {}),
        },
      });
      revoke(await usernamesOf(tx, member));
    });
    await this.record(context, project, 'update', entityName(member));
  }

  async delete(project: ProjectRef, memberId: bigint, context: AuditContext): Promise<void> {
    const member = await this.find(project, memberId);
    await this.revocations.transaction(async (tx, revoke) => {
      const { count } = await tx.projectMember.deleteMany({ where: { id: member.id } });
      if (count === 0) throw HarborError.notFound(`member ${memberId} not found in project ${project.name}`);
      revoke(await usernamesOf(tx, member));
    });
    await this.record(context, project, 'delete', entityName(member));
  }

  private async findUser(ref: { user_id?: number | undefined; username?: string | undefined }) {
    const user = await this.database.prisma.user.findFirst({
      where: {
        ...(ref.user_id !== undefined ? { id: BigInt(ref.user_id) } : {}),
        ...(ref.username !== undefined ? { username: ref.username } : {}),
      },
    });
    if (!user) throw HarborError.notFound(`user ${ref.username ?? `with id ${ref.user_id}`} not found`);
    return { kind: 'user' as const, id: user.id, name: user.username };
  }

  /** As Harbor, an id wins over a name; groups are created through `/usergroups`, never here. */
  private async findGroup(ref: { id?: number | undefined; group_name?: string | undefined }) {
    const group = await this.database.prisma.userGroup.findFirst({
      where: ref.id !== undefined && ref.id > 0 ? { id: BigInt(ref.id) } : { name: ref.group_name! },
    });
    if (!group) throw HarborError.notFound(`user group ${ref.group_name ?? `with id ${ref.id}`} not found`);
    return { kind: 'group' as const, id: group.id, name: group.name };
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

/** Whose registry tokens a change of this membership concerns (read in the changing transaction). */
async function usernamesOf(tx: Prisma.TransactionClient, member: MemberRow): Promise<string[]> {
  if (member.user) return [member.user.username];
  if (member.groupId === null) return [];
  const rows = await tx.userGroupMember.findMany({
    where: { groupId: member.groupId },
    select: { user: { select: { username: true } } },
  });
  return rows.map((row) => row.user.username);
}

function entityName(row: MemberRow): string {
  return row.user?.username ?? row.group?.name ?? '';
}

function toMemberDto(row: MemberRow): ProjectMemberEntityDto {
  return {
    id: Number(row.id),
    project_id: Number(row.projectId),
    entity_name: entityName(row),
    role_name: PROJECT_ROLE_NAMES[row.role as ProjectRole] ?? 'unknown',
    role_id: row.role,
    entity_id: Number(row.userId ?? row.groupId),
    entity_type: row.groupId !== null ? 'g' : 'u',
    repository_scopes: Array.isArray(row.repositoryScopes) ? (row.repositoryScopes as string[]) : [],
  };
}
