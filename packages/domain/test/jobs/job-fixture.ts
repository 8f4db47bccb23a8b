import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuditLogRepository,
  Database,
  GcRepository,
  ImmutableRuleRepository,
  PgMetadataStore,
  RetentionRepository,
} from '@berth/db';
import { createTestDatabase, type TestDatabase } from '@berth/db/testing';
import {
  createRegistryServices,
  FilesystemBlobDriver,
  type BlobDriver,
  type RegistryServices,
  type TagPolicy,
} from '@berth/distribution';
import type { JobKind, JobProcessor } from '@berth/jobs';
import { PgBossJobQueue } from '@berth/queue';
import { JobRuntime, type JobRuntimeOptions, type ProductProcessorDeps } from '../../src/index.js';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A migrated database, and job runtimes on it over pg-boss with timings shrunk for tests (a dead
 * worker is noticed in 2 s, stop requests in 100 ms).
 */
export class JobFixture {
  private readonly runtimes: JobRuntime[] = [];
  private storage: string | null = null;

  private constructor(
    private readonly testDatabase: TestDatabase,
    readonly database: Database,
  ) {}

  static async open(): Promise<JobFixture> {
    const testDatabase = await createTestDatabase({ migrate: true });
    // pg-boss's schema once, before runtimes race to install it.
    const bootstrap = new PgBossJobQueue({ databaseUrl: testDatabase.url });
    await bootstrap.start();
    await bootstrap.close();
    return new JobFixture(testDatabase, new Database(testDatabase.url));
  }

  /** A started runtime (a worker unless `role` says client) for these kinds and processors. */
  async runtime(
    kinds: readonly JobKind[],
    processors: readonly JobProcessor[],
    options: Partial<Pick<JobRuntimeOptions, 'role' | 'runner' | 'scheduler'>> = {},
  ): Promise<JobRuntime> {
    const runtime = new JobRuntime({
      database: this.database,
      queue: new PgBossJobQueue({
        databaseUrl: this.testDatabase.url,
        stallTimeoutMs: 3000,
        pollIntervalMs: 50,
        maxConnections: 3,
        logger: quiet,
      }),
      role: options.role ?? 'worker',
      kinds,
      processors,
      runner: {
        workerTimeoutMs: 2000,
        controlPollMs: 100,
        reconcileMs: 3_600_000,
        lockPollMs: 100,
        closeGraceMs: 300,
        logger: quiet,
        ...options.runner,
      },
      scheduler: { tickMs: 3_600_000, logger: quiet, ...options.scheduler },
      logger: quiet,
    });
    this.runtimes.push(runtime);
    await runtime.start();
    return runtime;
  }

  /** The fixture's blob directory as a driver (the one `registry` writes to). */
  blobDriver(): BlobDriver {
    this.storage ??= mkdtempSync(join(tmpdir(), 'berth-jobs-blobs-'));
    return new FilesystemBlobDriver(this.storage);
  }

  /** The engine's services on this database and a blob directory of the fixture's own. */
  registry(tagPolicy?: TagPolicy): RegistryServices {
    return createRegistryServices({
      blobs: this.blobDriver(),
      metadata: new PgMetadataStore(this.database),
      instanceId: 'job-fixture',
      ...(tagPolicy ? { tagPolicy } : {}),
    });
  }

  /** What the product's processors need, on this database. */
  productDeps(registry: RegistryServices = this.registry()): ProductProcessorDeps {
    return {
      auditLog: new AuditLogRepository(this.database),
      retention: new RetentionRepository(this.database),
      immutableRules: new ImmutableRuleRepository(this.database),
      registry,
      gc: new GcRepository(this.database),
      blobs: this.blobDriver(),
    };
  }

  async query<T extends object>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await this.database.pool.query<T>(sql, values)).rows;
  }

  async close(): Promise<void> {
    await Promise.all(this.runtimes.map((runtime) => runtime.stop().catch(() => undefined)));
    await this.database.close();
    await this.testDatabase.drop();
    if (this.storage) rmSync(this.storage, { recursive: true, force: true });
  }
}
