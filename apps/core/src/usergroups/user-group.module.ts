import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { UserGroupController } from './user-group.controller.js';
import { UserGroupService } from './user-group.service.js';

/** User groups (Harbor's `/usergroups`) and who is in them. */
@Module({
  imports: [DatabaseModule],
  controllers: [UserGroupController],
  providers: [UserGroupService],
})
export class UserGroupModule {}
