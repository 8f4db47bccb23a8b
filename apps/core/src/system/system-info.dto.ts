/** Harbor's `GeneralInfo`: the public part for everyone, the rest only for signed-in callers. */
export interface GeneralInfoDto {
  auth_mode: string;
  primary_auth_mode: boolean;
  self_registration: boolean;
  harbor_version?: string;
  external_url?: string;
  registry_url?: string;
  project_creation_restriction?: string;
  has_ca_root?: boolean;
  read_only?: boolean;
  notification_enable?: boolean;
  registry_storage_provider_name?: string;
  current_time?: string;
}
