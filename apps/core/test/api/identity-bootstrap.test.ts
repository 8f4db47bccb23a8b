/**
 * First start: `admin` with a generated password printed exactly once when BERTH_ADMIN_PASSWORD is
 * unset, and `library`; idempotent across restarts and safe when two instances start together.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool } from '@berth/db';
import { createTestDatabase, type TestDatabase } from '@berth/db/testing';
import { ApiClient } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';

const GENERATED = /generated password:\s+(\S+)/;
const cores: CoreProcess[] = [];
const databases: TestDatabase[] = [];
// Instances sharing a database share the instance key too (it seals secrets stored there).
const SECRET_KEY = randomBytes(32).toString('hex');

async function start(databaseUrl: string): Promise<CoreProcess> {
  const core = await startCore({
    env: { DATABASE_URL: databaseUrl, BERTH_ADMIN_PASSWORD: '', BERTH_SECRET_KEY: SECRET_KEY },
  });
  cores.push(core);
  return core;
}

async function counts(databaseUrl: string) {
  const pool = createPool(databaseUrl);
  try {
    const { rows } = await pool.query<{ admins: string; libraries: string; members: string }>(
      `SELECT (SELECT count(*) FROM "user" WHERE username = 'admin' AND sysadmin) AS admins,
              (SELECT count(*) FROM project WHERE name = 'library') AS libraries,
              (SELECT count(*) FROM project_member m JOIN project p ON p.id = m.project_id
                WHERE p.name = 'library' AND m.role = 1) AS members`,
    );
    return {
      admins: Number(rows[0]!.admins),
      libraries: Number(rows[0]!.libraries),
      members: Number(rows[0]!.members),
    };
  } finally {
    await pool.end();
  }
}

afterAll(async () => {
  await Promise.all(cores.map((core) => core.stop()));
  await Promise.all(databases.map((database) => database.drop()));
});

describe('bootstrap', () => {
  it('prints a generated admin password once, which works, and never again on restart', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const first = await start(database.url);
    const password = GENERATED.exec(first.logs())?.[1];
    expect(password).toBeDefined();
    expect(password).toMatch(/[A-Z]/);
    expect(password).toMatch(/[a-z]/);
    expect(password).toMatch(/[0-9]/);
    expect(first.logs().split(password!).length - 1).toBe(1);
    const session = await ApiClient.login(first.url, 'admin', password!);
    expect((await session.get('/users/current')).body.sysadmin_flag).toBe(true);
    await first.stop();

    const second = await start(database.url);
    expect(second.logs()).not.toMatch(GENERATED);
    expect(second.logs()).not.toContain(password!);
    const basic = new ApiClient(second.url, { username: 'admin', password: password! });
    expect((await basic.get('/users/current')).status).toBe(200);
    expect(await counts(database.url)).toEqual({ admins: 1, libraries: 1, members: 1 });
  });

  it('creates admin and library once when two instances start on one database at the same time', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const [a, b] = await Promise.all([start(database.url), start(database.url)]);
    const printed = [a!, b!].map((core) => GENERATED.exec(core.logs())?.[1]).filter(Boolean);
    expect(printed).toHaveLength(1);
    expect(await counts(database.url)).toEqual({ admins: 1, libraries: 1, members: 1 });
    for (const core of [a!, b!]) {
      const client = new ApiClient(core.url, { username: 'admin', password: printed[0]! });
      expect((await client.get('/users/current')).status).toBe(200);
    }
  });

  it('does not recreate library after it was deliberately deleted', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const first = await start(database.url);
    await first.stop();
    const pool = createPool(database.url);
    try {
      await pool.query(`DELETE FROM project WHERE name = 'library'`);
    } finally {
      await pool.end();
    }
    await start(database.url);
    expect((await counts(database.url)).libraries).toBe(0);
  });
});
