import { Module, type DynamicModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import type { BerthConfig } from './config/config.js';
import { BERTH_CONFIG, DATABASE_URL } from './config/config.constants.js';
import { DatabaseModule } from './database/database.module.js';
import { AuditModule } from './audit/audit.module.js';
import { EventsModule } from './events/events.module.js';
import { ConsoleModule } from './console/console.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { HealthModule } from './health/health.module.js';
import { AuditLogModule } from './audit/audit-log.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { SystemModule } from './system/system.module.js';
import { RbacModule } from './rbac/rbac.module.js';
import { RegistryModule } from './registry/registry.module.js';
import { RobotModule } from './robots/robot.module.js';
import { TokenModule } from './token/token.module.js';
import { ProjectModule } from './projects/project.module.js';
import { MemberModule } from './members/member.module.js';
import { UserGroupModule } from './usergroups/user-group.module.js';
import { QuotaModule } from './quotas/quota.module.js';
import { LabelModule } from './labels/label.module.js';
import { ArtifactsModule } from './artifacts/artifacts.module.js';
import { PermissionsModule } from './permissions/permissions.module.js';
import { JobServiceModule } from './jobservice/jobservice.module.js';
import { ZodValidationPipe } from './common/zod-validation.pipe.js';
import { JobsModule } from './jobs/jobs.module.js';
import { WebhookModule } from './webhooks/webhook.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { SystemJobsModule } from './system-jobs/system-jobs.module.js';
import { ImmutabilityModule } from './immutability/immutability.module.js';

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
      imports: [
        DatabaseModule,
        EventsModule,
        CryptoModule,
        RbacModule,
        AuditModule,
        RegistryModule,
        HealthModule,
        SystemModule,
        IdentityModule,
        AuditLogModule,
        TokenModule,
        RobotModule,
        ProjectModule,
        MemberModule,
        UserGroupModule,
        QuotaModule,
        LabelModule,
        ArtifactsModule,
        PermissionsModule,
        JobServiceModule,
        JobsModule,
        WebhookModule,
        RetentionModule,
        SystemJobsModule,
        ImmutabilityModule,
        ConsoleModule.forRoot(),
      ],
      providers: [
        { provide: BERTH_CONFIG, useValue: options.config },
        { provide: DATABASE_URL, useValue: options.databaseUrl },
        { provide: APP_PIPE, useValue: new ZodValidationPipe() },
      ],
      exports: [BERTH_CONFIG, DATABASE_URL],
    };
  }
}
