import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelRepository, UniqueViolationError, type NewLabel } from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

describe(LabelRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: LabelRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new LabelRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const create = (label: Partial<NewLabel> & { name: string }) =>
    fixture.database.transaction((tx) =>
      sut.create(tx, { description: '', color: '', scope: 'g', projectId: null, ...label }),
    );

  it('creates a global label and refuses a second of the same name (UniqueViolationError), even concurrently', async () => {
    const name = fixture.unique('global');
    const created = await create({ name, color: '#fff', description: 'd' });
    expect(created).toMatchObject({ name, color: '#fff', description: 'd', scope: 'g', projectId: null });
    expect(await sut.findById(created.id)).toEqual(created);
    await expect(create({ name })).rejects.toBeInstanceOf(UniqueViolationError);

    const racing = fixture.unique('race');
    const results = await Promise.allSettled([create({ name: racing }), create({ name: racing })]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('scopes project label names to their project', async () => {
    const a = await fixture.newProject();
    const b = await fixture.newProject();
    const name = fixture.unique('shared');
    await create({ name });
    await create({ name, scope: 'p', projectId: a.id });
    await create({ name, scope: 'p', projectId: b.id });
    await expect(create({ name, scope: 'p', projectId: a.id })).rejects.toBeInstanceOf(UniqueViolationError);
  });

  it('renames unless another label of the scope has the name, and keeps what is not changed', async () => {
    const first = await create({ name: fixture.unique('first'), color: '#000' });
    const second = await create({ name: fixture.unique('second') });
    await expect(
      fixture.database.transaction((tx) => sut.update(tx, second, { name: first.name })),
    ).rejects.toBeInstanceOf(UniqueViolationError);
    const renamed = fixture.unique('renamed');
    await fixture.database.transaction((tx) => sut.update(tx, first, { name: renamed, description: 'new' }));
    expect(await sut.findById(first.id)).toMatchObject({ name: renamed, description: 'new', color: '#000' });
    // Keeping its own name is no clash.
    await fixture.database.transaction((tx) => sut.update(tx, second, { name: second.name, color: '#111' }));
  });

  it('lists a scope by name conditions, sorted and paged, and deletes', async () => {
    const project = await fixture.newProject();
    const base = fixture.unique('lst');
    for (const suffix of ['a', 'b', 'c'])
      await create({ name: `${base}-${suffix}`, scope: 'p', projectId: project.id });
    await create({ name: `${base}-global` });

    const listing = await sut.list({
      scope: 'p',
      projectId: project.id,
      names: [{ contains: base }],
      sort: [{ field: 'name', descending: true }],
      offset: 0,
      limit: 2,
    });
    expect(listing.total).toBe(3);
    expect(listing.items.map((label) => label.name)).toEqual([`${base}-c`, `${base}-b`]);
    const exact = await sut.list({
      scope: 'g',
      names: [{ is: `${base}-global` }],
      sort: [],
      offset: 0,
      limit: 10,
    });
    expect(exact.items).toHaveLength(1);
    const wildcard = await sut.list({
      scope: 'p',
      projectId: project.id,
      names: [{ contains: '_' }],
      sort: [],
      offset: 0,
      limit: 10,
    });
    expect(wildcard.total).toBe(0);

    await sut.delete(exact.items[0]!.id);
    expect(await sut.findById(exact.items[0]!.id)).toBeNull();
  });
});
