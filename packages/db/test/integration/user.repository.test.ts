import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Database,
  UniqueViolationError,
  UserRepository,
  UserSessionRepository,
  type NewUser,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

describe(UserRepository.name, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let sut: UserRepository;

  function newUser(overrides: Partial<NewUser> = {}): NewUser {
    const name = `u-${randomUUID().slice(0, 8)}`;
    return {
      username: name,
      email: `${name}@example.com`,
      realname: 'Real Name',
      comment: '',
      passwordHash: 'scrypt$hash',
      ...overrides,
    };
  }

  const create = (user: NewUser) => database.transaction((tx) => sut.create(tx, user));

  beforeAll(async () => {
    testDatabase = await createTestDatabase({ migrate: true });
    database = new Database(testDatabase.url);
    sut = new UserRepository(database);
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('creates a user and reads it back as a domain object', async () => {
    const created = await create(newUser({ username: 'alice-create', email: 'alice@create.test' }));
    expect(typeof created.id).toBe('bigint');
    expect(created).toMatchObject({
      username: 'alice-create',
      email: 'alice@create.test',
      sysadmin: false,
      cliSecret: null,
    });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await sut.findById(created.id)).toEqual(created);
    expect(await sut.findByUsername('alice-create')).toEqual(created);
    expect(await sut.findById(999_999_999n)).toBeNull();
  });

  it('maps a duplicate username or e-mail address to UniqueViolationError', async () => {
    const first = await create(newUser());
    await expect(create(newUser({ username: first.username }))).rejects.toBeInstanceOf(UniqueViolationError);
    await expect(create(newUser({ email: first.email }))).rejects.toBeInstanceOf(UniqueViolationError);
    const other = await create(newUser());
    await expect(
      database.transaction((tx) => sut.update(tx, other.id, { email: first.email })),
    ).rejects.toBeInstanceOf(UniqueViolationError);
  });

  it('createIfAbsent creates once and answers null for the same name', async () => {
    const user = newUser();
    const created = await sut.createIfAbsent({ ...user, sysadmin: true });
    expect(created).toMatchObject({ username: user.username, sysadmin: true });
    expect(await sut.createIfAbsent(user)).toBeNull();
  });

  it('finds a user by name or e-mail address, and whether another user has an address', async () => {
    const user = await create(newUser());
    expect((await sut.findByUsernameOrEmail(user.username, 'nobody@example.com'))?.id).toBe(user.id);
    expect((await sut.findByUsernameOrEmail('nobody', user.email))?.id).toBe(user.id);
    expect(await sut.findByUsernameOrEmail('nobody', 'nobody@example.com')).toBeNull();
    expect(await sut.emailTaken(user.email!, user.id)).toBe(false);
    expect(await sut.emailTaken(user.email!, user.id + 1n)).toBe(true);
  });

  it('updates what it is given and says when the user is gone', async () => {
    const user = await create(newUser());
    const changed = await database.transaction((tx) =>
      sut.update(tx, user.id, { realname: 'New Name', sysadmin: true, cliSecret: 'sealed' }),
    );
    expect(changed).toBe(true);
    expect(await sut.findById(user.id)).toMatchObject({
      realname: 'New Name',
      sysadmin: true,
      cliSecret: 'sealed',
      email: user.email,
    });
    expect(await database.transaction((tx) => sut.update(tx, 999_999_999n, { realname: 'x' }))).toBe(false);
  });

  it('deletes a user with its sessions', async () => {
    const user = await create(newUser());
    const sessions = new UserSessionRepository(database);
    const now = new Date();
    await database.transaction((tx) =>
      sessions.create(tx, {
        id: `s-${randomUUID()}`,
        userId: user.id,
        csrfToken: 'csrf',
        createdAt: now,
        expiresAt: new Date(now.getTime() + 60_000),
      }),
    );
    expect(await database.transaction((tx) => sut.delete(tx, user.id))).toBe(true);
    expect(await sut.findById(user.id)).toBeNull();
    expect(await database.transaction((tx) => sut.delete(tx, user.id))).toBe(false);
    const { rows } = await database.pool.query('SELECT 1 FROM user_session WHERE user_id = $1', [user.id]);
    expect(rows).toHaveLength(0);
  });

  describe('list', () => {
    const tag = randomUUID().slice(0, 6);
    const names = [`list-${tag}-b`, `list-${tag}-a`, `list-${tag}-c%`, `LIST-${tag}-d_x`];

    beforeAll(async () => {
      for (const [i, username] of names.entries()) {
        await create(
          newUser({ username, email: `${tag}-${i}@list.test`, realname: `R${i}`, sysadmin: i === 3 }),
        );
      }
    });

    it('matches substrings without case, and wildcards only as themselves', async () => {
      const all = await sut.list({
        where: [{ kind: 'contains', field: 'username', value: `list-${tag}` }],
        sort: [{ field: 'username', descending: false }],
        offset: 0,
        limit: 10,
      });
      expect(all.total).toBe(4);
      expect(all.items.map((user) => user.username)).toEqual([...names].sort());
      const percent = await sut.list({
        where: [{ kind: 'contains', field: 'username', value: '%' }],
        sort: [],
        offset: 0,
        limit: 10,
      });
      expect(percent.items.map((user) => user.username)).toEqual([`list-${tag}-c%`]);
      const underscore = await sut.list({
        where: [{ kind: 'contains', field: 'username', value: `${tag}-d_` }],
        sort: [],
        offset: 0,
        limit: 10,
      });
      expect(underscore.items.map((user) => user.username)).toEqual([`LIST-${tag}-d_x`]);
    });

    it('combines conditions, sorts, and pages with the total of all matches', async () => {
      const page = await sut.list({
        where: [
          { kind: 'contains', field: 'email', value: `${tag}-` },
          { kind: 'sysadmin', value: false },
        ],
        sort: [{ field: 'realname', descending: true }],
        offset: 1,
        limit: 1,
      });
      expect(page.total).toBe(3);
      expect(page.items.map((user) => user.realname)).toEqual(['R1']);
      const exact = await sut.list({
        where: [{ kind: 'is', field: 'username', value: names[0]! }],
        sort: [],
        offset: 0,
        limit: 10,
      });
      expect(exact.items).toHaveLength(1);
      const byId = await sut.list({
        where: [{ kind: 'idIs', value: exact.items[0]!.id }],
        sort: [],
        offset: 0,
        limit: 10,
      });
      expect(byId.items.map((user) => user.username)).toEqual([names[0]]);
    });
  });
});
