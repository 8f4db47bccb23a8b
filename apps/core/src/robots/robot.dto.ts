import { z } from 'zod';

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

const ZPageNumber = z.coerce.number().int().min(1).max(1_000_000);

export const ZListRobotsQuery = z.strictObject({
  q: z.string().max(1024).optional(),
  sort: z.string().max(256).optional(),
  page: ZPageNumber.optional(),
  page_size: z.coerce.number().int().min(1).max(100, 'page_size must be at most 100').optional(),
});
export type TListRobotsQuery = z.infer<typeof ZListRobotsQuery>;

/** Harbor's `Robot` (the secret is never shown again). */
export interface RobotDto {
  id: number;
  name: string;
  description: string;
  level: string;
  duration: number;
  editable: boolean;
  disable: boolean;
  /** Unix seconds; -1 never expires. */
  expires_at: number;
  permissions: TRobotPermission[];
  creator_type: string;
  creator_ref: number;
  creation_time: string;
  update_time: string;
}

/** Harbor's `RobotCreated`: the only time the secret is shown. */
export interface RobotCreatedDto {
  id: number;
  name: string;
  secret: string;
  creation_time: string;
  expires_at: number;
}

/** Harbor's `RobotSec`. */
export interface RobotSecretDto {
  secret: string;
}

export interface RobotPage {
  items: RobotDto[];
  total: number;
  page: number;
  pageSize: number;
}
