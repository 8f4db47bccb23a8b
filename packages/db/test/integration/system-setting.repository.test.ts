import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemSettingRepository } from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

describe(SystemSettingRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: SystemSettingRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new SystemSettingRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('stores JSON values of any type and reads back only the keys asked for', async () => {
    const [text, number, flag] = [fixture.unique('text'), fixture.unique('number'), fixture.unique('flag')];
    await fixture.database.transaction((tx) =>
      sut.put(tx, [
        [text, 'adminonly'],
        [number, 42],
        [flag, true],
      ]),
    );
    expect(await sut.value(text)).toBe('adminonly');
    expect(await sut.value(number)).toBe(42);
    expect(await sut.value(fixture.unique('never-set'))).toBeUndefined();
    expect(await sut.values([text, flag, 'missing'])).toEqual(
      new Map<string, unknown>([
        [text, 'adminonly'],
        [flag, true],
      ]),
    );
    await fixture.database.transaction((tx) => sut.put(tx, [[number, -1]]));
    expect(await sut.value(number)).toBe(-1);
  });

  it('writes nothing when the transaction fails', async () => {
    const key = fixture.unique('rolled-back');
    await expect(
      fixture.database.transaction(async (tx) => {
        await sut.put(tx, [[key, 'x']]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await sut.value(key)).toBeUndefined();
  });
});
