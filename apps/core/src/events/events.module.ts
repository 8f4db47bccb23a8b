import { Global, Module } from '@nestjs/common';
import { OutboxService } from './outbox.service.js';
import { RegistryEventBatcher } from './registry-event-batcher.js';

/** The outbox's dispatcher and the batcher of pulls, for every module. */
@Global()
@Module({
  providers: [OutboxService, RegistryEventBatcher],
  exports: [OutboxService, RegistryEventBatcher],
})
export class EventsModule {}
