import type { Membership } from '@berth/db';
import { describe, expect, it } from 'vitest';
import { AccessControl, type MembershipSource, type ProjectIdSource } from './access-control.js';
import {
  Action,
  ALL_PROJECT_PERMISSIONS,
  hasPermission,
  ProjectResource,
  ProjectRole,
  SystemResource,
} from './rbac-policy.js';

/** Memberships and projects held in memory: what the repositories would answer. */
class InMemorySources implements MembershipSource, ProjectIdSource {
  readonly rows: { userId: bigint; projectId: bigint; membership: Membership }[] = [];
  readonly projects = new Map<string, bigint>();

  async memberships(userId: bigint, projectId: bigint): Promise<Membership[]> {
    return this.rows
      .filter((row) => row.userId === userId && row.projectId === projectId)
      .map((row) => row.membership);
  }

  async projectRoles(userId: bigint): Promise<{ projectId: bigint; role: number }[]> {
    return this.rows
      .filter((row) => row.userId === userId)
      .map((row) => ({ projectId: row.projectId, role: row.membership.role }));
  }

  async idsByName(names: string[] | null): Promise<bigint[]> {
    return [...this.projects].filter(([name]) => names === null || names.includes(name)).map(([, id]) => id);
  }
}

describe(AccessControl.name, () => {
  const team = { id: 1n, name: 'team', public: false };
  const open = { id: 2n, name: 'open', public: true };
  const alice = { kind: 'user' as const, id: 10n, sysadmin: false };
  const admin = { kind: 'user' as const, id: 11n, sysadmin: true };
  const anonymous = { kind: 'anonymous' as const };

  function setup() {
    const sources = new InMemorySources();
    sources.projects.set(team.name, team.id).set(open.name, open.id);
    sources.rows.push({
      userId: alice.id,
      projectId: team.id,
      membership: { role: ProjectRole.Developer, repositoryScopes: [] },
    });
    return { sources, sut: new AccessControl(sources, sources) };
  }

  it('lets members act by their role and others not at all in a private project', async () => {
    const { sut } = setup();
    expect(await sut.can(alice, team, ProjectResource.Repository, Action.Push)).toBe(true);
    expect(await sut.can(alice, team, ProjectResource.Repository, Action.Delete)).toBe(false);
    expect(await sut.can({ ...alice, id: 99n }, team, ProjectResource.Repository, Action.Pull)).toBe(false);
    expect(await sut.can(anonymous, team, ProjectResource.Repository, Action.Pull)).toBe(false);
    expect(await sut.memberRole(alice.id, team.id)).toBe(ProjectRole.Developer);
    expect(await sut.memberRole(alice.id, open.id)).toBeNull();
  });

  it('lets anyone pull from a public project, but only its own rights count as own', async () => {
    const { sut } = setup();
    expect(await sut.can(anonymous, open, ProjectResource.Repository, Action.Pull)).toBe(true);
    expect(await sut.can(anonymous, open, ProjectResource.Repository, Action.Push)).toBe(false);
    expect(await sut.ownProjectPermissions(anonymous, open)).toEqual([]);
  });

  it('gives system administrators everything', async () => {
    const { sut } = setup();
    expect(await sut.ownProjectPermissions(admin, team)).toEqual(ALL_PROJECT_PERMISSIONS);
    expect(sut.canSystem(admin, SystemResource.User, Action.Create)).toBe(true);
    expect(sut.canSystem(alice, SystemResource.User, Action.Create)).toBe(false);
    expect(await sut.projectsWhere(admin, ProjectResource.Log, Action.List)).toBeNull();
  });

  it('finds the projects where a user’s roles or a robot’s permissions hold a permission', async () => {
    const { sources, sut } = setup();
    sources.rows.push({
      userId: alice.id,
      projectId: open.id,
      membership: { role: ProjectRole.LimitedGuest, repositoryScopes: [] },
    });
    expect(await sut.projectsWhere(alice, ProjectResource.Log, Action.List)).toEqual([team.id]);
    expect(await sut.projectsWhere(alice, ProjectResource.Repository, Action.Pull)).toEqual([
      team.id,
      open.id,
    ]);
    expect(await sut.projectsWhere(anonymous, ProjectResource.Log, Action.List)).toEqual([]);

    const robot = {
      kind: 'robot' as const,
      permissions: [
        { kind: 'project' as const, namespace: 'open', access: [{ resource: 'repository', action: 'pull' }] },
        { kind: 'project' as const, namespace: 'team', access: [{ resource: 'log', action: 'list' }] },
      ],
    };
    expect(await sut.projectsWhere(robot, ProjectResource.Repository, Action.Pull)).toEqual([open.id]);
    const everywhere = {
      kind: 'robot' as const,
      permissions: [
        { kind: 'project' as const, namespace: '*', access: [{ resource: 'log', action: 'list' }] },
      ],
    };
    expect((await sut.projectsWhere(everywhere, ProjectResource.Log, Action.List))?.sort()).toEqual(
      [team.id, open.id].sort(),
    );
    expect(hasPermission(await sut.projectPermissions(robot, team), ProjectResource.Log, Action.List)).toBe(
      true,
    );
  });

  it('narrows a glob-scoped member to the repositories the globs match', async () => {
    const { sources, sut } = setup();
    const bob = { kind: 'user' as const, id: 12n, sysadmin: false };
    sources.rows.push({
      userId: bob.id,
      projectId: team.id,
      membership: { role: ProjectRole.Maintainer, repositoryScopes: ['backend/**'] },
    });
    expect(await sut.can(bob, team, ProjectResource.Repository, Action.Push, 'backend/api')).toBe(true);
    expect(await sut.can(bob, team, ProjectResource.Repository, Action.Push, 'frontend/web')).toBe(false);
    expect(await sut.can(bob, team, ProjectResource.Repository, Action.List)).toBe(true);
    expect(await sut.can(bob, team, ProjectResource.Label, Action.Create, 'frontend/web')).toBe(true);
  });
});
