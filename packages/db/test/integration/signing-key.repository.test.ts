import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, SigningKeyRepository, UniqueViolationError } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

describe(SigningKeyRepository.name, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let sut: SigningKeyRepository;

  const key = (kid: string) => ({
    kid,
    sealedPrivateKey: `sealed-${kid}`,
    publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid },
  });

  beforeAll(async () => {
    testDatabase = await createTestDatabase({ migrate: true });
    database = new Database(testDatabase.url);
    sut = new SigningKeyRepository(database);
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('creates one key when instances race for it under the creation lock', async () => {
    // Each "instance" checks under the lock and creates a key only when there is none.
    const instance = (kid: string) =>
      database.transaction(async (tx) => {
        await sut.lockCreation(tx);
        if ((await sut.count(tx)) > 0) return false;
        // Holding the lock a moment lets the other instance queue on it.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await sut.insert(tx, key(kid));
        return true;
      });
    const created = await Promise.all([instance('first'), instance('second')]);
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await sut.count()).toBe(1);
  });

  it('lists keys oldest first with their stored fields; a duplicate kid is a UniqueViolationError', async () => {
    const [existing] = await sut.listOldestFirst();
    await database.transaction((tx) => sut.insert(tx, key('later')));
    await expect(database.transaction((tx) => sut.insert(tx, key('later')))).rejects.toBeInstanceOf(
      UniqueViolationError,
    );
    const keys = await sut.listOldestFirst();
    expect(keys.map((stored) => stored.kid)).toEqual([existing!.kid, 'later']);
    expect(keys[1]).toMatchObject({
      kid: 'later',
      sealedPrivateKey: 'sealed-later',
      publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'later' },
    });
    expect(keys[1]!.createdAt).toBeInstanceOf(Date);
  });
});
