import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ForeignKeyViolationError,
  ProjectMemberRepository,
  RecordNotFoundError,
  UniqueViolationError,
} from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

const PROJECT_ADMIN = 1;
const DEVELOPER = 2;
const GUEST = 3;

describe(ProjectMemberRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: ProjectMemberRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new ProjectMemberRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('adds a user and a group, lists them by role, and refuses a second membership (UniqueViolationError)', async () => {
    const project = await fixture.newProject();
    const user = await fixture.newUser();
    const group = await fixture.newGroup();
    const userMember = await fixture.database.transaction((tx) =>
      sut.create(tx, {
        projectId: project.id,
        member: { userId: user.id },
        role: GUEST,
        repositoryScopes: ['team-a/**'],
      }),
    );
    await fixture.database.transaction((tx) =>
      sut.create(tx, {
        projectId: project.id,
        member: { groupId: group.id },
        role: DEVELOPER,
        repositoryScopes: [],
      }),
    );

    const { total, items } = await sut.list(project.id, { offset: 0, limit: 10 });
    expect(total).toBe(2);
    expect(items.map((member) => [member.entityName, member.role])).toEqual([
      [group.name, DEVELOPER],
      [user.name, GUEST],
    ]);
    expect(await sut.find(project.id, userMember)).toMatchObject({
      id: userMember,
      projectId: project.id,
      userId: user.id,
      groupId: null,
      entityName: user.name,
      repositoryScopes: ['team-a/**'],
    });
    expect(await sut.find(project.id + 1000n, userMember)).toBeNull();
    expect(
      (await sut.list(project.id, { entityNameContains: group.name, offset: 0, limit: 10 })).items,
    ).toHaveLength(1);
    expect((await sut.list(project.id, { entityNameContains: '%', offset: 0, limit: 10 })).total).toBe(0);

    await expect(
      fixture.database.transaction((tx) =>
        sut.create(tx, {
          projectId: project.id,
          member: { userId: user.id },
          role: DEVELOPER,
          repositoryScopes: [],
        }),
      ),
    ).rejects.toBeInstanceOf(UniqueViolationError);
  });

  it('refuses a membership of a user who does not exist (ForeignKeyViolationError)', async () => {
    const project = await fixture.newProject();
    await expect(
      fixture.database.transaction((tx) =>
        sut.create(tx, {
          projectId: project.id,
          member: { userId: 987_654n },
          role: GUEST,
          repositoryScopes: [],
        }),
      ),
    ).rejects.toBeInstanceOf(ForeignKeyViolationError);
  });

  it('changes and removes a membership, and names the users a group membership speaks for', async () => {
    const project = await fixture.newProject();
    const alice = await fixture.newUser();
    const bob = await fixture.newUser();
    const group = await fixture.newGroup([alice.id, bob.id]);
    const id = await fixture.database.transaction((tx) =>
      sut.create(tx, {
        projectId: project.id,
        member: { groupId: group.id },
        role: GUEST,
        repositoryScopes: [],
      }),
    );
    await fixture.database.transaction((tx) =>
      sut.update(tx, id, { role: PROJECT_ADMIN, repositoryScopes: ['x/*'] }),
    );
    const member = (await sut.find(project.id, id))!;
    expect(member).toMatchObject({ role: PROJECT_ADMIN, repositoryScopes: ['x/*'] });
    const usernames = await fixture.database.transaction((tx) => sut.usernamesOf(tx, member));
    expect(usernames.sort()).toEqual([alice.name, bob.name].sort());

    expect(await fixture.database.transaction((tx) => sut.delete(tx, id))).toBe(true);
    expect(await fixture.database.transaction((tx) => sut.delete(tx, id))).toBe(false);
    await expect(
      fixture.database.transaction((tx) => sut.update(tx, id, { role: GUEST })),
    ).rejects.toBeInstanceOf(RecordNotFoundError);
  });

  it('answers the memberships access decisions read: direct and through groups', async () => {
    const user = await fixture.newUser();
    const group = await fixture.newGroup([user.id]);
    const one = await fixture.newProject();
    const two = await fixture.newProject();
    const unrelated = await fixture.newProject();
    await fixture.newMember(one.id, { userId: user.id }, DEVELOPER);
    await fixture.newMember(one.id, { groupId: group.id }, GUEST);
    await fixture.newMember(two.id, { groupId: group.id }, PROJECT_ADMIN);
    await fixture.newMember(unrelated.id, { userId: (await fixture.newUser()).id }, PROJECT_ADMIN);

    const memberships = await sut.memberships(user.id, one.id);
    expect(memberships.map((membership) => membership.role).sort()).toEqual([DEVELOPER, GUEST]);
    expect(memberships.every((membership) => membership.repositoryScopes.length === 0)).toBe(true);
    expect(await sut.memberships(user.id, unrelated.id)).toEqual([]);

    const roles = await sut.projectRoles(user.id);
    expect(roles).toHaveLength(3);
    expect(roles).toEqual(
      expect.arrayContaining([
        { projectId: one.id, role: DEVELOPER },
        { projectId: one.id, role: GUEST },
        { projectId: two.id, role: PROJECT_ADMIN },
      ]),
    );
    expect(await sut.holdsRoleAnywhere(user.id, PROJECT_ADMIN)).toBe(true);
    expect(await sut.holdsRoleAnywhere((await fixture.newUser()).id, PROJECT_ADMIN)).toBe(false);
    expect(await sut.roleCounts(one.id)).toEqual(
      new Map([
        [DEVELOPER, 1],
        [GUEST, 1],
      ]),
    );
  });

  it('finds the user or group a new membership names', async () => {
    const user = await fixture.newUser();
    const group = await fixture.newGroup();
    expect(await sut.findUser({ username: user.name })).toEqual({ id: user.id, name: user.name });
    expect(await sut.findUser({ id: user.id })).toEqual({ id: user.id, name: user.name });
    expect(await sut.findUser({ id: user.id, username: 'someone-else' })).toBeNull();
    expect(await sut.findGroup({ name: group.name })).toEqual({ id: group.id, name: group.name });
    expect(await sut.findGroup({ id: group.id })).toEqual({ id: group.id, name: group.name });
    expect(await sut.findGroup({ name: fixture.unique('nothing') })).toBeNull();
  });
});
