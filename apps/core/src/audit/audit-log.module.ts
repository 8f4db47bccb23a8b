import { Module } from '@nestjs/common';
import { AuditLogController } from './audit-log.controller.js';
import { AuditLogService } from './audit-log.service.js';
import { DatabaseModule } from '../database/database.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { RegistryAuditService } from './registry-audit.service.js';

/** The audit log's API (AuditModule, global, holds the writer). */
@Module({
  imports: [DatabaseModule, RegistryModule],
  controllers: [AuditLogController],
  providers: [AuditLogService, RegistryAuditService],
})
export class AuditLogModule {}
