import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function newDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  return database;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function migrationRows(url: string): Promise<MigrationRow[]> {
  return query<MigrationRow>(url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
}

async function localMigrations(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** A copy of the repository's migrations that a test may add to. */
async function scratchMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(dir, name));
  await writeFile(join(dir, name, 'migration.sql'), sql);
}

describe(migrate.name, () => {
  it('finds the repository migrations in Prisma layout', async () => {
    const dir = defaultMigrationsDir();
    expect(dir.endsWith(join('prisma', 'migrations'))).toBe(true);
    expect(await readFile(join(dir, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "postgresql"$/m);
    const names = await localMigrations(dir);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
      expect(existsSync(join(dir, name, 'migration.sql'))).toBe(true);
    }
  });

  it('applies every migration once and records it as Prisma does', async () => {
    const database = await newDatabase();
    const names = await localMigrations(defaultMigrationsDir());

    const result = await migrate(database.url);

    expect(result.applied).toEqual(names);
    const rows = await migrationRows(database.url);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      const file = await readFile(join(defaultMigrationsDir(), row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    const tables = await query<{ table_name: string }>(
      database.url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        '_prisma_migrations',
        'blob',
        'manifest',
        'repository',
        'tag',
        'upload_session',
      ]),
    );
  });

  it('creates _prisma_migrations with the columns of Prisma', async () => {
    const database = await newDatabase();
    await migrate(database.url);
    const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      database.url,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((column) => [column.column_name, column.data_type, column.is_nullable])).toEqual([
      ['id', 'character varying', 'NO'],
      ['checksum', 'character varying', 'NO'],
      ['finished_at', 'timestamp with time zone', 'YES'],
      ['migration_name', 'character varying', 'NO'],
      ['logs', 'text', 'YES'],
      ['rolled_back_at', 'timestamp with time zone', 'YES'],
      ['started_at', 'timestamp with time zone', 'NO'],
      ['applied_steps_count', 'integer', 'NO'],
    ]);
  });

  it('is idempotent', async () => {
    const database = await newDatabase();
    await migrate(database.url);
    const before = await migrationRows(database.url);

    expect(await migrate(database.url)).toEqual({ applied: [] });
    expect(await migrate(database.url)).toEqual({ applied: [] });

    expect(await migrationRows(database.url)).toEqual(before);
  });

  it('applies once when several processes migrate at the same time', async () => {
    const database = await newDatabase();
    const names = await localMigrations(defaultMigrationsDir());

    const results = await Promise.all([migrate(database.url), migrate(database.url), migrate(database.url)]);

    expect(results.flatMap((result) => result.applied)).toEqual(names);
    expect(results.filter((result) => result.applied.length === 0)).toHaveLength(2);
    expect((await migrationRows(database.url)).map((row) => row.migration_name)).toEqual(names);
  });

  it('applies only the migrations added since the last run, in name order', async () => {
    const database = await newDatabase();
    const dir = await scratchMigrations();
    await migrate(database.url, dir);
    await addMigration(dir, '29990102000000_second', 'ALTER TABLE "blob" ADD COLUMN "second" TEXT;');
    await addMigration(dir, '29990101000000_first', 'CREATE TABLE "first" ("id" INTEGER);');

    const result = await migrate(database.url, dir);

    expect(result.applied).toEqual(['29990101000000_first', '29990102000000_second']);
    const rows = await migrationRows(database.url);
    expect(rows.map((row) => row.migration_name).slice(-2)).toEqual(result.applied);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const database = await newDatabase();
    const dir = await scratchMigrations();
    await migrate(database.url, dir);
    await addMigration(
      dir,
      '29990101000000_broken',
      'CREATE TABLE "half" ("id" INTEGER);\nSELECT no_such_function();',
    );

    await expect(migrate(database.url, dir)).rejects.toThrow(/29990101000000_broken failed/);

    const rows = await migrationRows(database.url);
    expect(rows.map((row) => row.migration_name)).not.toContain('29990101000000_broken');
    const half = await query(
      database.url,
      "SELECT 1 FROM information_schema.tables WHERE table_name = 'half'",
    );
    expect(half).toHaveLength(0);
  });

  it('refuses to run after a migration that Prisma left failed', async () => {
    const database = await newDatabase();
    await migrate(database.url);
    await query(
      database.url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, applied_steps_count)
       VALUES ('00000000-0000-4000-8000-000000000000', 'x', '29990101000000_failed', 0)`,
    );

    await expect(migrate(database.url)).rejects.toThrow(/29990101000000_failed failed earlier/);
  });

  it('refuses an applied migration whose file changed', async () => {
    const database = await newDatabase();
    const dir = await scratchMigrations();
    await addMigration(dir, '29990101000000_edited', 'CREATE TABLE "edited" ("id" INTEGER);');
    await migrate(database.url, dir);
    await writeFile(
      join(dir, '29990101000000_edited', 'migration.sql'),
      'CREATE TABLE "edited" ("id" BIGINT);',
    );

    await expect(migrate(database.url, dir)).rejects.toThrow(/29990101000000_edited was modified/);
  });

  it('accepts an applied migration whose line endings changed', async () => {
    const database = await newDatabase();
    const dir = await scratchMigrations();
    await addMigration(dir, '29990101000000_crlf', 'CREATE TABLE "crlf" (\n  "id" INTEGER\n);\n');
    await migrate(database.url, dir);
    await writeFile(
      join(dir, '29990101000000_crlf', 'migration.sql'),
      'CREATE TABLE "crlf" (\r\n  "id" INTEGER\r\n);\r\n',
    );

    expect(await migrate(database.url, dir)).toEqual({ applied: [] });
  });
});
