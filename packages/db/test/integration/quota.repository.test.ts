import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuotaRepository } from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

describe(QuotaRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: QuotaRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new QuotaRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('reads a project’s quota with its owner, and sets the limit', async () => {
    const owner = await fixture.newUser();
    const project = await fixture.newProject({ ownerId: owner.id });
    expect(await sut.find(project.id)).toMatchObject({
      projectId: project.id,
      projectName: project.name,
      ownerName: owner.name,
      limit: -1n,
      used: 0n,
    });
    const name = await fixture.database.transaction((tx) => sut.setLimit(tx, project.id, 2_000_000n));
    expect(name).toBe(project.name);
    expect((await sut.find(project.id))!.limit).toBe(2_000_000n);
    expect(await fixture.database.transaction((tx) => sut.setLimit(tx, 987_654_321n, 1n))).toBeNull();
    expect(await sut.find(987_654_321n)).toBeNull();
  });

  it('lists quotas sorted by limit, or one project’s', async () => {
    const small = await fixture.newProject();
    const large = await fixture.newProject();
    await fixture.database.transaction(async (tx) => {
      await sut.setLimit(tx, small.id, 10n);
      await sut.setLimit(tx, large.id, 10_000n);
    });
    const sorted = await sut.list({
      sort: [{ field: 'quotaLimit', descending: true }],
      offset: 0,
      limit: 100,
    });
    const ids = sorted.items.map((quota) => quota.projectId);
    expect(ids.indexOf(large.id)).toBeLessThan(ids.indexOf(small.id));
    const one = await sut.list({ projectId: small.id, sort: [], offset: 0, limit: 10 });
    expect(one.total).toBe(1);
    expect(one.items[0]).toMatchObject({ projectId: small.id, limit: 10n, ownerName: null });
  });
});
