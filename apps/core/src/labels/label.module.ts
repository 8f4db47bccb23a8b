import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { LabelController } from './label.controller.js';
import { LabelService } from './label.service.js';

/** Global and project labels (Harbor's `/labels`); attaching them to artifacts lives with artifacts. */
@Module({
  imports: [DatabaseModule],
  controllers: [LabelController],
  providers: [LabelService],
})
export class LabelModule {}
