import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { BootstrapService } from './bootstrap.service.js';
import { PermissionService } from './permission.service.js';
import { SessionRenewalInterceptor } from './session-renewal.interceptor.js';
import { SessionController } from './session.controller.js';
import { SessionService } from './session.service.js';
import { UserController } from './user.controller.js';
import { UserService } from './user.service.js';
import { DatabaseModule } from '../database/database.module.js';

/** Local accounts, console sessions, and the first-start admin and library project. */
@Module({
  imports: [DatabaseModule],
  controllers: [UserController, SessionController],
  providers: [
    UserService,
    PermissionService,
    SessionService,
    BootstrapService,
    { provide: APP_INTERCEPTOR, useClass: SessionRenewalInterceptor },
  ],
  exports: [UserService],
})
export class IdentityModule {}
