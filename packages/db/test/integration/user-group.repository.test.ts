import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Database,
  ForeignKeyViolationError,
  UniqueViolationError,
  UserGroupRepository,
  UserRepository,
  type User,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

const HTTP_GROUP = 2;

describe(UserGroupRepository.name, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let sut: UserGroupRepository;
  let users: UserRepository;

  const newGroup = (name = `g-${randomUUID().slice(0, 8)}`) =>
    database.transaction((tx) => sut.create(tx, { name, groupType: HTTP_GROUP }));

  const newUser = (): Promise<User> => {
    const username = `u-${randomUUID().slice(0, 8)}`;
    return database.transaction((tx) =>
      users.create(tx, { username, email: null, realname: username, comment: '', passwordHash: 'x' }),
    );
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase({ migrate: true });
    database = new Database(testDatabase.url);
    sut = new UserGroupRepository(database);
    users = new UserRepository(database);
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('creates a group and reads it back', async () => {
    const group = await newGroup('readers');
    expect(group).toMatchObject({ name: 'readers', groupType: HTTP_GROUP, ldapGroupDn: '' });
    expect(await sut.findById(group.id)).toEqual(group);
    expect(await sut.findById(999_999_999n)).toBeNull();
  });

  it('maps a duplicate name, on create and on rename, to UniqueViolationError', async () => {
    const first = await newGroup();
    await expect(newGroup(first.name)).rejects.toBeInstanceOf(UniqueViolationError);
    const second = await newGroup();
    await expect(database.transaction((tx) => sut.rename(tx, second.id, first.name))).rejects.toBeInstanceOf(
      UniqueViolationError,
    );
    expect(await database.transaction((tx) => sut.rename(tx, second.id, `${second.name}-2`))).toBe(true);
    expect((await sut.findById(second.id))?.name).toBe(`${second.name}-2`);
    expect(await database.transaction((tx) => sut.rename(tx, 999_999_999n, 'gone'))).toBe(false);
  });

  it('lists by id or by name, filtered by a case-insensitive substring', async () => {
    const tag = randomUUID().slice(0, 6);
    const b = await newGroup(`list-${tag}-b`);
    const a = await newGroup(`list-${tag}-a`);
    const byId = await sut.list({ nameContains: `LIST-${tag}`, orderBy: 'id', offset: 0, limit: 10 });
    expect(byId.total).toBe(2);
    expect(byId.items.map((group) => group.id)).toEqual([b.id, a.id]);
    const byName = await sut.list({ nameContains: `list-${tag}`, orderBy: 'name', offset: 1, limit: 1 });
    expect(byName.total).toBe(2);
    expect(byName.items.map((group) => group.name)).toEqual([b.name]);
    const none = await sut.list({ nameContains: `${tag}%`, orderBy: 'id', offset: 0, limit: 10 });
    expect(none.total).toBe(0);
  });

  it('adds, lists and removes members; a second add is a UniqueViolationError', async () => {
    const group = await newGroup();
    const alice = await newUser();
    const bob = await newUser();
    await database.transaction(async (tx) => {
      await sut.addMember(tx, group.id, bob.id);
      await sut.addMember(tx, group.id, alice.id);
    });
    await expect(database.transaction((tx) => sut.addMember(tx, group.id, alice.id))).rejects.toBeInstanceOf(
      UniqueViolationError,
    );

    const page = await sut.listMembers(group.id, { offset: 0, limit: 1 });
    expect(page.total).toBe(2);
    expect(page.items).toEqual([{ groupId: group.id, userId: alice.id, username: alice.username }]);
    expect(await sut.findMember(group.id, bob.id)).toEqual({
      groupId: group.id,
      userId: bob.id,
      username: bob.username,
    });
    expect((await database.transaction((tx) => sut.usernamesIn(tx, group.id))).sort()).toEqual(
      [alice.username, bob.username].sort(),
    );

    expect(await database.transaction((tx) => sut.removeMember(tx, group.id, alice.id))).toBe(true);
    expect(await database.transaction((tx) => sut.removeMember(tx, group.id, alice.id))).toBe(false);
    expect(await sut.findMember(group.id, alice.id)).toBeNull();
  });

  it('maps a member of a missing group or user to ForeignKeyViolationError', async () => {
    const group = await newGroup();
    const user = await newUser();
    await expect(
      database.transaction((tx) => sut.addMember(tx, group.id, 999_999_999n)),
    ).rejects.toBeInstanceOf(ForeignKeyViolationError);
    await expect(
      database.transaction((tx) => sut.addMember(tx, 999_999_999n, user.id)),
    ).rejects.toBeInstanceOf(ForeignKeyViolationError);
  });

  it('deletes a group with its memberships', async () => {
    const group = await newGroup();
    const user = await newUser();
    await database.transaction((tx) => sut.addMember(tx, group.id, user.id));
    expect(await database.transaction((tx) => sut.delete(tx, group.id))).toBe(true);
    expect(await sut.findById(group.id)).toBeNull();
    expect(await sut.findMember(group.id, user.id)).toBeNull();
    expect(await database.transaction((tx) => sut.delete(tx, group.id))).toBe(false);
  });
});
