import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { CveAllowlistModule } from '../security/cve-allowlist.module.js';
import { ProjectMetadataController } from './project-metadata.controller.js';
import { ProjectController } from './project.controller.js';
import { ProjectService } from './project.service.js';
import { StatisticController } from './statistic.controller.js';
import { StatisticService } from './statistic.service.js';

/** Projects, their metadata, and the statistic over them. */
@Module({
  imports: [DatabaseModule, CveAllowlistModule],
  controllers: [ProjectController, ProjectMetadataController, StatisticController],
  providers: [ProjectService, StatisticService],
  exports: [ProjectService],
})
export class ProjectModule {}
