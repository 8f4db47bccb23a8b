import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';
import { queryBoolean, ZId } from '../common/request-values.js';
import { ZPageParams } from '../system/harbor-listing.js';
import {
  COMMENT_MAX,
  EMAIL_MAX,
  isValidEmail,
  isValidPassword,
  isValidRealname,
  isValidUsername,
  PASSWORD_POLICY_MESSAGE,
  REALNAME_MAX,
  USERNAME_RULE_MESSAGE,
} from './user-rules.js';

/** Route parameter `user_id`: a positive 64-bit integer. */
export const ZUserId = ZId;

const password = z
  .string({ message: 'password is required' })
  .refine(isValidPassword, PASSWORD_POLICY_MESSAGE);
const email = z
  .string({ message: 'email is required' })
  .refine((value) => value.length > 0, "email can't be empty")
  .refine(isValidEmail, `email with illegal format (at most ${EMAIL_MAX} characters)`);
const realname = z
  .string({ message: 'realname is required' })
  .refine(isValidRealname, `realname must be 1 to ${REALNAME_MAX} characters without , ~ # $ %`);
const comment = z.string().max(COMMENT_MAX, `comment must be at most ${COMMENT_MAX} characters`);

/** Harbor's `UserCreationReq`. */
export const ZCreateUserRequest = z.strictObject({
  username: z.string({ message: 'username is required' }).refine(isValidUsername, USERNAME_RULE_MESSAGE),
  email,
  realname,
  password,
  comment: comment.optional(),
});
export type TCreateUserRequest = z.output<typeof ZCreateUserRequest>;

/** Harbor's `UserProfile`: fields left out keep their value. */
export const ZUserProfileRequest = z.strictObject({
  email: email.optional(),
  realname: realname.optional(),
  comment: comment.optional(),
});
export type TUserProfileRequest = z.output<typeof ZUserProfileRequest>;

/** Harbor's `PasswordReq`. */
export const ZPasswordRequest = z.strictObject({
  old_password: z.string().max(1024, 'old_password is too long').optional(),
  new_password: z
    .string({ message: 'new_password is required' })
    .refine(isValidPassword, PASSWORD_POLICY_MESSAGE),
});
export type TPasswordRequest = z.output<typeof ZPasswordRequest>;

/** Harbor's `UserSysAdminFlag`. */
export const ZSysAdminFlagRequest = z.strictObject({
  sysadmin_flag: z.boolean({ message: 'sysadmin_flag must be true or false' }),
});
export type TSysAdminFlagRequest = z.output<typeof ZSysAdminFlagRequest>;

/** Harbor's `OIDCCliSecretReq`. */
export const ZCliSecretRequest = z.strictObject({
  secret: z.string({ message: 'secret is required' }).refine(isValidPassword, PASSWORD_POLICY_MESSAGE),
});
export type TCliSecretRequest = z.output<typeof ZCliSecretRequest>;

const boundedText = (name: string, max = 255) => z.string().max(max, `${name} is too long`).optional();

export const ZListUsersQuery = z.strictObject({
  q: boundedText('q', 2048),
  sort: boundedText('sort'),
  // Harbor's handler also takes these two as fuzzy filters outside `q`.
  username: boundedText('username'),
  email: boundedText('email'),
  ...ZPageParams,
});
export type TListUsersQuery = z.output<typeof ZListUsersQuery>;

export const ZSearchUsersQuery = z.strictObject({
  username: z
    .string({ message: 'username is required' })
    .min(1, 'username is required')
    .max(255, 'username is too long'),
  ...ZPageParams,
});
export type TSearchUsersQuery = z.output<typeof ZSearchUsersQuery>;

export const ZPermissionsQuery = z.strictObject({
  scope: boundedText('scope', 512),
  relative: queryBoolean('relative').optional(),
});
export type TPermissionsQuery = z.output<typeof ZPermissionsQuery>;

/** Harbor's `OIDCUserInfo`: here, where the user's CLI secret is shown back to its owner. */
export const ZOidcUserInfo = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    subiss: z.string(),
    secret: z.string(),
    creation_time: z.string(),
    update_time: z.string(),
  })
  .meta({ id: 'OIDCUserInfo' });
export type OidcUserInfoDto = z.infer<typeof ZOidcUserInfo>;

/** Harbor's `UserResp`. */
export const ZUserResp = z
  .object({
    user_id: z.number().int(),
    username: z.string(),
    email: z.string(),
    realname: z.string(),
    comment: z.string(),
    sysadmin_flag: z.boolean(),
    admin_role_in_auth: z.boolean(),
    creation_time: z.string(),
    update_time: z.string(),
    oidc_user_meta: ZOidcUserInfo.optional(),
  })
  .meta({ id: 'UserResp' });
export type UserResponseDto = z.infer<typeof ZUserResp>;

/** Harbor's `UserSearchRespItem`. */
export const ZUserSearchRespItem = z
  .object({ user_id: z.number().int(), username: z.string() })
  .meta({ id: 'UserSearchRespItem' });
export type UserSearchItemDto = z.infer<typeof ZUserSearchRespItem>;

/** Harbor's `Permission`. */
export const ZPermission = z.object({ resource: z.string(), action: z.string() }).meta({ id: 'Permission' });
export type PermissionDto = z.infer<typeof ZPermission>;

export class UserCreationReq extends zodDto(ZCreateUserRequest) {}
export class UserProfile extends zodDto(ZUserProfileRequest) {}
export class PasswordReq extends zodDto(ZPasswordRequest) {}
export class UserSysAdminFlag extends zodDto(ZSysAdminFlagRequest) {}
export class OIDCCliSecretReq extends zodDto(ZCliSecretRequest) {}
export class ListUsersQuery extends zodDto(ZListUsersQuery) {}
export class SearchUsersQuery extends zodDto(ZSearchUsersQuery) {}
export class PermissionsQuery extends zodDto(ZPermissionsQuery) {}
