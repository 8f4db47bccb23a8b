import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';

/**
 * The system settings Berth has, under Harbor's configuration keys. Values live in
 * `system_setting` as plain JSON (a string or a number), so other code may read a key directly.
 */
export const SETTING_DEFAULTS = {
  robot_name_prefix: 'robot$',
  /** Days a new robot's secret stays valid when the request gives no duration. */
  robot_token_duration: 30,
  project_creation_restriction: 'everyone' as 'everyone' | 'adminonly',
  /** Default storage quota for new projects, in bytes; -1 is unlimited. */
  storage_per_project: -1,
};

export type SettingKey = keyof typeof SETTING_DEFAULTS;
export type Settings = typeof SETTING_DEFAULTS;
export const SETTING_KEYS = Object.keys(SETTING_DEFAULTS) as SettingKey[];

/** Harbor clients send numbers as strings at times (`"token_expiration":"300"`); accept both. */
const integer = (message: string) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^-?\d{1,16}$/, message)
        .transform(Number),
    ])
    .pipe(z.number({ message }).int(message).refine(Number.isSafeInteger, message));

const ROBOT_PREFIX_MESSAGE =
  'robot_name_prefix must be 1 to 30 characters without whitespace, ":", "/", "," or "+"';

const fixed = (key: string, why: string) =>
  z.never({ message: `${key} cannot be changed: ${why}` }).optional();

export const ZUpdateConfigurationsRequest = z.strictObject({
  auth_mode: fixed('auth_mode', 'Berth authenticates against its own database (db_auth)'),
  self_registration: fixed('self_registration', 'Berth has no self-registration'),
  primary_auth_mode: fixed('primary_auth_mode', 'Berth has one authentication mode'),
  quota_per_project_enable: fixed('quota_per_project_enable', 'project quotas are always on'),
  // ':' would break Basic credentials and '+' separates a project robot's project from its name.
  robot_name_prefix: z
    .string()
    .regex(/^[^\s:/,+]{1,30}$/, ROBOT_PREFIX_MESSAGE)
    .optional(),
  robot_token_duration: integer('robot_token_duration must be a whole number of days from 1 to 36500')
    .refine(
      (n) => n >= 1 && n <= 36_500,
      'robot_token_duration must be a whole number of days from 1 to 36500',
    )
    .optional(),
  project_creation_restriction: z
    .enum(['everyone', 'adminonly'], {
      message: 'project_creation_restriction must be everyone or adminonly',
    })
    .optional(),
  storage_per_project: integer('storage_per_project must be -1 (unlimited) or a positive number of bytes')
    .refine(
      (n) => n === -1 || n > 0,
      'storage_per_project must be -1 (unlimited) or a positive number of bytes',
    )
    .optional(),
});
export type TUpdateConfigurationsRequest = z.output<typeof ZUpdateConfigurationsRequest>;

export interface ConfigItemDto<T> {
  value: T;
  editable: boolean;
}

const configItem = <T extends z.ZodType>(id: string, value: T) =>
  z.object({ value, editable: z.boolean() }).meta({ id });
const ZStringConfigItem = configItem('StringConfigItem', z.string());
const ZBoolConfigItem = configItem('BoolConfigItem', z.boolean());
const ZIntegerConfigItem = configItem('IntegerConfigItem', z.number().int());

/** Harbor's `ConfigurationsResponse`, the subset Berth has. */
export const ZConfigurationsResponse = z
  .object({
    auth_mode: ZStringConfigItem,
    self_registration: ZBoolConfigItem,
    primary_auth_mode: ZBoolConfigItem,
    quota_per_project_enable: ZBoolConfigItem,
    project_creation_restriction: ZStringConfigItem,
    robot_name_prefix: ZStringConfigItem,
    robot_token_duration: ZIntegerConfigItem,
    storage_per_project: ZIntegerConfigItem,
  })
  .meta({ id: 'ConfigurationsResponse' });
export type ConfigurationsResponseDto = z.infer<typeof ZConfigurationsResponse>;

/** Harbor's `Configurations`: the settings to change, each optional. */
export class Configurations extends zodDto(ZUpdateConfigurationsRequest) {}

export function toConfigurationsResponse(settings: Settings): ConfigurationsResponseDto {
  const editable = <T>(value: T): ConfigItemDto<T> => ({ value, editable: true });
  const fixed = <T>(value: T): ConfigItemDto<T> => ({ value, editable: false });
  return {
    auth_mode: fixed('db_auth'),
    self_registration: fixed(false),
    primary_auth_mode: fixed(false),
    quota_per_project_enable: fixed(true),
    project_creation_restriction: editable(settings.project_creation_restriction),
    robot_name_prefix: editable(settings.robot_name_prefix),
    robot_token_duration: editable(settings.robot_token_duration),
    storage_per_project: editable(settings.storage_per_project),
  };
}
