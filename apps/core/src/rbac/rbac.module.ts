import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationService } from '../auth/authentication.service.js';
import { LoginThrottler } from '../auth/login-throttler.js';
import { DatabaseModule } from '../database/database.module.js';
import { AccessControlService } from './access-control.service.js';
import { AccessGuard } from './access.guard.js';
import { ProjectLookupService } from './project-lookup.service.js';

/** Authentication, the permission table's evaluator and the global access guard. */
@Global()
@Module({
  imports: [DatabaseModule],
  providers: [
    LoginThrottler,
    AuthenticationService,
    AccessControlService,
    ProjectLookupService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [LoginThrottler, AuthenticationService, AccessControlService, ProjectLookupService],
})
export class RbacModule {}
