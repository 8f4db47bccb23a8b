import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger, Module } from '@nestjs/common';
import {
  createRegistryHandler,
  FilesystemBlobDriver,
  type Authorizer,
  type BlobDriver,
  type MetadataStore,
} from '@berth/distribution';
import { PgMetadataStore } from '@berth/db';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { DatabaseModule } from '../database/database.module.js';
import { DatabaseService } from '../database/database.service.js';
import { TokenAuthorizer } from './registry-authorizer.js';
import { RegistryEventBatcher } from '../events/registry-event-batcher.js';
import { BLOB_DRIVER, METADATA_STORE, REGISTRY_AUTHORIZER, REGISTRY_HANDLER } from './registry.constants.js';

export type RegistryHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Wires the framework-free engine (`@berth/distribution`) to the core's storage, database and events. */
@Module({
  imports: [DatabaseModule],
  providers: [
    {
      provide: BLOB_DRIVER,
      inject: [BERTH_CONFIG],
      useFactory: (config: BerthConfig): BlobDriver =>
        new FilesystemBlobDriver(join(config.dataDir, 'storage')),
    },
    {
      provide: METADATA_STORE,
      inject: [DatabaseService],
      useFactory: (database: DatabaseService): MetadataStore => new PgMetadataStore(database.pool),
    },
    // Docker token auth: every `/v2/` request carries a bearer token from `/service/token`.
    TokenAuthorizer,
    { provide: REGISTRY_AUTHORIZER, useExisting: TokenAuthorizer },
    {
      provide: REGISTRY_HANDLER,
      inject: [BLOB_DRIVER, METADATA_STORE, REGISTRY_AUTHORIZER, RegistryEventBatcher],
      useFactory: (
        blobs: BlobDriver,
        metadata: MetadataStore,
        authorizer: Authorizer,
        events: RegistryEventBatcher,
      ): RegistryHandler => {
        const logger = new Logger('Registry');
        return createRegistryHandler({
          blobs,
          metadata,
          authorizer,
          events,
          instanceId: randomUUID(),
          logger: {
            error: (message: string, error?: unknown) =>
              logger.error(
                message,
                error instanceof Error ? error.stack : error === undefined ? undefined : String(error),
              ),
          },
        });
      },
    },
  ],
  exports: [REGISTRY_HANDLER, BLOB_DRIVER, METADATA_STORE],
})
export class RegistryModule {}
