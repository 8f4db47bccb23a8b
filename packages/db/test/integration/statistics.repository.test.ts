import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatisticsRepository } from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

describe(StatisticsRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: StatisticsRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new StatisticsRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('counts public projects for everyone and private ones for members, through groups too', async () => {
    const member = await fixture.newUser();
    const group = await fixture.newGroup([member.id]);
    const open = await fixture.newProject({ public: true });
    const direct = await fixture.newProject();
    const viaGroup = await fixture.newProject();
    await fixture.newProject();
    await fixture.newMember(direct.id, { userId: member.id }, 2);
    await fixture.newMember(viaGroup.id, { groupId: group.id }, 3);
    await fixture.newRepository(open);
    await fixture.newRepository(direct);
    await fixture.newRepository(direct, 'two');

    expect(await sut.projectCounts(null)).toEqual({
      publicProjects: 1,
      publicRepositories: 1,
      privateProjects: 0,
      privateRepositories: 0,
    });
    expect(await sut.projectCounts(member.id)).toEqual({
      publicProjects: 1,
      publicRepositories: 1,
      privateProjects: 2,
      privateRepositories: 2,
    });
    expect(await sut.projectCounts('everything')).toEqual({
      publicProjects: 1,
      publicRepositories: 1,
      privateProjects: 3,
      privateRepositories: 2,
    });
  });

  it('counts each stored blob and manifest once', async () => {
    expect(await sut.storedBytes()).toBe(0n);
    await fixture.query(`INSERT INTO blob (digest, size) VALUES ('sha256:a', 100), ('sha256:b', 20)`);
    expect(await sut.storedBytes()).toBe(120n);
  });
});
