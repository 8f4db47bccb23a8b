/**
 * Who may call the repository, artifact, tag, accessory and artifact-label endpoints: every
 * endpoint tried by anonymous, a signed-in non-member, each of Harbor's five roles and the system
 * administrator, in a private and a public project. The expectations are computed from the
 * permission table itself, so a change to the table changes what is tested.
 *
 * Targets that do not exist are used where an allowed call would change something: the guard
 * answers before the handler, so "allowed" shows as anything but 401/403 (usually 404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Action,
  hasPermission,
  PROJECT_ROLE_NAMES,
  PROJECT_ROLE_PERMISSIONS,
  ProjectResource,
  PUBLIC_PROJECT_PERMISSIONS,
  type ProjectRole,
} from '../../src/rbac/rbac-policy.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { randomImage } from '../support/oci-fixtures.js';
import {
  ADMIN,
  api,
  ProjectRole as Role,
  repoParam,
  Seeder,
  uniqueName,
  type Credentials,
} from './artifacts-support.js';

interface Endpoint {
  operation: string;
  method: string;
  path: (project: string) => string;
  body?: unknown;
  resource: string;
  action: Action;
}

const repo = (project: string, name = 'app') => `/projects/${project}/repositories/${repoParam(name)}`;
const artifact = (project: string, reference = 'v1') => `${repo(project)}/artifacts/${reference}`;

const ENDPOINTS: Endpoint[] = [
  {
    operation: 'listRepositories',
    method: 'GET',
    path: (p) => `/projects/${p}/repositories`,
    resource: ProjectResource.Repository,
    action: Action.List,
  },
  {
    operation: 'getRepository',
    method: 'GET',
    path: (p) => repo(p),
    resource: ProjectResource.Repository,
    action: Action.Read,
  },
  {
    operation: 'updateRepository',
    method: 'PUT',
    path: (p) => repo(p, 'nope'),
    body: { description: 'x' },
    resource: ProjectResource.Repository,
    action: Action.Update,
  },
  {
    operation: 'deleteRepository',
    method: 'DELETE',
    path: (p) => repo(p, 'nope'),
    resource: ProjectResource.Repository,
    action: Action.Delete,
  },
  {
    operation: 'listArtifacts',
    method: 'GET',
    path: (p) => `${repo(p)}/artifacts`,
    resource: ProjectResource.Artifact,
    action: Action.List,
  },
  {
    operation: 'CopyArtifact',
    method: 'POST',
    path: (p) => `${repo(p, 'copy')}/artifacts?from=${encodeURIComponent(`${p}/app:nope`)}`,
    resource: ProjectResource.Artifact,
    action: Action.Create,
  },
  {
    operation: 'getArtifact',
    method: 'GET',
    path: (p) => artifact(p),
    resource: ProjectResource.Artifact,
    action: Action.Read,
  },
  {
    operation: 'deleteArtifact',
    method: 'DELETE',
    path: (p) => artifact(p, 'nope'),
    resource: ProjectResource.Artifact,
    action: Action.Delete,
  },
  {
    operation: 'listTags',
    method: 'GET',
    path: (p) => `${artifact(p)}/tags`,
    resource: ProjectResource.Tag,
    action: Action.List,
  },
  {
    operation: 'createTag',
    method: 'POST',
    path: (p) => `${artifact(p, 'nope')}/tags`,
    body: { name: 'x' },
    resource: ProjectResource.Tag,
    action: Action.Create,
  },
  {
    operation: 'deleteTag',
    method: 'DELETE',
    path: (p) => `${artifact(p)}/tags/nope`,
    resource: ProjectResource.Tag,
    action: Action.Delete,
  },
  {
    operation: 'listAccessories',
    method: 'GET',
    path: (p) => `${artifact(p)}/accessories`,
    resource: ProjectResource.Accessory,
    action: Action.List,
  },
  {
    operation: 'getAddition',
    method: 'GET',
    path: (p) => `${artifact(p)}/additions/build_history`,
    resource: ProjectResource.ArtifactAddition,
    action: Action.Read,
  },
  {
    operation: 'addLabel',
    method: 'POST',
    path: (p) => `${artifact(p, 'nope')}/labels`,
    body: { id: 1 },
    resource: ProjectResource.ArtifactLabel,
    action: Action.Create,
  },
  {
    operation: 'removeLabel',
    method: 'DELETE',
    path: (p) => `${artifact(p)}/labels/999999`,
    resource: ProjectResource.ArtifactLabel,
    action: Action.Delete,
  },
];

const ROLES = Object.keys(PROJECT_ROLE_NAMES).map(Number) as ProjectRole[];

describe('repository and artifact API authorization', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let privateProject: string;
  let publicProject: string;
  let nonMember: Credentials;
  const members = new Map<ProjectRole, Credentials>();

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    privateProject = uniqueName('acl-private');
    publicProject = uniqueName('acl-public');
    const privateId = await seed.project(privateProject, false);
    await seed.project(publicProject, true);
    for (const project of [privateProject, publicProject])
      await seed.push(`${project}/app`, randomImage(), 'v1');
    nonMember = await seed.user('outsider');
    for (const role of ROLES) {
      const user = await seed.user(PROJECT_ROLE_NAMES[role].toLowerCase());
      await seed.member(privateId, user.id, role);
      members.set(role, user);
    }
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  async function call(endpoint: Endpoint, project: string, as: Credentials | null) {
    const reply = await api(core.url, endpoint.method, endpoint.path(project), {
      as,
      ...(endpoint.body !== undefined ? { body: endpoint.body } : {}),
    });
    expect(reply.status, `${endpoint.operation}: ${reply.text}`).toBeLessThan(500);
    return reply;
  }

  describe.each(ENDPOINTS)('$operation ($resource $action)', (endpoint) => {
    it('is refused to anonymous (401) and non-members (403) in a private project', async () => {
      const anonymous = await call(endpoint, privateProject, null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.errors[0].code).toBe('UNAUTHORIZED');
      const outsider = await call(endpoint, privateProject, nonMember);
      expect(outsider.status).toBe(403);
      expect(outsider.body.errors[0].code).toBe('FORBIDDEN');
    });

    it.each(ROLES.map((role) => [PROJECT_ROLE_NAMES[role], role] as const))(
      'is allowed to %s only as the permission table says',
      async (_name, role) => {
        const allowed = hasPermission(PROJECT_ROLE_PERMISSIONS[role], endpoint.resource, endpoint.action);
        const reply = await call(endpoint, privateProject, members.get(role)!);
        if (allowed) expect([401, 403]).not.toContain(reply.status);
        else expect(reply.status).toBe(403);
      },
    );

    it('is allowed to the system administrator', async () => {
      const reply = await call(endpoint, privateProject, ADMIN);
      expect([401, 403]).not.toContain(reply.status);
    });

    it('follows the public-project permissions for anonymous and non-members', async () => {
      const allowed = hasPermission(PUBLIC_PROJECT_PERMISSIONS, endpoint.resource, endpoint.action);
      const anonymous = await call(endpoint, publicProject, null);
      const outsider = await call(endpoint, publicProject, nonMember);
      if (allowed) {
        expect([401, 403]).not.toContain(anonymous.status);
        expect([401, 403]).not.toContain(outsider.status);
      } else {
        expect(anonymous.status).toBe(401);
        expect(outsider.status).toBe(403);
      }
    });
  });

  describe('members scoped to repositories by glob', () => {
    let scopedProject: string;
    let scoped: Credentials;

    beforeAll(async () => {
      scopedProject = uniqueName('acl-scoped');
      const projectId = await seed.project(scopedProject, false);
      for (const name of ['team-a/app', 'team-a/tools/cli', 'team-b/app']) {
        await seed.push(`${scopedProject}/${name}`, randomImage(), 'v1');
      }
      const user = await seed.user('scoped');
      await seed.member(projectId, user.id, Role.Developer, ['team-a/**']);
      scoped = user;
    });

    it('reach repositories their globs match', async () => {
      for (const name of ['team-a/app', 'team-a/tools/cli']) {
        const reply = await api(core.url, 'GET', `${repo(scopedProject, name)}/artifacts`, { as: scoped });
        expect(reply.status, name).toBe(200);
        expect(reply.body).toHaveLength(1);
      }
      const tag = await api(core.url, 'POST', `${repo(scopedProject, 'team-a/app')}/artifacts/v1/tags`, {
        as: scoped,
        body: { name: 'v2' },
      });
      expect(tag.status).toBe(201);
    });

    it('are refused everywhere else in the project', async () => {
      const list = await api(core.url, 'GET', `${repo(scopedProject, 'team-b/app')}/artifacts`, {
        as: scoped,
      });
      expect(list.status).toBe(403);
      const get = await api(core.url, 'GET', `${repo(scopedProject, 'team-b/app')}/artifacts/v1`, {
        as: scoped,
      });
      expect(get.status).toBe(403);
      const tag = await api(core.url, 'POST', `${repo(scopedProject, 'team-b/app')}/artifacts/v1/tags`, {
        as: scoped,
        body: { name: 'v2' },
      });
      expect(tag.status).toBe(403);
    });

    it('see only their repositories in the listings', async () => {
      const names = ['team-a/app', 'team-a/tools/cli'].map((name) => `${scopedProject}/${name}`).sort();
      const inProject = await api(core.url, 'GET', `/projects/${scopedProject}/repositories`, { as: scoped });
      // The project-wide list needs `repository list` on the project itself; when granted it is filtered.
      if (inProject.status === 200)
        expect(inProject.body.map((r: { name: string }) => r.name).sort()).toEqual(names);
      else expect(inProject.status).toBe(403);
      const all = await api(
        core.url,
        'GET',
        `/repositories?q=${encodeURIComponent(`name=~${scopedProject}`)}`,
        {
          as: scoped,
        },
      );
      expect(all.status).toBe(200);
      expect(all.body.map((r: { name: string }) => r.name).sort()).toEqual(names);
      const search = await api(core.url, 'GET', `/search?q=${scopedProject}`, { as: scoped });
      expect(
        search.body.repository.map((r: { repository_name: string }) => r.repository_name).sort(),
      ).toEqual(names);
    });
  });
});
