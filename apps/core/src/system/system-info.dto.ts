import { z } from 'zod';

/** Harbor's `GeneralInfo`: the public part for everyone, the rest only for signed-in callers. */
export const ZGeneralInfo = z
  .object({
    auth_mode: z.string(),
    primary_auth_mode: z.boolean(),
    self_registration: z.boolean(),
    harbor_version: z.string().optional(),
    external_url: z.string().optional(),
    registry_url: z.string().optional(),
    project_creation_restriction: z.string().optional(),
    has_ca_root: z.boolean().optional(),
    read_only: z.boolean().optional(),
    notification_enable: z.boolean().optional(),
    registry_storage_provider_name: z.string().optional(),
    current_time: z.string().optional(),
  })
  .meta({ id: 'GeneralInfo' });
export type GeneralInfoDto = z.infer<typeof ZGeneralInfo>;
