import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { actor, adminClient, Role, suffix, TestDb, type Actor } from './projects-fixtures.js';

describe('labels API', () => {
  let core: CoreProcess;
  let db: TestDb;
  let admin: ApiClient;
  let anonymous: ApiClient;
  let project: string;
  let projectId: number;
  let publicProjectId: number;
  let owner: Actor;
  let maintainer: Actor;
  let developer: Actor;
  let guest: Actor;
  let outsider: Actor;

  async function createLabel(client: ApiClient, body: Record<string, unknown>): Promise<number> {
    const response = await client.post('/labels', body);
    expect(response.status, response.text).toBe(201);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v2\.0\/labels\/\d+$/);
    return Number(location.split('/').pop());
  }

  beforeAll(async () => {
    core = await startCore();
    db = TestDb.open(core);
    admin = adminClient(core);
    anonymous = new ApiClient(core.url, null);
    owner = await actor(core, db, 'owner');
    maintainer = await actor(core, db, 'maintainer');
    developer = await actor(core, db, 'developer');
    guest = await actor(core, db, 'guest');
    outsider = await actor(core, db, 'outsider');
    project = `labels-${suffix()}`;
    expect((await owner.client.post('/projects', { project_name: project })).status).toBe(201);
    projectId = await db.projectId(project);
    await db.addMember(project, maintainer.id, Role.Maintainer);
    await db.addMember(project, developer.id, Role.Developer);
    await db.addMember(project, guest.id, Role.Guest);
    const publicName = `open-${suffix()}`;
    expect(
      (await owner.client.post('/projects', { project_name: publicName, metadata: { public: 'true' } }))
        .status,
    ).toBe(201);
    publicProjectId = await db.projectId(publicName);
  });

  afterAll(async () => {
    await db?.close();
    await core?.stop();
  });

  describe('global labels', () => {
    it('are created by system administrators and listed to everyone', async () => {
      const name = `release-${suffix()}`;
      const id = await createLabel(admin, { name, description: 'shipped', color: '#1D5100', scope: 'g' });

      const got = await admin.get(`/labels/${id}`);
      expect(got.status).toBe(200);
      assertHarborResponse('GetLabelByID', 200, got.body);
      expect(got.body).toMatchObject({
        id,
        name,
        description: 'shipped',
        color: '#1D5100',
        scope: 'g',
        project_id: 0,
      });

      for (const client of [anonymous, outsider.client]) {
        const list = await client.get(`/labels?scope=g&name=${name}`);
        expect(list.status).toBe(200);
        assertHarborResponse('ListLabels', 200, list.body);
        expect(list.body.map((label: { id: number }) => label.id)).toEqual([id]);
        expect(list.headers.get('x-total-count')).toBe('1');
      }
    });

    it('need the system label permission to create, change or delete, and are readable by all', async () => {
      const id = await createLabel(admin, { name: `sys-${suffix()}`, scope: 'g' });
      expect((await owner.client.post('/labels', { name: `nope-${suffix()}`, scope: 'g' })).status).toBe(403);
      expect((await anonymous.post('/labels', { name: `nope-${suffix()}`, scope: 'g' })).status).toBe(401);
      // Global labels are listed to everyone, so one of them reads the same way.
      expect((await owner.client.get(`/labels/${id}`)).status).toBe(200);
      expect((await anonymous.get(`/labels/${id}`)).status).toBe(200);
      expect((await owner.client.put(`/labels/${id}`, { name: 'renamed' })).status).toBe(403);
      expect((await owner.client.delete(`/labels/${id}`)).status).toBe(403);
      expect((await anonymous.delete(`/labels/${id}`)).status).toBe(401);
      expect((await admin.get(`/labels/${id}`)).status).toBe(200);
    });

    it('are unique by name', async () => {
      const name = `unique-${suffix()}`;
      await createLabel(admin, { name, scope: 'g' });
      const again = await admin.post('/labels', { name, scope: 'g' });
      expect(again.status).toBe(409);
      expect(again.body.errors[0].code).toBe('CONFLICT');
      // The same name may exist as a project label.
      await createLabel(owner.client, { name, scope: 'p', project_id: projectId });
    });
  });

  describe('project labels', () => {
    it('are managed by project admins and maintainers', async () => {
      const name = `team-${suffix()}`;
      const id = await createLabel(owner.client, { name, scope: 'p', project_id: projectId, color: '#abc' });
      const byMaintainer = await createLabel(maintainer.client, {
        name: `m-${suffix()}`,
        scope: 'p',
        project_id: projectId,
      });

      const got = await guest.client.get(`/labels/${id}`);
      expect(got.status).toBe(200);
      assertHarborResponse('GetLabelByID', 200, got.body);
      expect(got.body).toMatchObject({ id, name, scope: 'p', project_id: projectId, color: '#abc' });

      const list = await guest.client.get(`/labels?scope=p&project_id=${projectId}&page_size=50`);
      expect(list.status).toBe(200);
      assertHarborResponse('ListLabels', 200, list.body);
      expect(list.body.map((label: { id: number }) => label.id)).toEqual(
        expect.arrayContaining([id, byMaintainer]),
      );
      expect(list.body.every((label: { scope: string }) => label.scope === 'p')).toBe(true);

      const updated = await maintainer.client.put(`/labels/${id}`, {
        name: `${name}-v2`,
        description: 'changed',
      });
      expect(updated.status, updated.text).toBe(200);
      expect((await guest.client.get(`/labels/${id}`)).body).toMatchObject({
        name: `${name}-v2`,
        description: 'changed',
      });

      expect((await maintainer.client.delete(`/labels/${byMaintainer}`)).status).toBe(200);
      expect((await owner.client.get(`/labels/${byMaintainer}`)).status).toBe(404);
    });

    it('are refused to roles without the project label permission', async () => {
      const id = await createLabel(owner.client, {
        name: `guarded-${suffix()}`,
        scope: 'p',
        project_id: projectId,
      });
      const body = { name: `x-${suffix()}`, scope: 'p', project_id: projectId };
      for (const member of [developer, guest, outsider]) {
        expect((await member.client.post('/labels', body)).status, member.name).toBe(403);
        expect((await member.client.put(`/labels/${id}`, { description: 'x' })).status, member.name).toBe(
          403,
        );
        expect((await member.client.delete(`/labels/${id}`)).status, member.name).toBe(403);
      }
      expect((await outsider.client.get(`/labels/${id}`)).status).toBe(403);
      expect((await outsider.client.get(`/labels?scope=p&project_id=${projectId}`)).status).toBe(403);
      expect((await anonymous.get(`/labels?scope=p&project_id=${projectId}`)).status).toBe(401);
      expect((await anonymous.post('/labels', body)).status).toBe(401);
      expect((await developer.client.get(`/labels/${id}`)).status).toBe(200);
    });

    it('of a public project are readable by anyone', async () => {
      const id = await createLabel(owner.client, {
        name: `pub-${suffix()}`,
        scope: 'p',
        project_id: publicProjectId,
      });
      const list = await anonymous.get(`/labels?scope=p&project_id=${publicProjectId}`);
      expect(list.status).toBe(200);
      expect(list.body.map((label: { id: number }) => label.id)).toContain(id);
      expect((await outsider.client.get(`/labels/${id}`)).status).toBe(200);
      expect((await outsider.client.put(`/labels/${id}`, { description: 'x' })).status).toBe(403);
    });

    it('are unique by name within a project, not across projects', async () => {
      const name = `dup-${suffix()}`;
      await createLabel(owner.client, { name, scope: 'p', project_id: projectId });
      expect((await owner.client.post('/labels', { name, scope: 'p', project_id: projectId })).status).toBe(
        409,
      );
      await createLabel(owner.client, { name, scope: 'p', project_id: publicProjectId });
      const other = await createLabel(owner.client, {
        name: `other-${suffix()}`,
        scope: 'p',
        project_id: projectId,
      });
      expect((await owner.client.put(`/labels/${other}`, { name })).status).toBe(409);
    });

    it('keep their scope and project', async () => {
      const id = await createLabel(owner.client, {
        name: `fixed-${suffix()}`,
        scope: 'p',
        project_id: projectId,
      });
      expect((await owner.client.put(`/labels/${id}`, { scope: 'g' })).status).toBe(400);
      expect((await owner.client.put(`/labels/${id}`, { project_id: publicProjectId })).status).toBe(400);
      expect(
        (await owner.client.put(`/labels/${id}`, { scope: 'p', project_id: projectId, color: '#FFFFFF' }))
          .status,
      ).toBe(200);
    });

    it('go with their project', async () => {
      const name = `gone-${suffix()}`;
      expect((await owner.client.post('/projects', { project_name: name })).status).toBe(201);
      const id = await createLabel(owner.client, {
        name: 'temp',
        scope: 'p',
        project_id: await db.projectId(name),
      });
      expect((await owner.client.delete(`/projects/${name}`)).status).toBe(200);
      expect((await admin.get(`/labels/${id}`)).status).toBe(404);
    });
  });

  describe('bad input', () => {
    it('refuses bad bodies', async () => {
      for (const body of [
        { name: 'no-scope' },
        { name: 'x', scope: 'x' },
        { name: 'x', scope: 'p' },
        { name: '', scope: 'g' },
        { name: '   ', scope: 'g' },
        { name: 'a'.repeat(129), scope: 'g' },
        { name: 'tab\there', scope: 'g' },
        { name: 'x', scope: 'g', color: 'red' },
        { name: 'x', scope: 'g', colour: '#fff' },
        { name: 42, scope: 'g' },
        { name: 'x', scope: 'p', project_id: 'one' },
      ]) {
        const response = await admin.post('/labels', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.errors[0].code).toBe('BAD_REQUEST');
      }
      expect((await admin.post('/labels', '{"name":"x",', { raw: true })).status).toBe(400);
      expect((await admin.post('/labels', { name: 'x', scope: 'p', project_id: 99999999 })).status).toBe(404);
    });

    it('stores SQL-ish and path-ish names as plain text', async () => {
      for (const name of ["x'; DROP TABLE label;--", '../../etc/passwd', '%_\\']) {
        const id = await createLabel(admin, { name, scope: 'g' });
        expect((await admin.get(`/labels/${id}`)).body.name).toBe(name);
        const found = await anonymous.get(`/labels?scope=g&name=${encodeURIComponent(name)}`);
        expect(found.body.map((label: { id: number }) => label.id)).toEqual([id]);
      }
      expect((await anonymous.get(`/labels?scope=g&name=${encodeURIComponent("' OR '1'='1")}`)).body).toEqual(
        [],
      );
    });

    it('refuses bad listing parameters and ids', async () => {
      for (const query of [
        '',
        'scope=x',
        'scope=p',
        'scope=p&project_id=abc',
        'scope=g&page_size=101',
        'scope=g&sort=secret',
        'scope=g&q=color=red',
        'scope=g&extra=1',
      ]) {
        expect((await admin.get(`/labels?${query}`)).status, query).toBe(400);
      }
      expect((await admin.get('/labels?scope=p&project_id=99999999')).status).toBe(404);
      expect((await admin.get('/labels/abc')).status).toBe(400);
      expect((await admin.get(`/labels/${encodeURIComponent('1;DELETE')}`)).status).toBe(400);
      expect((await admin.get('/labels/99999999')).status).toBe(404);
      expect((await anonymous.get('/labels/99999999')).status).toBe(404);
    });

    it('sorts and pages', async () => {
      const tag = suffix();
      for (const name of ['c', 'a', 'b']) await createLabel(admin, { name: `${tag}-${name}`, scope: 'g' });
      const sorted = await anonymous.get(`/labels?scope=g&name=${tag}&sort=-name`);
      expect(sorted.body.map((label: { name: string }) => label.name)).toEqual([
        `${tag}-c`,
        `${tag}-b`,
        `${tag}-a`,
      ]);
      const page = await anonymous.get(`/labels?scope=g&name=${tag}&page=2&page_size=2&sort=name`);
      expect(page.body.map((label: { name: string }) => label.name)).toEqual([`${tag}-c`]);
      expect(page.headers.get('x-total-count')).toBe('3');
      const exact = await anonymous.get(`/labels?scope=g&q=${encodeURIComponent(`name=${tag}-a`)}`);
      expect(exact.body).toHaveLength(1);
    });
  });
});
