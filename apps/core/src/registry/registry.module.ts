import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger, Module } from '@nestjs/common';
import {
  createRegistryHandler,
  createRegistryServices,
  FilesystemBlobDriver,
  type Authorizer,
  type BlobDriver,
  type MetadataStore,
  type RegistryServices,
} from '@berth/distribution';
import { Database, PgMetadataStore } from '@berth/db';
import { ImmutableTagPolicy } from '@berth/domain';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { DatabaseModule } from '../database/database.module.js';
import { ImmutableTagPolicyModule } from '../immutability/immutable-tag-policy.module.js';
import { TokenAuthorizer } from './registry-authorizer.js';
import { RegistryEventBatcher } from '../events/registry-event-batcher.js';
import {
  BLOB_DRIVER,
  METADATA_STORE,
  REGISTRY_AUTHORIZER,
  REGISTRY_HANDLER,
  REGISTRY_SERVICES,
} from './registry.constants.js';

export type RegistryHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Wires the framework-free engine (`@berth/distribution`) to the core's storage, database and events. */
@Module({
  imports: [DatabaseModule, ImmutableTagPolicyModule],
  providers: [
    {
      provide: BLOB_DRIVER,
      inject: [BERTH_CONFIG],
      useFactory: (config: BerthConfig): BlobDriver =>
        new FilesystemBlobDriver(join(config.dataDir, 'storage')),
    },
    {
      provide: METADATA_STORE,
      inject: [Database],
      useFactory: (database: Database): MetadataStore => new PgMetadataStore(database),
    },
    {
      // One instance id names this process in every event, from `/v2/` or the API.
      provide: REGISTRY_SERVICES,
      inject: [BLOB_DRIVER, METADATA_STORE, ImmutableTagPolicy],
      useFactory: (
        blobs: BlobDriver,
        metadata: MetadataStore,
        tagPolicy: ImmutableTagPolicy,
      ): RegistryServices => createRegistryServices({ blobs, metadata, instanceId: randomUUID(), tagPolicy }),
    },
    // Docker token auth: every `/v2/` request carries a bearer token from `/service/token`.
    TokenAuthorizer,
    { provide: REGISTRY_AUTHORIZER, useExisting: TokenAuthorizer },
    {
      provide: REGISTRY_HANDLER,
      inject: [BLOB_DRIVER, METADATA_STORE, REGISTRY_AUTHORIZER, RegistryEventBatcher, REGISTRY_SERVICES],
      useFactory: (
        blobs: BlobDriver,
        metadata: MetadataStore,
        authorizer: Authorizer,
        events: RegistryEventBatcher,
        services: RegistryServices,
      ): RegistryHandler => {
        const logger = new Logger('Registry');
        return createRegistryHandler(
          {
            blobs,
            metadata,
            authorizer,
            events,
            logger: {
              error: (message: string, error?: unknown) =>
                logger.error(
                  message,
                  error instanceof Error ? error.stack : error === undefined ? undefined : String(error),
                ),
            },
          },
          services,
        );
      },
    },
  ],
  exports: [REGISTRY_HANDLER, REGISTRY_SERVICES, BLOB_DRIVER, METADATA_STORE],
})
export class RegistryModule {}
