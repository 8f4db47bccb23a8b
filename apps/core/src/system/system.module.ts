import { Global, Module } from '@nestjs/common';
import { ConfigurationController } from './configuration.controller.js';
import { ConfigurationService } from './configuration.service.js';
import { SystemInfoService } from './system-info.service.js';
import { SystemController } from './system.controller.js';
import { DatabaseModule } from '../database/database.module.js';

/**
 * Ping, system info and the system settings. Global so that other slices can ask
 * ConfigurationService for a setting (the default project quota, the robot token duration…).
 */
@Global()
@Module({
  imports: [DatabaseModule],
  controllers: [SystemController, ConfigurationController],
  providers: [ConfigurationService, SystemInfoService],
  exports: [ConfigurationService],
})
export class SystemModule {}
