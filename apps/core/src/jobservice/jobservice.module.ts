import { Module } from '@nestjs/common';
import { JobServiceController } from './jobservice.controller.js';
import { JobServiceMonitorService } from './jobservice.service.js';

/** `/jobservice/*` and `/schedules`: watching and steering the job system (docs/jobs.md). */
@Module({
  controllers: [JobServiceController],
  providers: [JobServiceMonitorService],
})
export class JobServiceModule {}
