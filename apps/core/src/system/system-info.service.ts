import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { ConfigurationService } from './configuration.service.js';
import { registryHost } from './external-url.js';
import type { GeneralInfoDto } from './system-info.dto.js';

/** `apps/core/package.json`'s version: the same relative path from `src/system` and `dist/system`. */
export const BERTH_VERSION: string = (() => {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();

@Injectable()
export class SystemInfoService {
  constructor(
    @Inject(ConfigurationService) private readonly configuration: ConfigurationService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /**
   * Anonymous callers learn only how to sign in; the version, URLs and policies are for signed-in
   * callers (as Harbor's "protected" part), so a scanner cannot fingerprint the release.
   */
  async info(principal: Principal, requestUrl: string): Promise<GeneralInfoDto> {
    const externalUrl = this.config.externalUrl ?? requestUrl;
    const info: GeneralInfoDto = { auth_mode: 'db_auth', primary_auth_mode: false, self_registration: false };
    if (principal.kind === 'anonymous') return info;
    return {
      ...info,
      harbor_version: BERTH_VERSION,
      external_url: externalUrl,
      registry_url: registryHost(externalUrl),
      project_creation_restriction: await this.configuration.get('project_creation_restriction'),
      has_ca_root: false,
      read_only: false,
      notification_enable: false,
      registry_storage_provider_name: 'filesystem',
      current_time: new Date().toISOString(),
    };
  }
}
