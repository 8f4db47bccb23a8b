import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { RetentionController } from './retention.controller.js';
import { RetentionService } from './retention.service.js';

/** Tag retention policies and their runs (Harbor's `/retentions`); the runs are `retention` jobs. */
@Module({
  imports: [DatabaseModule],
  controllers: [RetentionController],
  providers: [RetentionService],
})
export class RetentionModule {}
