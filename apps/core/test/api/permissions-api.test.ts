import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PROJECT_PERMISSIONS, SYSTEM_PERMISSIONS } from '../../dist/rbac/rbac-policy.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { ADMIN, api, ProjectRole, Seeder, uniqueName, type Credentials } from './artifacts-support.js';

const pairs = (list: readonly { resource: string; action: string }[]) =>
  list.map(({ resource, action }) => `${resource}:${action}`).sort();

describe('permissions API', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let projectAdmin: Credentials & { id: bigint };
  let developer: Credentials & { id: bigint };

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    const projectId = await seed.project(uniqueName('perms'), false);
    projectAdmin = await seed.user('perm-owner');
    developer = await seed.user('perm-dev');
    await seed.member(projectId, projectAdmin.id, ProjectRole.ProjectAdmin);
    await seed.member(projectId, developer.id, ProjectRole.Developer);
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  it('lists system and project permissions for the system administrator', async () => {
    const reply = await api(core.url, 'GET', '/permissions', { as: ADMIN });
    expect(reply.status).toBe(200);
    assertHarborResponse('getPermissions', 200, reply.body);
    expect(pairs(reply.body.system)).toEqual(pairs(SYSTEM_PERMISSIONS));
    expect(pairs(reply.body.project)).toEqual(pairs(ALL_PROJECT_PERMISSIONS));
    expect(pairs(reply.body.project)).toContain('repository:push');
  });

  it('lists only project permissions for a project administrator', async () => {
    const reply = await api(core.url, 'GET', '/permissions', { as: projectAdmin });
    expect(reply.status).toBe(200);
    expect(reply.body.system).toBeUndefined();
    expect(pairs(reply.body.project)).toEqual(pairs(ALL_PROJECT_PERMISSIONS));
  });

  it('refuses members who administer no project, and anonymous callers', async () => {
    const member = await api(core.url, 'GET', '/permissions', { as: developer });
    expect(member.status).toBe(403);
    expect(member.body.errors[0].code).toBe('FORBIDDEN');
    expect((await api(core.url, 'GET', '/permissions')).status).toBe(401);
  });
});
