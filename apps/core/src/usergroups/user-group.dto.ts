import { z } from 'zod';
import { ZId } from '../common/request-values.js';
import { zodDto } from '../common/zod-dto.js';
import { ZPageParams } from '../system/harbor-listing.js';

/** Harbor's group types. Berth authenticates against its own database only: its groups are HTTP's. */
export const GroupType = { Ldap: 1, Http: 2, Oidc: 3 } as const;
export type GroupType = (typeof GroupType)[keyof typeof GroupType];

export const ZGroupId = ZId;
export const ZGroupMemberUserId = ZId;

const NAME_MESSAGE = 'group_name must be 1 to 255 characters without control characters';
export const ZGroupName = z
  .string({ message: 'group_name is required' })
  .trim()
  .min(1, NAME_MESSAGE)
  .max(255, NAME_MESSAGE)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, NAME_MESSAGE);

const GROUP_TYPE_MESSAGE =
  'group_type must be 2 (a local group): LDAP (1) and OIDC (3) groups need an LDAP or OIDC ' +
  'authentication mode, and this registry authenticates against its own database';

/** Harbor's `UserGroup` as `POST /usergroups` takes it; `id` is read-only and ignored. */
export const ZCreateUserGroupRequest = z.strictObject({
  id: z.number().int().optional(),
  group_name: ZGroupName,
  group_type: z
    .number({ message: GROUP_TYPE_MESSAGE })
    .int(GROUP_TYPE_MESSAGE)
    .refine((type) => type === GroupType.Http, GROUP_TYPE_MESSAGE)
    .optional(),
  ldap_group_dn: z.literal('', { message: 'ldap_group_dn is only for LDAP groups' }).optional(),
});
export type TCreateUserGroupRequest = z.output<typeof ZCreateUserGroupRequest>;

/** Harbor's `UserGroup` as `PUT /usergroups/{id}` takes it: only the name changes, as in Harbor. */
export const ZUpdateUserGroupRequest = z.strictObject({
  id: z.number().int().optional(),
  group_name: ZGroupName,
  group_type: z.number().int().optional(),
  ldap_group_dn: z.string().max(1024).optional(),
});
export type TUpdateUserGroupRequest = z.output<typeof ZUpdateUserGroupRequest>;

export const ZListUserGroupsQuery = z.strictObject({
  ...ZPageParams,
  group_name: z.string().max(255, 'group_name is too long').optional(),
  ldap_group_dn: z.string().max(1024, 'ldap_group_dn is too long').optional(),
});
export type TListUserGroupsQuery = z.output<typeof ZListUserGroupsQuery>;

export const ZSearchUserGroupsQuery = z.strictObject({
  ...ZPageParams,
  groupname: z
    .string({ message: 'groupname is required' })
    .min(1, 'groupname is required')
    .max(255, 'groupname is too long'),
});
export type TSearchUserGroupsQuery = z.output<typeof ZSearchUserGroupsQuery>;

export const ZListGroupMembersQuery = z.strictObject({ ...ZPageParams });
export type TListGroupMembersQuery = z.output<typeof ZListGroupMembersQuery>;

/** Beyond Harbor: a local user to put in a group, by id or name. */
export const ZAddGroupMemberRequest = z
  .strictObject({
    user_id: z.number().int().positive('user_id must be a positive integer').optional(),
    username: z.string().min(1).max(255).optional(),
  })
  .refine(
    (body) => body.user_id !== undefined || body.username !== undefined,
    'user_id or username is required',
  );
export type TAddGroupMemberRequest = z.output<typeof ZAddGroupMemberRequest>;

/** Harbor's `UserGroup`. */
export const ZUserGroup = z
  .object({
    id: z.number().int(),
    group_name: z.string(),
    group_type: z.number().int(),
    ldap_group_dn: z.string(),
  })
  .meta({ id: 'UserGroup' });
export type UserGroupDto = z.infer<typeof ZUserGroup>;

/** Harbor's `UserGroupSearchItem`. */
export const ZUserGroupSearchItem = z
  .object({ id: z.number().int(), group_name: z.string(), group_type: z.number().int() })
  .meta({ id: 'UserGroupSearchItem' });
export type UserGroupSearchItemDto = z.infer<typeof ZUserGroupSearchItem>;

/** Beyond Harbor: a user in a local group (the fields of Harbor's `UserSearchRespItem`). */
export const ZUserGroupMember = z
  .object({ user_id: z.number().int(), username: z.string() })
  .meta({ id: 'UserGroupMember' });
export type GroupMemberDto = z.infer<typeof ZUserGroupMember>;

export class UserGroupCreate extends zodDto(ZCreateUserGroupRequest) {}
export class UserGroupUpdate extends zodDto(ZUpdateUserGroupRequest) {}
export class UserGroupMemberReq extends zodDto(ZAddGroupMemberRequest) {}
export class ListUserGroupsQuery extends zodDto(ZListUserGroupsQuery) {}
export class SearchUserGroupsQuery extends zodDto(ZSearchUserGroupsQuery) {}
export class ListUserGroupMembersQuery extends zodDto(ZListGroupMembersQuery) {}
