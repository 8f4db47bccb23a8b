import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../migrate.js';

/** The server tests create their databases on; `BERTH_TEST_PG_URL` overrides it. */
export const DEFAULT_TEST_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Drops the database, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Apply the repository's migrations (`migrate(url)`) before returning. Default false: empty. */
  migrate?: boolean;
}

/**
 * Creates a database named `berth_test_<random>` on the test server (the `BERTH_TEST_PG_URL` admin
 * URL, else postgres@127.0.0.1:5432), so every test file or run has one of its own.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = process.env.BERTH_TEST_PG_URL || DEFAULT_TEST_ADMIN_URL;
  const name = `berth_test_${randomBytes(8).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database: TestDatabase = {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
  if (options.migrate) {
    try {
      await migrate(database.url);
    } catch (error) {
      await database.drop();
      throw error;
    }
  }
  return database;
}

async function withAdmin(adminUrl: string, work: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}
