import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { Database } from '@berth/db';
import type { ComponentHealthStatusDto, OverallHealthStatusDto } from './health.dto.js';

type Check = () => Promise<void>;

@Injectable()
export class HealthService {
  private readonly checks: [name: string, check: Check][];

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {
    this.checks = [
      ['database', () => this.database.ping()],
      ['storage', () => this.checkStorage()],
    ];
  }

  async check(): Promise<OverallHealthStatusDto> {
    const components = await Promise.all(
      this.checks.map(async ([name, check]): Promise<ComponentHealthStatusDto> => {
        try {
          await check();
          return { name, status: 'healthy' };
        } catch (error) {
          return { name, status: 'unhealthy', error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const status = components.every((c) => c.status === 'healthy') ? 'healthy' : 'unhealthy';
    return { status, components };
  }

  private async checkStorage(): Promise<void> {
    const root = join(this.config.dataDir, 'storage');
    await mkdir(root, { recursive: true });
    await access(root, constants.R_OK | constants.W_OK);
  }
}
