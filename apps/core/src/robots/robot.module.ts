import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { RobotController } from './robot.controller.js';
import { RobotService } from './robot.service.js';

/** Robot accounts (`/api/v2.0/robots`). */
@Module({
  imports: [DatabaseModule],
  controllers: [RobotController],
  providers: [RobotService],
})
export class RobotModule {}
