import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { PermissionsController } from './permissions.controller.js';

/** Harbor's `/permissions`: what robot accounts may be granted. */
@Module({
  imports: [DatabaseModule],
  controllers: [PermissionsController],
})
export class PermissionsModule {}
