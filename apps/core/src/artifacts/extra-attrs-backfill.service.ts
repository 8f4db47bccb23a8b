import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  HELM_CONFIG_MEDIA_TYPE,
  IMAGE_CONFIG_MEDIA_TYPES,
  readConfigAttributes,
  type BlobDriver,
} from '@berth/distribution';
import { ArtifactRepository } from '@berth/db';
import { BLOB_DRIVER } from '../registry/registry.constants.js';

const BATCH = 200;
const CONCURRENCY = 8;
/** Configs that carry attributes (`hasConfigAttributes`). */
const CONFIG_TYPES = [...IMAGE_CONFIG_MEDIA_TYPES, HELM_CONFIG_MEDIA_TYPE];

/**
 * Fills `extra_attrs` of artifacts pushed before Berth read config attributes at push time, once,
 * in the background after start, so listings never read storage. A config that cannot be read now
 * (its blob missing) stays unread and is tried again at the next start.
 */
@Injectable()
export class ExtraAttrsBackfillService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ExtraAttrsBackfill');
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(ArtifactRepository) private readonly artifacts: ArtifactRepository,
    @Inject(BLOB_DRIVER) private readonly blobs: BlobDriver,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run().catch((error: unknown) => {
      this.logger.warn(`backfill stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Resolves when the backfill has gone through every artifact (for tests). */
  finished(): Promise<void> {
    return this.running;
  }

  private async run(): Promise<void> {
    let after = 0n;
    let filled = 0;
    while (!this.stopped) {
      const batch = await this.artifacts.manifestsWithoutExtraAttrs(CONFIG_TYPES, after, BATCH);
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!.id;
      for (let start = 0; start < batch.length && !this.stopped; start += CONCURRENCY) {
        const results = await Promise.all(
          batch.slice(start, start + CONCURRENCY).map(async (manifest) => {
            const attrs = await readConfigAttributes(this.blobs, manifest.payload);
            if (attrs === null) return false;
            await this.artifacts.fillExtraAttrs(manifest.id, attrs);
            return true;
          }),
        );
        filled += results.filter(Boolean).length;
      }
    }
    if (filled > 0)
      this.logger.log(`read the config attributes of ${filled} artifacts pushed before they were kept`);
  }
}
