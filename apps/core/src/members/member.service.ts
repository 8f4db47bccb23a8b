import { Inject, Injectable } from '@nestjs/common';
import {
  Database,
  ProjectMemberRepository,
  RecordNotFoundError,
  UniqueViolationError,
  type MemberEntity,
  type ProjectMember,
  type Tx,
} from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { PROJECT_ROLE_NAMES, type ProjectRole } from '../rbac/rbac-policy.js';
import { pageRequest, toPage, type Page } from '../system/harbor-listing.js';
import { TokenRevocationService } from '../token/token-revocation.service.js';
import type {
  ProjectMemberEntityDto,
  TCreateMemberRequest,
  TListMembersQuery,
  TUpdateMemberRequest,
} from './member.dto.js';

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
    @Inject(Database) private readonly database: Database,
    @Inject(ProjectMemberRepository) private readonly members: ProjectMemberRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  async list(project: ProjectRef, query: TListMembersQuery): Promise<Page<ProjectMemberEntityDto>> {
    const page = pageRequest(query);
    const { total, items } = await this.members.list(project.id, {
      ...(query.entityname ? { entityNameContains: query.entityname } : {}),
      offset: page.offset,
      limit: page.pageSize,
    });
    return toPage(items.map(toMemberDto), total, page);
  }

  async get(project: ProjectRef, memberId: bigint): Promise<ProjectMemberEntityDto> {
    return toMemberDto(await this.find(project, memberId));
  }

  async create(project: ProjectRef, request: TCreateMemberRequest, context: AuditContext): Promise<number> {
    const entity = request.member_group
      ? await this.findGroup(request.member_group)
      : await this.findUser(request.member_user!);
    try {
      const id = await this.database.transaction(async (tx) => {
        const created = await this.members.create(tx, {
          projectId: project.id,
          member: entity.kind === 'user' ? { userId: entity.id } : { groupId: entity.id },
          role: request.role_id,
          repositoryScopes: request.repository_scopes ?? [],
        });
        await this.append(tx, context, project, 'create', entity.name);
        return created;
      });
      return Number(id);
    } catch (error) {
      if (error instanceof UniqueViolationError) {
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
    try {
      await this.revocations.transaction(async (tx, revoke) => {
        await this.members.update(tx, member.id, {
          ...(request.role_id !== undefined ? { role: request.role_id } : {}),
          ...(request.repository_scopes !== undefined ? { repositoryScopes: request.repository_scopes } : {}),
        });
        revoke(await this.members.usernamesOf(tx, member));
        await this.append(tx, context, project, 'update', member.entityName);
      });
    } catch (error) {
      // Removed since it was read.
      if (error instanceof RecordNotFoundError) {
        throw HarborError.notFound(`member ${memberId} not found in project ${project.name}`);
      }
      throw error;
    }
  }

  async delete(project: ProjectRef, memberId: bigint, context: AuditContext): Promise<void> {
    const member = await this.find(project, memberId);
    await this.revocations.transaction(async (tx, revoke) => {
      if (!(await this.members.delete(tx, member.id))) {
        throw HarborError.notFound(`member ${memberId} not found in project ${project.name}`);
      }
      revoke(await this.members.usernamesOf(tx, member));
      await this.append(tx, context, project, 'delete', member.entityName);
    });
  }

  private async findUser(ref: {
    user_id?: number | undefined;
    username?: string | undefined;
  }): Promise<MemberEntity & { kind: 'user' }> {
    const user = await this.members.findUser({
      ...(ref.user_id !== undefined ? { id: BigInt(ref.user_id) } : {}),
      ...(ref.username !== undefined ? { username: ref.username } : {}),
    });
    if (!user) throw HarborError.notFound(`user ${ref.username ?? `with id ${ref.user_id}`} not found`);
    return { kind: 'user', ...user };
  }

  /** As Harbor, an id wins over a name; groups are created through `/usergroups`, never here. */
  private async findGroup(ref: {
    id?: number | undefined;
    group_name?: string | undefined;
  }): Promise<MemberEntity & { kind: 'group' }> {
    const group = await this.members.findGroup(
      ref.id !== undefined && ref.id > 0 ? { id: BigInt(ref.id) } : { name: ref.group_name! },
    );
    if (!group) throw HarborError.notFound(`user group ${ref.group_name ?? `with id ${ref.id}`} not found`);
    return { kind: 'group', ...group };
  }

  private async find(project: ProjectRef, memberId: bigint): Promise<ProjectMember> {
    const member = await this.members.find(project.id, memberId);
    if (!member) throw HarborError.notFound(`member ${memberId} not found in project ${project.name}`);
    return member;
  }

  private append(tx: Tx, context: AuditContext, project: ProjectRef, operation: string, entityName: string) {
    return this.audit.append(tx, {
      projectId: project.id,
      operation,
      resourceType: 'member',
      resource: `${project.name}:${entityName}`,
      username: principalName(context.principal),
      clientIp: context.clientIp,
    });
  }
}

function toMemberDto(member: ProjectMember): ProjectMemberEntityDto {
  return {
    id: Number(member.id),
    project_id: Number(member.projectId),
    entity_name: member.entityName,
    role_name: PROJECT_ROLE_NAMES[member.role as ProjectRole] ?? 'unknown',
    role_id: member.role,
    entity_id: Number(member.userId ?? member.groupId),
    entity_type: member.groupId !== null ? 'g' : 'u',
    repository_scopes: member.repositoryScopes,
  };
}
