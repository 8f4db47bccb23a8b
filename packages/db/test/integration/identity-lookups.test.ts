import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, RobotRepository, SystemSettingRepository } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

/** The reads and writes authentication and first start make of robots and system settings. */
describe('identity lookups', () => {
  let testDatabase: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDatabase = await createTestDatabase({ migrate: true });
    database = new Database(testDatabase.url);
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it(`${RobotRepository.name}.findForLogin tells system robots from project robots and returns the secret hash`, async () => {
    const { rows } = await database.pool.query<{ id: string }>(
      `INSERT INTO project (name) VALUES ('proj-login') RETURNING id`,
    );
    const projectId = rows[0]!.id;
    await database.pool.query(
      `INSERT INTO robot (name, level, project_id, secret_hash, duration, disabled, permissions) VALUES
         ('ci', 'system', NULL, 'hash-system', -1, false, '[{"kind":"system","namespace":"/","access":[]}]'),
         ('ci', 'project', $1, 'hash-project', 30, true, '[]')`,
      [projectId],
    );
    const sut = new RobotRepository(database);
    const system = await sut.findForLogin('ci', null);
    expect(system).toMatchObject({
      secretHash: 'hash-system',
      robot: { name: 'ci', level: 'system', project: null, disabled: false },
    });
    expect(system!.robot.permissions).toEqual([{ kind: 'system', namespace: '/', access: [] }]);
    const project = await sut.findForLogin('ci', 'proj-login');
    expect(project).toMatchObject({
      secretHash: 'hash-project',
      robot: { level: 'project', project: { id: BigInt(projectId), name: 'proj-login' }, disabled: true },
    });
    expect(await sut.findForLogin('ci', 'other-project')).toBeNull();
    expect(await sut.findForLogin('nobody', null)).toBeNull();
  });

  it(`${SystemSettingRepository.name}.putIfAbsent sets a key once, the first of concurrent writers winning`, async () => {
    const sut = new SystemSettingRepository(database);
    const results = await Promise.all(
      ['first', 'second', 'third'].map((value) =>
        database.transaction((tx) => sut.putIfAbsent(tx, 'berth.test.marker', value)),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await sut.value('berth.test.marker');
    expect(['first', 'second', 'third']).toContain(stored);
    expect(await database.transaction((tx) => sut.putIfAbsent(tx, 'berth.test.marker', 'later'))).toBe(false);
    expect(await sut.value('berth.test.marker')).toBe(stored);
  });
});
