import { describe, expect, it } from 'vitest';
import {
  highestRole,
  isPublicProject,
  matchesAny,
  membershipPermissions,
  robotGrants,
  systemPermissionsOf,
  withPublicVisitor,
} from './access-decisions.js';
import {
  Action,
  hasPermission,
  PROJECT_ROLE_PERMISSIONS,
  ProjectResource,
  ProjectRole,
  PUBLIC_PROJECT_PERMISSIONS,
  SYSTEM_PERMISSIONS,
  SystemResource,
} from './rbac-policy.js';

describe('access decisions', () => {
  describe(highestRole.name, () => {
    it('ranks roles by power, not by id', () => {
      expect(highestRole([ProjectRole.Guest, ProjectRole.Maintainer])).toBe(ProjectRole.Maintainer);
      expect(highestRole([ProjectRole.Developer, ProjectRole.Maintainer])).toBe(ProjectRole.Maintainer);
      expect(highestRole([ProjectRole.LimitedGuest, ProjectRole.ProjectAdmin])).toBe(
        ProjectRole.ProjectAdmin,
      );
      expect(highestRole([])).toBeNull();
      expect(highestRole([99])).toBeNull();
    });
  });

  describe(isPublicProject.name, () => {
    it('is public only for the string "true"', () => {
      expect(isPublicProject({ public: 'true' })).toBe(true);
      expect(isPublicProject({ public: true })).toBe(false);
      expect(isPublicProject({ public: 'false' })).toBe(false);
      expect(isPublicProject(null)).toBe(false);
      expect(isPublicProject('true')).toBe(false);
    });
  });

  describe(matchesAny.name, () => {
    it('matches repository paths against globs, dot-files included', () => {
      expect(matchesAny(['team-a/**'], 'team-a/app')).toBe(true);
      expect(matchesAny(['team-a/**'], 'team-a/sub/app')).toBe(true);
      expect(matchesAny(['team-a/*'], 'team-a/sub/app')).toBe(false);
      expect(matchesAny(['team-a/**'], 'team-b/app')).toBe(false);
      expect(matchesAny(['*'], '.hidden')).toBe(true);
      expect(matchesAny([], 'anything')).toBe(false);
    });
  });

  describe(robotGrants.name, () => {
    const permissions = [
      {
        kind: 'project' as const,
        namespace: '*',
        access: [
          { resource: 'repository', action: 'pull' },
          { resource: 'repository', action: 'push' },
        ],
      },
      {
        kind: 'project' as const,
        namespace: 'locked',
        access: [{ resource: 'repository', action: 'push', effect: 'deny' as const }],
      },
      { kind: 'project' as const, namespace: 'one', access: [{ resource: 'artifact', action: 'delete' }] },
      { kind: 'system' as const, namespace: '/', access: [{ resource: 'catalog', action: 'read' }] },
    ];

    it('grants what entries of the namespace or of every project allow, less what any denies', () => {
      expect(robotGrants(permissions, 'project', 'one')).toEqual([
        { resource: 'repository', action: 'pull' },
        { resource: 'repository', action: 'push' },
        { resource: 'artifact', action: 'delete' },
      ]);
      expect(robotGrants(permissions, 'project', 'locked')).toEqual([
        { resource: 'repository', action: 'pull' },
      ]);
      expect(robotGrants(permissions, 'system', '/')).toEqual([{ resource: 'catalog', action: 'read' }]);
    });
  });

  describe(systemPermissionsOf.name, () => {
    it('gives system administrators every system permission, robots their grants, others none', () => {
      expect(systemPermissionsOf({ kind: 'user', id: 1n, sysadmin: true })).toEqual(SYSTEM_PERMISSIONS);
      expect(systemPermissionsOf({ kind: 'user', id: 1n, sysadmin: false })).toEqual([]);
      expect(systemPermissionsOf({ kind: 'anonymous' })).toEqual([]);
      const robot = {
        kind: 'robot' as const,
        permissions: [
          { kind: 'system' as const, namespace: '/', access: [{ resource: 'project', action: 'create' }] },
        ],
      };
      expect(hasPermission(systemPermissionsOf(robot), SystemResource.Project, Action.Create)).toBe(true);
      expect(hasPermission(systemPermissionsOf(robot), SystemResource.User, Action.List)).toBe(false);
    });
  });

  describe(membershipPermissions.name, () => {
    const pull = (permissions: ReturnType<typeof membershipPermissions>) =>
      hasPermission(permissions, ProjectResource.Repository, Action.Pull);

    it('grants a role everywhere in the project without globs', () => {
      const granted = membershipPermissions(
        [{ role: ProjectRole.Developer, repositoryScopes: [] }],
        'any/repo',
      );
      expect(granted).toEqual(PROJECT_ROLE_PERMISSIONS[ProjectRole.Developer]);
    });

    it('grants repository resources only inside the globs, and project resources everywhere', () => {
      const scoped = [{ role: ProjectRole.Developer, repositoryScopes: ['team-a/**'] }];
      expect(pull(membershipPermissions(scoped, 'team-a/app'))).toBe(true);
      expect(pull(membershipPermissions(scoped, 'team-b/app'))).toBe(false);
      expect(
        hasPermission(membershipPermissions(scoped, 'team-b/app'), ProjectResource.Member, Action.List),
      ).toBe(true);
    });

    it('without a repository lets only listings of repository resources pass', () => {
      const granted = membershipPermissions([
        { role: ProjectRole.Developer, repositoryScopes: ['team-a/**'] },
      ]);
      expect(hasPermission(granted, ProjectResource.Repository, Action.List)).toBe(true);
      expect(pull(granted)).toBe(false);
    });

    it('lets each membership grant within its own globs, so the highest role wins where they overlap', () => {
      const memberships = [
        { role: ProjectRole.Guest, repositoryScopes: [] },
        { role: ProjectRole.Maintainer, repositoryScopes: ['team-a/**'] },
      ];
      const push = (repository: string) =>
        hasPermission(
          membershipPermissions(memberships, repository),
          ProjectResource.Repository,
          Action.Push,
        );
      expect(push('team-a/app')).toBe(true);
      expect(push('team-b/app')).toBe(false);
      expect(pull(membershipPermissions(memberships, 'team-b/app'))).toBe(true);
      const granted = membershipPermissions(memberships, 'team-a/app');
      expect(new Set(granted.map((p) => `${p.resource}:${p.action}`)).size).toBe(granted.length);
    });
  });

  describe(withPublicVisitor.name, () => {
    it('adds the public visitor’s permissions in public projects only', () => {
      const project = { id: 1n, name: 'p', public: true };
      expect(withPublicVisitor(project, [])).toEqual(PUBLIC_PROJECT_PERMISSIONS);
      expect(withPublicVisitor({ ...project, public: false }, [])).toEqual([]);
      const own = [{ resource: ProjectResource.Repository, action: Action.Push }];
      expect(withPublicVisitor(project, own)).toEqual([...PUBLIC_PROJECT_PERMISSIONS, ...own]);
    });
  });
});
