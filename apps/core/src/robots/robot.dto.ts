import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';
import { ZPageParams } from '../system/harbor-listing.js';

/** Harbor's robot name rule; `+` and `$` are reserved for the full name (`robot$project+name`). */
export const ROBOT_NAME_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const MAX_DURATION_DAYS = 2 ** 31 - 2;

const ZAccess = z.strictObject({
  resource: z.string().min(1).max(64),
  action: z.string().min(1).max(32),
  effect: z.enum(['allow', 'deny']).optional(),
});

const ZRobotPermission = z.strictObject({
  kind: z.enum(['project', 'system'], { error: 'kind must be project or system' }),
  namespace: z.string().min(1).max(255),
  access: z.array(ZAccess).min(1, 'access must not be empty').max(200),
});
export type TRobotPermission = z.infer<typeof ZRobotPermission>;

/** Harbor's `Access`, as answers carry it. */
export const ZAccessDto = z
  .object({ resource: z.string(), action: z.string(), effect: z.enum(['allow', 'deny']).optional() })
  .meta({ id: 'Access' });

/** Harbor's `RobotPermission`, as answers carry it. */
export const ZRobotPermissionDto = z
  .object({ kind: z.enum(['project', 'system']), namespace: z.string(), access: z.array(ZAccessDto) })
  .meta({ id: 'RobotPermission' });

const ZLevel = z.enum(['system', 'project'], { error: 'level must be system or project' });
const ZDuration = z
  .number()
  .int()
  .min(-1, 'duration must be -1 (never expires) or a number of days')
  .max(MAX_DURATION_DAYS);
const ZDescription = z.string().max(1024);
const ZSecret = z.string().max(128);
const ZPermissions = z.array(ZRobotPermission).min(1, 'permissions must not be empty').max(100);

/** Harbor's `RobotCreate`. */
export const ZCreateRobotRequest = z.strictObject({
  name: z
    .string()
    .max(200)
    .regex(ROBOT_NAME_PATTERN, 'robot name must be lower case letters and digits, joined by ".", "_" or "-"'),
  description: ZDescription.optional(),
  secret: ZSecret.optional(),
  level: ZLevel,
  disable: z.boolean().optional(),
  duration: ZDuration.optional(),
  permissions: ZPermissions,
});
export type TCreateRobotRequest = z.infer<typeof ZCreateRobotRequest>;

/** Harbor's `Robot`, as `PUT /robots/{id}` takes it back (read-only fields are accepted and ignored). */
export const ZUpdateRobotRequest = z.strictObject({
  id: z.number().int().optional(),
  name: z.string().max(512),
  description: ZDescription.optional(),
  secret: ZSecret.optional(),
  level: ZLevel,
  duration: ZDuration.nullable().optional(),
  editable: z.boolean().optional(),
  disable: z.boolean().optional(),
  expires_at: z.number().int().optional(),
  permissions: ZPermissions,
  creator_type: z.string().max(64).optional(),
  creator_ref: z.number().int().optional(),
  creation_time: z.string().max(64).optional(),
  update_time: z.string().max(64).optional(),
});
export type TUpdateRobotRequest = z.infer<typeof ZUpdateRobotRequest>;

/** Harbor's `RobotSec`. */
export const ZRefreshRobotSecretRequest = z.strictObject({ secret: ZSecret.optional() });
export type TRefreshRobotSecretRequest = z.infer<typeof ZRefreshRobotSecretRequest>;

export const ZListRobotsQuery = z.strictObject({
  q: z.string().max(1024).optional(),
  sort: z.string().max(256).optional(),
  ...ZPageParams,
});
export type TListRobotsQuery = z.infer<typeof ZListRobotsQuery>;

/** Harbor's `Robot` (the secret is never shown again). */
export const ZRobot = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    level: z.string(),
    duration: z.number().int(),
    editable: z.boolean(),
    disable: z.boolean(),
    /** Unix seconds; -1 never expires. */
    expires_at: z.number().int(),
    permissions: z.array(ZRobotPermissionDto),
    creator_type: z.string(),
    creator_ref: z.number().int(),
    creation_time: z.string(),
    update_time: z.string(),
  })
  .meta({ id: 'Robot' });
export type RobotDto = z.infer<typeof ZRobot>;

/** Harbor's `RobotCreated`: the only time the secret is shown. */
export const ZRobotCreated = z
  .object({
    id: z.number().int(),
    name: z.string(),
    secret: z.string(),
    creation_time: z.string(),
    expires_at: z.number().int(),
  })
  .meta({ id: 'RobotCreated' });
export type RobotCreatedDto = z.infer<typeof ZRobotCreated>;

/** Harbor's `RobotSec`. */
export const ZRobotSec = z.object({ secret: z.string() }).meta({ id: 'RobotSec' });
export type RobotSecretDto = z.infer<typeof ZRobotSec>;

export interface RobotPage {
  items: RobotDto[];
  total: number;
  page: number;
  pageSize: number;
}

export class RobotCreate extends zodDto(ZCreateRobotRequest) {}
export class RobotUpdate extends zodDto(ZUpdateRobotRequest) {}
export class RobotSecretReq extends zodDto(ZRefreshRobotSecretRequest) {}
export class ListRobotsQuery extends zodDto(ZListRobotsQuery) {}
