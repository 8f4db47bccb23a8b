import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { WebhookController } from './webhook.controller.js';
import { WebhookService } from './webhook.service.js';

/**
 * Harbor's webhook API of a project. The deliveries are made elsewhere: the outbox's
 * `WebhookSubscriber` (registered by `OutboxService`) creates them, the `webhook` job kind's
 * processor (on the workers, or in the core without Redis) sends them.
 */
@Module({
  imports: [DatabaseModule],
  controllers: [WebhookController],
  providers: [WebhookService],
})
export class WebhookModule {}
