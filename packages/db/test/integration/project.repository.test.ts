import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ForeignKeyViolationError,
  ProjectRepository,
  RecordNotFoundError,
  UniqueViolationError,
  type ProjectListQuery,
} from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

const PROJECT_ADMIN = 1;
const DEVELOPER = 2;

describe(ProjectRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: ProjectRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new ProjectRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const listNames = async (query: Partial<ProjectListQuery>) =>
    (
      await sut.list({
        where: [],
        sort: [{ field: 'name', descending: false }],
        offset: 0,
        limit: 100,
        viewerId: null,
        ...query,
      })
    ).items.map((project) => project.name);

  it('creates a project and reads it back by id and by name, with its metadata as a string map', async () => {
    const owner = await fixture.newUser();
    const name = fixture.unique('created');
    const created = await fixture.database.transaction((tx) =>
      sut.create(tx, {
        name,
        ownerId: owner.id,
        metadata: { public: 'true', severity: 'high' },
        quotaLimit: 1000n,
      }),
    );
    expect(created).toMatchObject({ name, ownerId: owner.id, quotaLimit: 1000n, quotaUsed: 0n });
    expect(typeof created.id).toBe('bigint');
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await sut.findById(created.id)).toEqual(created);
    expect(await sut.findByName(name)).toEqual(created);
    expect(await sut.findByName(fixture.unique('missing'))).toBeNull();
    expect((await sut.findById(created.id))!.metadata).toEqual({ public: 'true', severity: 'high' });
  });

  it('refuses a taken name with UniqueViolationError, and the transaction writes nothing', async () => {
    const name = fixture.unique('taken');
    await fixture.newProject({ name });
    const other = fixture.unique('rolled-back');
    const attempt = fixture.database.transaction(async (tx) => {
      await sut.create(tx, { name: other, ownerId: null, metadata: {}, quotaLimit: -1n });
      await sut.create(tx, { name, ownerId: null, metadata: {}, quotaLimit: -1n });
    });
    await expect(attempt).rejects.toBeInstanceOf(UniqueViolationError);
    await expect(attempt).rejects.toMatchObject({ constraint: 'project_name_key' });
    expect(await sut.findByName(other)).toBeNull();
  });

  it('lists what a viewer may see: public projects, their own and their groups’, with their roles', async () => {
    const viewer = await fixture.newUser();
    const group = await fixture.newGroup([viewer.id]);
    const open = await fixture.newProject({ public: true, name: fixture.unique('vis-open') });
    const direct = await fixture.newProject({ name: fixture.unique('vis-direct') });
    const viaGroup = await fixture.newProject({ name: fixture.unique('vis-group') });
    const hidden = await fixture.newProject({ name: fixture.unique('vis-hidden') });
    await fixture.newMember(direct.id, { userId: viewer.id }, DEVELOPER);
    await fixture.newMember(viaGroup.id, { groupId: group.id }, PROJECT_ADMIN);
    await fixture.newMember(viaGroup.id, { userId: viewer.id }, DEVELOPER);
    await fixture.newRepository(direct);
    await fixture.newRepository(direct, 'other');

    const { total, items } = await sut.list({
      where: [
        { kind: 'nameContains', value: 'vis-' },
        {
          kind: 'anyOf',
          conditions: [
            { kind: 'public', value: true },
            { kind: 'memberIs', userId: viewer.id },
          ],
        },
      ],
      sort: [{ field: 'name', descending: false }],
      offset: 0,
      limit: 10,
      viewerId: viewer.id,
    });
    expect(items.map((project) => project.name).sort()).toEqual(
      [direct.name, open.name, viaGroup.name].sort(),
    );
    expect(total).toBe(3);
    expect(items.map((project) => project.name)).not.toContain(hidden.name);
    const byName = new Map(items.map((project) => [project.name, project]));
    expect(byName.get(direct.name)).toMatchObject({ repositoryCount: 2, viewerRoles: [DEVELOPER] });
    expect(byName.get(viaGroup.name)!.viewerRoles.sort()).toEqual([PROJECT_ADMIN, DEVELOPER].sort());
    expect(byName.get(open.name)!.viewerRoles).toEqual([]);

    const details = await sut.findDetails(viaGroup.id, viewer.id);
    expect(details!.viewerRoles.sort()).toEqual([PROJECT_ADMIN, DEVELOPER].sort());
    expect((await sut.findDetails(viaGroup.id, null))!.viewerRoles).toEqual([]);
  });

  it('filters by name, owner, ids and visibility, sorts, and pages', async () => {
    const owner = await fixture.newUser();
    const tag = fixture.unique('flt').replace('-', '');
    const a = await fixture.newProject({ name: `${tag}-a`, ownerId: owner.id, public: true });
    const b = await fixture.newProject({ name: `${tag}-b`, ownerId: owner.id });
    const c = await fixture.newProject({ name: `${tag}-c` });

    expect(await listNames({ where: [{ kind: 'nameContains', value: tag }] })).toEqual([
      a.name,
      b.name,
      c.name,
    ]);
    expect(await listNames({ where: [{ kind: 'ownerIs', username: owner.name }] })).toEqual([a.name, b.name]);
    expect(
      await listNames({
        where: [
          { kind: 'nameContains', value: tag },
          { kind: 'public', value: false },
        ],
      }),
    ).toEqual([b.name, c.name]);
    expect(await listNames({ where: [{ kind: 'idIn', values: [a.id, c.id] }] })).toEqual([a.name, c.name]);
    expect(await listNames({ where: [{ kind: 'nameIn', values: [b.name, 'nothing'] }] })).toEqual([b.name]);
    expect(await listNames({ where: [{ kind: 'nameIs', value: c.name }] })).toEqual([c.name]);
    expect(
      await listNames({
        where: [{ kind: 'nameContains', value: tag }],
        sort: [{ field: 'name', descending: true }],
        offset: 1,
        limit: 1,
      }),
    ).toEqual([b.name]);
  });

  it('matches LIKE wildcards in a name filter as themselves', async () => {
    const base = fixture.unique('wild');
    const plain = await fixture.newProject({ name: `${base}xab` });
    expect(await listNames({ where: [{ kind: 'nameContains', value: `${base}_ab` }] })).toEqual([]);
    expect(await listNames({ where: [{ kind: 'nameContains', value: `${base}%` }] })).toEqual([]);
    expect(await listNames({ where: [{ kind: 'nameContains', value: `${base}x` }] })).toEqual([plain.name]);
  });

  it('locks and changes metadata and the limit; a missing project is null or RecordNotFoundError', async () => {
    const project = await fixture.newProject();
    await fixture.database.transaction(async (tx) => {
      const metadata = await sut.lockMetadata(tx, project.id);
      expect(metadata).toEqual({ public: 'false' });
      await sut.update(tx, project.id, { metadata: { ...metadata, auto_scan: 'true' }, quotaLimit: 42n });
    });
    expect(await sut.findById(project.id)).toMatchObject({
      metadata: { public: 'false', auto_scan: 'true' },
      quotaLimit: 42n,
    });
    await fixture.database.transaction(async (tx) => {
      expect(await sut.lockMetadata(tx, 987_654_321n)).toBeNull();
    });
    await expect(
      fixture.database.transaction((tx) => sut.update(tx, 987_654_321n, { quotaLimit: 1n })),
    ).rejects.toBeInstanceOf(RecordNotFoundError);
  });

  it('refuses to delete a project that has repositories (ForeignKeyViolationError) and deletes an empty one', async () => {
    const owner = await fixture.newUser();
    const full = await fixture.newProject();
    await fixture.newRepository(full);
    expect(await sut.repositoryCount(full.id)).toBe(1);
    await expect(fixture.database.transaction((tx) => sut.delete(tx, full.id))).rejects.toBeInstanceOf(
      ForeignKeyViolationError,
    );
    expect(await sut.findById(full.id)).not.toBeNull();

    const empty = await fixture.newProject();
    await fixture.newMember(empty.id, { userId: owner.id }, PROJECT_ADMIN);
    await fixture.database.transaction((tx) => sut.delete(tx, empty.id));
    expect(await sut.findById(empty.id)).toBeNull();
    expect(
      await fixture.query('SELECT 1 FROM project_member WHERE project_id = $1', [empty.id]),
    ).toHaveLength(0);
    await expect(fixture.database.transaction((tx) => sut.delete(tx, empty.id))).rejects.toBeInstanceOf(
      RecordNotFoundError,
    );
  });

  it('does not count, and deletes with the project, repositories that never held an artifact', async () => {
    const project = await fixture.newProject();
    // A push the quota refused leaves a repository row with blob links and no artifact.
    await fixture.query('INSERT INTO repository (name, project_id) VALUES ($1, $2)', [
      `${project.name}/refused`,
      project.id,
    ]);
    expect(await sut.repositoryCount(project.id)).toBe(0);
    await fixture.database.transaction((tx) => sut.delete(tx, project.id));
    expect(await sut.findById(project.id)).toBeNull();
    expect(await fixture.query('SELECT 1 FROM repository WHERE project_id = $1', [project.id])).toHaveLength(
      0,
    );
  });

  it('finds project ids by name, or every id, and the first system administrator', async () => {
    const a = await fixture.newProject();
    const b = await fixture.newProject();
    expect((await sut.idsByName([a.name, b.name, 'nothing'])).sort()).toEqual([a.id, b.id].sort());
    expect(await sut.idsByName([])).toEqual([]);
    expect(await sut.idsByName(null)).toEqual(expect.arrayContaining([a.id, b.id]));

    const before = await sut.firstSystemAdministratorId();
    const admin = await fixture.newUser({ sysadmin: true });
    expect(await sut.firstSystemAdministratorId()).toBe(before ?? admin.id);
  });
});
