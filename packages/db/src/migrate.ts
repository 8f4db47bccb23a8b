import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * The advisory lock key Prisma Migrate takes on PostgreSQL (`SELECT pg_advisory_lock(72707369)`).
 * Using the same key makes this migrator and `prisma migrate deploy` exclude each other.
 */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** `_prisma_migrations` exactly as Prisma's schema engine creates it on PostgreSQL. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  /** The folder name, e.g. `20261122000000_init`. */
  name: string;
  sql: string;
  /** sha256 of migration.sql as lowercase hex, as Prisma records it. */
  checksum: string;
}

export interface MigrateResult {
  /** Names of the migrations this call applied, in order; empty when the database was current. */
  applied: string[];
}

/**
 * Applies the pending migrations of `migrationsDir` (Prisma's layout: one folder per migration,
 * sorted by name, each with a `migration.sql`) to the database at `databaseUrl`.
 *
 * - Holds Prisma's advisory lock for the whole run, so concurrent callers (replicas booting at
 *   once, or `prisma migrate deploy`) apply each migration exactly once; the others wait and find
 *   nothing left to do.
 * - Runs each migration and its `_prisma_migrations` row in one transaction: a failing migration
 *   leaves neither schema changes nor a row behind (so a migration must not contain statements
 *   that cannot run in a transaction, such as `CREATE INDEX CONCURRENTLY`).
 * - Records rows as Prisma does (id, sha256 checksum, started/finished times, one applied step), so
 *   `prisma migrate deploy/status` agree with it.
 * - Refuses to run when a migration failed earlier (Prisma's P3009 state: a row with neither
 *   `finished_at` nor `rolled_back_at`) or when an applied migration's file has changed since.
 */
export async function migrate(
  databaseUrl: string,
  migrationsDir: string = defaultMigrationsDir(),
): Promise<MigrateResult> {
  const migrations = await readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    try {
      return await applyPending(client, migrations);
    } finally {
      // Ending the session releases the lock too, so a failure here changes nothing.
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function applyPending(client: pg.Client, migrations: MigrationFile[]): Promise<MigrateResult> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<MigrationRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at',
  );

  const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed.length > 0) {
    const names = failed.map((row) => row.migration_name).join(', ');
    throw new Error(
      `migration ${names} failed earlier and is still marked as started in _prisma_migrations; ` +
        'fix the database, then mark it resolved (`prisma migrate resolve`) before migrating again',
    );
  }

  const applied = new Map<string, string>();
  for (const row of rows) {
    if (row.finished_at !== null && row.rolled_back_at === null)
      applied.set(row.migration_name, row.checksum);
  }

  const done: string[] = [];
  for (const migration of migrations) {
    const recorded = applied.get(migration.name);
    if (recorded !== undefined) {
      if (!scriptMatchesChecksum(migration.sql, recorded)) {
        throw new Error(
          `migration ${migration.name} was modified after it was applied ` +
            `(recorded checksum ${recorded}, file has ${migration.checksum})`,
        );
      }
      continue;
    }
    await applyOne(client, migration);
    done.push(migration.name);
  }
  return { applied: done };
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, clock_timestamp(), 0)`,
      [id, migration.checksum, migration.name],
    );
    // No parameters: the simple query protocol runs the whole multi-statement script.
    await client.query(migration.sql);
    await client.query(
      'UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${migration.name} failed: ${message}`, { cause: error });
  }
}

/** The migration folders of `migrationsDir` in the order Prisma applies them (by name). */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const path = join(migrationsDir, name, 'migration.sql');
    if (!existsSync(path)) throw new Error(`migration folder ${name} has no migration.sql (${path})`);
    const bytes = await readFile(path);
    migrations.push({ name, sql: bytes.toString('utf8'), checksum: sha256Hex(bytes) });
  }
  return migrations;
}

/** Prisma's migration checksum: sha256 of the script, as 64 lowercase hex characters. */
export function migrationChecksum(script: string | Buffer): string {
  return sha256Hex(script);
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Whether `script` matches a recorded checksum, as Prisma decides it: line endings may differ
 * (git may rewrite them), and very old Prisma versions recorded hex without zero padding.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')];
  return variants.some((variant) => {
    const digest = createHash('sha256').update(variant).digest();
    const rendered =
      checksum.length === 64 ? digest.toString('hex') : [...digest].map((byte) => byte.toString(16)).join('');
    return rendered === checksum;
  });
}

/**
 * The repository's `prisma/migrations`, found by walking up from this module: the same answer from
 * `src/` (tests, tsx) and from the built `dist/`.
 */
export function defaultMigrationsDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(join(candidate, 'migration_lock.toml'))) return candidate;
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error(`no prisma/migrations/migration_lock.toml above ${start}`);
    dir = parent;
  }
}
