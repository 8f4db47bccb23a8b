import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { QuotaController } from './quota.controller.js';
import { QuotaService } from './quota.service.js';

/** Harbor's `/quotas`: the storage limit and usage of each project. */
@Module({
  imports: [DatabaseModule],
  controllers: [QuotaController],
  providers: [QuotaService],
})
export class QuotaModule {}
