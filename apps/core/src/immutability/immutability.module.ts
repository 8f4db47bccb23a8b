import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { ImmutabilityController } from './immutability.controller.js';
import { ImmutabilityService } from './immutability.service.js';
import { ImmutableTagPolicyModule } from './immutable-tag-policy.module.js';

/** Tag immutability: the rules API; the engine enforces them through `ImmutableTagPolicyModule`. */
@Module({
  imports: [DatabaseModule, ImmutableTagPolicyModule],
  controllers: [ImmutabilityController],
  providers: [ImmutabilityService],
})
export class ImmutabilityModule {}
