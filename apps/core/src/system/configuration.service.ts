import { Inject, Injectable } from '@nestjs/common';
import { Database, SystemSettingRepository } from '@berth/db';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import {
  SETTING_DEFAULTS,
  SETTING_KEYS,
  type SettingKey,
  type Settings,
  type TUpdateConfigurationsRequest,
} from './configuration.dto.js';

/**
 * Reads and changes the system settings. Nothing is cached: every instance sharing the database
 * sees a change at once, and a read is one indexed query.
 */
@Injectable()
export class ConfigurationService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(SystemSettingRepository) private readonly settingsStore: SystemSettingRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async settings(): Promise<Settings> {
    const stored = await this.settingsStore.values(SETTING_KEYS);
    const settings: Settings = { ...SETTING_DEFAULTS };
    for (const [key, value] of stored) {
      // A value of the wrong type (hand-edited row) falls back to the default rather than failing.
      if (typeof value === typeof SETTING_DEFAULTS[key as SettingKey])
        (settings as Record<string, unknown>)[key] = value;
    }
    return settings;
  }

  async get<K extends SettingKey>(key: K): Promise<Settings[K]> {
    const value = await this.settingsStore.value(key);
    return value !== undefined && typeof value === typeof SETTING_DEFAULTS[key]
      ? (value as Settings[K])
      : SETTING_DEFAULTS[key];
  }

  async update(
    changes: TUpdateConfigurationsRequest,
    principal: Principal,
    clientIp: string,
  ): Promise<Settings> {
    const entries = SETTING_KEYS.flatMap((key) =>
      changes[key] === undefined ? [] : [[key, changes[key]] as const],
    );
    if (entries.length) {
      await this.database.transaction(async (tx) => {
        await this.settingsStore.put(tx, entries);
        await this.audit.append(tx, {
          operation: 'update',
          resourceType: 'configuration',
          resource: entries.map(([key]) => key).join(','),
          username: principalName(principal),
          clientIp,
        });
      });
    }
    return this.settings();
  }
}
