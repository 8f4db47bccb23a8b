import { Module } from '@nestjs/common';
import { GcController, PurgeAuditController } from './system-jobs.controller.js';
import { SystemJobsService } from './system-jobs.service.js';

/** `/system/gc` and `/system/purgeaudit`: Harbor's system jobs over the job system (docs/gc.md). */
@Module({
  controllers: [GcController, PurgeAuditController],
  providers: [SystemJobsService],
})
export class SystemJobsModule {}
