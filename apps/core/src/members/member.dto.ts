import picomatch from 'picomatch';
import { z } from 'zod';
import { ZId } from '../common/request-values.js';
import { zodDto } from '../common/zod-dto.js';
import { ProjectRole } from '../rbac/rbac-policy.js';
import { ZPageParams } from '../system/harbor-listing.js';

const ROLE_IDS = Object.values(ProjectRole) as number[];
const ROLE_MESSAGE =
  'role_id must be 1 (projectAdmin), 2 (developer), 3 (guest), 4 (maintainer) or 5 (limitedGuest)';

export const ZRoleId = z
  .number({ message: ROLE_MESSAGE })
  .int(ROLE_MESSAGE)
  .refine((id) => ROLE_IDS.includes(id), ROLE_MESSAGE);

// Repository paths inside a project, with glob characters: no leading "/", no "..", no spaces.
const GLOB_PATTERN = /^[a-z0-9._\-/*?[\]{}!,]+$/;
const GLOB_MESSAGE =
  'each repository scope is a glob over repository paths inside the project, e.g. "team-a/**" ' +
  '(lower-case letters, digits, ".", "_", "-", "/" and glob characters * ? [ ] { } , !)';

export const ZRepositoryScope = z
  .string({ message: GLOB_MESSAGE })
  .min(1, GLOB_MESSAGE)
  .max(255, GLOB_MESSAGE)
  .regex(GLOB_PATTERN, GLOB_MESSAGE)
  .refine((glob) => !glob.startsWith('/') && !glob.split('/').includes('..'), GLOB_MESSAGE)
  .refine((glob) => {
    try {
      picomatch.makeRe(glob, { strictBrackets: true });
      return true;
    } catch {
      return false;
    }
  }, GLOB_MESSAGE);

/** Beyond Harbor: globs narrowing a member to some repositories; empty means the whole project. */
export const ZRepositoryScopes = z.array(ZRepositoryScope).max(50, 'at most 50 repository scopes');

const ZMemberUser = z
  .strictObject({
    user_id: z.number().int().positive('member_user.user_id must be a positive integer').optional(),
    username: z.string().min(1).max(255).optional(),
  })
  .refine(
    (user) => user.user_id !== undefined || user.username !== undefined,
    'member_user needs user_id or username',
  );

/** Harbor's `UserGroup` naming an existing group by id or name (groups are not created here). */
const ZMemberGroup = z
  .strictObject({
    id: z.number().int().positive('member_group.id must be a positive integer').optional(),
    group_name: z.string().min(1).max(255).optional(),
    group_type: z.number().int().optional(),
    ldap_group_dn: z.string().max(1024).optional(),
  })
  .refine(
    (group) => (group.id !== undefined && group.id > 0) || group.group_name !== undefined,
    'member_group needs id or group_name',
  );

/** Harbor's ProjectMember, plus `repository_scopes`: exactly one of member_user and member_group. */
export const ZCreateMemberRequest = z
  .strictObject({
    role_id: ZRoleId,
    member_user: ZMemberUser.optional(),
    member_group: ZMemberGroup.optional(),
    repository_scopes: ZRepositoryScopes.optional(),
  })
  .refine(
    (body) => (body.member_user === undefined) !== (body.member_group === undefined),
    'give exactly one of member_user and member_group',
  );
export type TCreateMemberRequest = z.output<typeof ZCreateMemberRequest>;

/** Harbor's RoleRequest, plus `repository_scopes`; at least one of them. */
export const ZUpdateMemberRequest = z
  .strictObject({
    role_id: ZRoleId.optional(),
    repository_scopes: ZRepositoryScopes.optional(),
  })
  .refine(
    (body) => body.role_id !== undefined || body.repository_scopes !== undefined,
    'role_id (or repository_scopes) is required',
  );
export type TUpdateMemberRequest = z.output<typeof ZUpdateMemberRequest>;

export const ZListMembersQuery = z.strictObject({
  ...ZPageParams,
  entityname: z.string().max(255).optional(),
});
export type TListMembersQuery = z.output<typeof ZListMembersQuery>;

export const ZMemberId = ZId;

/** Harbor's ProjectMemberEntity, plus `repository_scopes`. */
export const ZProjectMemberEntity = z
  .object({
    id: z.number().int(),
    project_id: z.number().int(),
    entity_name: z.string(),
    role_name: z.string(),
    role_id: z.number().int(),
    entity_id: z.number().int(),
    entity_type: z.enum(['u', 'g']).describe('u: a user; g: a user group'),
    repository_scopes: z.array(z.string()).describe('Berth: globs narrowing the member to some repositories'),
  })
  .meta({ id: 'ProjectMemberEntity' });
export type ProjectMemberEntityDto = z.infer<typeof ZProjectMemberEntity>;

export class ProjectMember extends zodDto(ZCreateMemberRequest) {}
export class RoleRequest extends zodDto(ZUpdateMemberRequest) {}
export class ListMembersQuery extends zodDto(ZListMembersQuery) {}
