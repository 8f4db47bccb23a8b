import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { principalName, type Principal } from '../auth/principal.js';
import { DatabaseService } from '../database/database.service.js';
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
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async settings(): Promise<Settings> {
    const rows = await this.database.prisma.systemSetting.findMany({
      where: { key: { in: SETTING_KEYS } },
    });
    const settings: Settings = { ...SETTING_DEFAULTS };
    for (const row of rows) {
      const key = row.key as SettingKey;
      // A value of the wrong type (hand-edited row) falls back to the default rather than failing.
      if (typeof row.value === typeof SETTING_DEFAULTS[key])
        (settings as Record<string, unknown>)[key] = row.value;
    }
    return settings;
  }

  async get<K extends SettingKey>(key: K): Promise<Settings[K]> {
    const row = await this.database.prisma.systemSetting.findUnique({ where: { key } });
    return row && typeof row.value === typeof SETTING_DEFAULTS[key]
      ? (row.value as Settings[K])
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
      await this.database.prisma.$transaction(
        entries.map(([key, value]) =>
          this.database.prisma.systemSetting.upsert({
            where: { key },
            create: { key, value },
            update: { value },
          }),
        ),
      );
      await this.audit.record({
        operation: 'update',
        resourceType: 'configuration',
        resource: entries.map(([key]) => key).join(','),
        username: principalName(principal),
        clientIp,
      });
    }
    return this.settings();
  }
}
