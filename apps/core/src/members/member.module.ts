import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { MemberController } from './member.controller.js';
import { MemberService } from './member.service.js';

/** Project members and their roles (Harbor's `/projects/{p}/members`). */
@Module({
  imports: [DatabaseModule],
  controllers: [MemberController],
  providers: [MemberService],
})
export class MemberModule {}
