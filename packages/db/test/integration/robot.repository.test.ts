import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RobotRepository, UniqueViolationError, type NewRobot } from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

describe(RobotRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: RobotRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new RobotRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const newRobot = (overrides: Partial<NewRobot>): NewRobot => ({
    name: fixture.unique('ci'),
    description: '',
    level: 'system',
    projectId: null,
    secretHash: 'hash',
    duration: 30,
    expiresAt: new Date(Date.now() + 30 * 86_400_000),
    disabled: false,
    creatorRef: null,
    permissions: [],
    createdAt: new Date(),
    ...overrides,
  });

  const create = (robot: NewRobot) => fixture.database.transaction((tx) => sut.create(tx, robot));

  it('creates a project robot and reads it with its project and permissions', async () => {
    const project = await fixture.newProject({ public: true });
    const permissions = [
      {
        kind: 'project' as const,
        namespace: project.name,
        access: [{ resource: 'repository', action: 'pull' }],
      },
    ];
    const created = await create(newRobot({ level: 'project', projectId: project.id, permissions }));
    expect(created).toMatchObject({
      level: 'project',
      project: { id: project.id, name: project.name, metadata: { public: 'true' } },
      permissions,
      disabled: false,
    });
    expect(await sut.findById(created.id)).toEqual(created);
    expect(await sut.findById(987_654_321n)).toBeNull();
  });

  it('refuses a second system robot of the same name (UniqueViolationError), which the index alone would allow', async () => {
    const name = fixture.unique('sys');
    await create(newRobot({ name }));
    await expect(create(newRobot({ name }))).rejects.toBeInstanceOf(UniqueViolationError);
    const concurrent = await Promise.allSettled([
      create(newRobot({ name: `${name}-x` })),
      create(newRobot({ name: `${name}-x` })),
    ]);
    expect(concurrent.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(concurrent.find((result) => result.status === 'rejected')).toMatchObject({
      reason: expect.any(UniqueViolationError),
    });
  });

  it('allows one name in two projects, and refuses it twice in one', async () => {
    const name = fixture.unique('proj');
    const a = await fixture.newProject();
    const b = await fixture.newProject();
    await create(newRobot({ name, level: 'project', projectId: a.id }));
    await create(newRobot({ name, level: 'project', projectId: b.id }));
    await expect(create(newRobot({ name, level: 'project', projectId: a.id }))).rejects.toBeInstanceOf(
      UniqueViolationError,
    );
  });

  it('lists by level and project, by exact or partial name, sorted and paged', async () => {
    const project = await fixture.newProject();
    const base = fixture.unique('lst');
    for (const suffix of ['a', 'b', 'c']) {
      await create(newRobot({ name: `${base}-${suffix}`, level: 'project', projectId: project.id }));
    }
    const listing = await sut.list({
      level: 'project',
      projectId: project.id,
      sort: [{ field: 'name', descending: true }],
      offset: 1,
      limit: 1,
    });
    expect(listing.total).toBe(3);
    expect(listing.items.map((robot) => robot.name)).toEqual([`${base}-b`]);
    const exact = await sut.list({
      level: 'project',
      projectId: project.id,
      name: { value: `${base}-c`, fuzzy: false },
      sort: [],
      offset: 0,
      limit: 10,
    });
    expect(exact.items.map((robot) => robot.name)).toEqual([`${base}-c`]);
    const partial = await sut.list({
      level: 'project',
      projectId: project.id,
      name: { value: base.slice(-6), fuzzy: true },
      sort: [],
      offset: 0,
      limit: 10,
    });
    expect(partial.total).toBe(3);
    const systemOnly = await sut.list({ level: 'system', projectId: null, sort: [], offset: 0, limit: 100 });
    expect(systemOnly.items.every((robot) => robot.level === 'system' && robot.project === null)).toBe(true);
  });

  it('changes and deletes a robot', async () => {
    const robot = await create(newRobot({}));
    await fixture.database.transaction((tx) =>
      sut.update(tx, robot.id, {
        description: 'changed',
        disabled: true,
        duration: -1,
        expiresAt: null,
        secretHash: 'new',
      }),
    );
    expect(await sut.findById(robot.id)).toMatchObject({
      description: 'changed',
      disabled: true,
      duration: -1,
      expiresAt: null,
    });
    const [row] = await fixture.query<{ secret_hash: string }>(
      'SELECT secret_hash FROM robot WHERE id = $1',
      [robot.id],
    );
    expect(row!.secret_hash).toBe('new');
    expect(await fixture.database.transaction((tx) => sut.delete(tx, robot.id))).toBe(true);
    expect(await fixture.database.transaction((tx) => sut.delete(tx, robot.id))).toBe(false);
  });
});
