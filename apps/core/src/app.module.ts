import { Module, type DynamicModule } from '@nestjs/common';
import type { BerthConfig } from './config/config.js';
import { BERTH_CONFIG, DATABASE_URL } from './config/config.constants.js';
import { DatabaseModule } from './database/database.module.js';
import { AuditModule } from './audit/audit.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { HealthModule } from './health/health.module.js';
import { RbacModule } from './rbac/rbac.module.js';
import { RegistryModule } from './registry/registry.module.js';

export interface AppModuleOptions {
  config: BerthConfig;
  /** The connection string in use, migrated already (DATABASE_URL or the embedded server's). */
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [DatabaseModule, CryptoModule, RbacModule, AuditModule, RegistryModule, HealthModule],
      providers: [
        { provide: BERTH_CONFIG, useValue: options.config },
        { provide: DATABASE_URL, useValue: options.databaseUrl },
      ],
      exports: [BERTH_CONFIG, DATABASE_URL],
    };
  }
}
