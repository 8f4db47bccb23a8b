import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Database,
  TokenRevocationRepository,
  type ChannelListener,
  type TokenRevocation,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(TokenRevocationRepository.name, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let sut: TokenRevocationRepository;
  let listener: ChannelListener;
  const heard: TokenRevocation[] = [];
  const malformed: string[] = [];
  const lost: Error[] = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase({ migrate: true });
    database = new Database(testDatabase.url);
    sut = new TokenRevocationRepository(database);
    listener = await sut.listen({
      onRevoked: (revocations) => heard.push(...revocations),
      onMalformed: (payload) => malformed.push(payload),
      onLost: (error) => lost.push(error),
    });
  });

  afterAll(async () => {
    await listener?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  it('records revocations that are announced when the transaction commits', async () => {
    let recorded: TokenRevocation[] = [];
    await database.transaction(async (tx) => {
      recorded = await sut.record(tx, ['alice', 'bob', 'alice', '']);
      // Not delivered before the commit.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard.filter((revocation) => revocation.subject === 'alice')).toHaveLength(0);
    });
    expect(recorded.map((revocation) => revocation.subject).sort()).toEqual(['alice', 'bob']);
    for (const revocation of recorded) expect(revocation.revokedAt).toBeInstanceOf(Date);
    await until(() => heard.some((revocation) => revocation.subject === 'bob'));
    expect(heard.filter((revocation) => ['alice', 'bob'].includes(revocation.subject))).toEqual(
      expect.arrayContaining(recorded),
    );
    const recent = await sut.listRecent(60_000);
    expect(recent).toEqual(expect.arrayContaining(recorded));
  });

  it('records and announces nothing when the transaction rolls back', async () => {
    await expect(
      database.transaction(async (tx) => {
        await sut.record(tx, ['carol']);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await database.transaction((tx) => sut.record(tx, ['dave']));
    await until(() => heard.some((revocation) => revocation.subject === 'dave'));
    expect(heard.some((revocation) => revocation.subject === 'carol')).toBe(false);
    expect((await sut.listRecent(60_000)).some((revocation) => revocation.subject === 'carol')).toBe(false);
  });

  it('keeps the latest time of a subject revoked again', async () => {
    const [first] = await database.transaction((tx) => sut.record(tx, ['erin']));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [second] = await database.transaction((tx) => sut.record(tx, ['erin']));
    expect(second!.revokedAt.getTime()).toBeGreaterThan(first!.revokedAt.getTime());
    const rows = (await sut.listRecent(60_000)).filter((revocation) => revocation.subject === 'erin');
    expect(rows).toEqual([second]);
  });

  it('announces a large batch in several notifications, losing none', async () => {
    const subjects = Array.from({ length: 600 }, (_, i) => `group-user-${i}`);
    await database.transaction((tx) => sut.record(tx, subjects));
    await until(() =>
      subjects.every((subject) => heard.some((revocation) => revocation.subject === subject)),
    );
  });

  it('skips a notification it cannot read', async () => {
    await database.pool.query(`SELECT pg_notify('berth_token_revocation', 'not json')`);
    await until(() => malformed.includes('not json'));
  });

  it('deletes revocations older than the retention', async () => {
    await database.pool.query(
      `INSERT INTO token_revocation (subject, revoked_at) VALUES ('old', now() - interval '2 days')`,
    );
    expect((await sut.listRecent(24 * 3600_000)).some((revocation) => revocation.subject === 'old')).toBe(
      false,
    );
    expect(await sut.deleteOlderThan(24 * 3600_000)).toBe(1);
    const { rows } = await database.pool.query(`SELECT 1 FROM token_revocation WHERE subject = 'old'`);
    expect(rows).toHaveLength(0);
  });

  it('reports a listening connection the server cut, once', async () => {
    const cut: Error[] = [];
    const other = await sut.listen({
      onRevoked: () => undefined,
      onMalformed: () => undefined,
      onLost: (e) => cut.push(e),
    });
    // Both listeners' connections run the same LISTEN; cut them all, then check only the new one's report.
    await database.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND query = 'LISTEN berth_token_revocation'`,
    );
    await until(() => cut.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cut).toHaveLength(1);
    await other.close();
    await until(() => lost.length > 0);
    // A new listener works again.
    listener = await sut.listen({
      onRevoked: (revocations) => heard.push(...revocations),
      onMalformed: (payload) => malformed.push(payload),
      onLost: (error) => lost.push(error),
    });
    await database.transaction((tx) => sut.record(tx, ['after-reconnect']));
    await until(() => heard.some((revocation) => revocation.subject === 'after-reconnect'));
  });
});
