import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Database,
  ForeignKeyViolationError,
  UserRepository,
  UserSessionRepository,
  type User,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

const MINUTE = 60_000;

describe(UserSessionRepository.name, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let sut: UserSessionRepository;
  let user: User;

  /** A session of `user` created `ageMs` ago that expires `leftMs` from now (negative: ended). */
  async function newSession(ageMs: number, leftMs: number, userId = user.id): Promise<string> {
    const id = `s-${randomUUID()}`;
    const now = Date.now();
    await database.transaction((tx) =>
      sut.create(tx, {
        id,
        userId,
        csrfToken: `csrf-${id}`,
        createdAt: new Date(now - ageMs),
        expiresAt: new Date(now + leftMs),
      }),
    );
    return id;
  }

  async function expiresAt(id: string): Promise<number> {
    return (await sut.findWithUser(id))!.expiresAt.getTime();
  }

  beforeAll(async () => {
    testDatabase = await createTestDatabase({ migrate: true });
    database = new Database(testDatabase.url);
    sut = new UserSessionRepository(database);
    user = await database.transaction((tx) =>
      new UserRepository(database).create(tx, {
        username: 'session-owner',
        email: null,
        realname: 'Owner',
        comment: '',
        passwordHash: 'x',
        sysadmin: true,
      }),
    );
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('finds a session with its user', async () => {
    const id = await newSession(0, 30 * MINUTE);
    expect(await sut.findWithUser(id)).toMatchObject({
      id,
      userId: user.id,
      csrfToken: `csrf-${id}`,
      user: { id: user.id, username: 'session-owner', sysadmin: true },
    });
    expect(await sut.findWithUser('no-such-session')).toBeNull();
  });

  it('refuses a session of an unknown user with ForeignKeyViolationError', async () => {
    await expect(newSession(0, MINUTE, 999_999_999n)).rejects.toBeInstanceOf(ForeignKeyViolationError);
  });

  it('deletes the ended sessions of a user, one session, or all but one', async () => {
    const ended = await newSession(60 * MINUTE, -MINUTE);
    const live = await newSession(0, 30 * MINUTE);
    const other = await newSession(0, 30 * MINUTE);
    await database.transaction((tx) => sut.deleteEnded(tx, user.id, new Date()));
    expect(await sut.findWithUser(ended)).toBeNull();
    expect(await sut.findWithUser(live)).not.toBeNull();

    await sut.delete(other);
    expect(await sut.findWithUser(other)).toBeNull();

    const kept = await newSession(0, 30 * MINUTE);
    await database.transaction((tx) => sut.deleteForUser(tx, user.id, kept));
    expect(await sut.findWithUser(live)).toBeNull();
    expect(await sut.findWithUser(kept)).not.toBeNull();
    await database.transaction((tx) => sut.deleteForUser(tx, user.id));
    expect(await sut.findWithUser(kept)).toBeNull();
  });

  describe('renew', () => {
    const renewal = { idleMs: 30 * MINUTE, absoluteMs: 8 * 60 * MINUTE, renewBelowMs: 25 * MINUTE };

    it('slides a session with little time left to the idle limit', async () => {
      const id = await newSession(10 * MINUTE, 5 * MINUTE);
      await sut.renew(id, renewal);
      expect(await expiresAt(id)).toBeGreaterThan(Date.now() + 29 * MINUTE);
    });

    it('leaves a session with enough time left, or one that ended, as it is', async () => {
      const fresh = await newSession(0, 29 * MINUTE);
      const before = await expiresAt(fresh);
      await sut.renew(fresh, renewal);
      expect(await expiresAt(fresh)).toBe(before);

      const ended = await newSession(60 * MINUTE, -MINUTE);
      const endedAt = await expiresAt(ended);
      await sut.renew(ended, renewal);
      expect(await expiresAt(ended)).toBe(endedAt);
    });

    it('never extends a session past its absolute limit', async () => {
      const old = await newSession(8 * 60 * MINUTE - 10 * MINUTE, 5 * MINUTE);
      const created = (await sut.findWithUser(old))!.createdAt.getTime();
      await sut.renew(old, renewal);
      const after = await expiresAt(old);
      expect(after).toBeGreaterThan(Date.now() + 5 * MINUTE);
      expect(after).toBeLessThanOrEqual(created + 8 * 60 * MINUTE);
    });
  });
});
