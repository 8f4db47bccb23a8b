import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, linkTarget } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { actor, adminClient, RegistryClient, Role, suffix, TestDb, type Actor } from './projects-fixtures.js';

describe('projects API', () => {
  let core: CoreProcess;
  let db: TestDb;
  let admin: ApiClient;
  let anonymous: ApiClient;
  /** A private project and one user per role in it, plus an outsider. */
  let project: string;
  let projectId: number;
  let publicProject: string;
  let owner: Actor;
  let maintainer: Actor;
  let developer: Actor;
  let guest: Actor;
  let limitedGuest: Actor;
  let outsider: Actor;

  async function createProject(client: ApiClient, body: Record<string, unknown>) {
    return client.post('/projects', body);
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
    limitedGuest = await actor(core, db, 'limited');
    outsider = await actor(core, db, 'outsider');

    project = `private-${suffix()}`;
    const created = await createProject(owner.client, { project_name: project });
    expect(created.status, created.text).toBe(201);
    projectId = await db.projectId(project);
    await db.addMember(project, maintainer.id, Role.Maintainer);
    await db.addMember(project, developer.id, Role.Developer);
    await db.addMember(project, guest.id, Role.Guest);
    await db.addMember(project, limitedGuest.id, Role.LimitedGuest);

    publicProject = `public-${suffix()}`;
    expect(
      (await createProject(admin, { project_name: publicProject, metadata: { public: 'true' } })).status,
    ).toBe(201);
  });

  afterAll(async () => {
    await db?.close();
    await core?.stop();
  });

  describe('POST /projects', () => {
    it('creates a private project owned by the caller, who becomes its project admin', async () => {
      const name = `made-${suffix()}`;
      const response = await createProject(outsider.client, { project_name: name });

      expect(response.status, response.text).toBe(201);
      assertHarborResponse('createProject', 201, response.body || undefined);
      const id = await db.projectId(name);
      expect(response.headers.get('location')).toBe(`/api/v2.0/projects/${id}`);
      const got = await outsider.client.get(`/projects/${id}`);
      expect(got.status).toBe(200);
      assertHarborResponse('getProject', 200, got.body);
      expect(got.body).toMatchObject({
        project_id: id,
        name,
        owner_name: outsider.name,
        owner_id: outsider.id,
        current_user_role_id: Role.ProjectAdmin,
        current_user_role_ids: [Role.ProjectAdmin],
        repo_count: 0,
        metadata: { public: 'false' },
        deleted: false,
      });
    });

    it('names the project in Location when asked to', async () => {
      const name = `named-${suffix()}`;
      const response = await admin.post(
        '/projects',
        { project_name: name, public: true },
        { headers: { 'X-Resource-Name-In-Location': 'true' } },
      );
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/api/v2.0/projects/${name}`);
      const got = await anonymous.get(`/projects/${name}`, { headers: { 'X-Is-Resource-Name': 'true' } });
      expect(got.status).toBe(200);
      expect(got.body.metadata).toEqual({ public: 'true' });
    });

    it('stores and normalizes the metadata Harbor knows', async () => {
      const name = `meta-${suffix()}`;
      const response = await createProject(owner.client, {
        project_name: name,
        metadata: {
          public: 'false',
          auto_scan: 'true',
          prevent_vul: '1',
          severity: 'HIGH',
          reuse_sys_cve_allowlist: 'true',
          enable_content_trust: 'false',
          enable_content_trust_cosign: 'true',
          auto_sbom_generation: 'false',
          retention_id: null,
        },
        storage_limit: 1234,
        registry_id: null,
      });
      expect(response.status, response.text).toBe(201);
      const got = await owner.client.get(`/projects/${name}`);
      expect(got.body.metadata).toEqual({
        public: 'false',
        auto_scan: 'true',
        prevent_vul: 'true',
        severity: 'high',
        reuse_sys_cve_allowlist: 'true',
        enable_content_trust: 'false',
        enable_content_trust_cosign: 'true',
        auto_sbom_generation: 'false',
      });
      // Only system administrators choose a storage limit; others get the default (-1 here).
      expect((await db.quota(name)).limit).toBe(-1);
    });

    it('takes the storage limit from a system administrator, else storage_per_project', async () => {
      const byAdmin = `limit-${suffix()}`;
      expect((await createProject(admin, { project_name: byAdmin, storage_limit: 5_000_000 })).status).toBe(
        201,
      );
      expect((await db.quota(byAdmin)).limit).toBe(5_000_000);

      await db.setSetting('storage_per_project', 777_000);
      try {
        const byUser = `limit-${suffix()}`;
        expect((await createProject(owner.client, { project_name: byUser })).status).toBe(201);
        expect((await db.quota(byUser)).limit).toBe(777_000);
        const adminDefault = `limit-${suffix()}`;
        expect((await createProject(admin, { project_name: adminDefault, storage_limit: 0 })).status).toBe(
          201,
        );
        expect((await db.quota(adminDefault)).limit).toBe(777_000);
      } finally {
        await db.setSetting('storage_per_project', -1);
      }
    });

    it('answers 409 for a name that is taken', async () => {
      const response = await createProject(outsider.client, { project_name: project });
      expect(response.status).toBe(409);
      expect(response.body.errors[0]).toMatchObject({ code: 'CONFLICT' });
      expect(response.body.errors[0].message).toContain(project);
    });

    it.each([
      'UpperCase',
      'a..b',
      '-leading',
      'trailing-',
      'a__b',
      '../etc',
      'a/b',
      'with space',
      "x'; DROP TABLE project;--",
      'robert"); DELETE FROM project; --',
      '%2e%2e',
      '',
      'a'.repeat(256),
      'ünïcode',
    ])('refuses the project name %j', async (name) => {
      const response = await createProject(owner.client, { project_name: name });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].code).toBe('BAD_REQUEST');
      expect(response.body.errors[0].message).toContain('project_name');
    });

    it('accepts Harbor name edge cases', async () => {
      for (const name of [`a${suffix()}`, `1.2_3-${suffix()}`, `x${'y'.repeat(200)}${suffix()}`]) {
        expect((await createProject(owner.client, { project_name: name })).status, name).toBe(201);
      }
    });

    it('refuses bad bodies with a clear 400', async () => {
      const cases: [unknown, RegExp][] = [
        [{ project_name: `ok-${suffix()}`, unknown_field: 1 }, /unknown field unknown_field/],
        [{ project_name: `ok-${suffix()}`, metadata: { public: 'yes' } }, /public/],
        [{ project_name: `ok-${suffix()}`, metadata: { severity: 'extreme' } }, /severity/],
        [{ project_name: `ok-${suffix()}`, metadata: { colour: 'blue' } }, /colour/],
        [{ project_name: `ok-${suffix()}`, storage_limit: -5 }, /storage_limit/],
        [{ project_name: `ok-${suffix()}`, storage_limit: 'lots' }, /storage_limit/],
        [{ project_name: 42 }, /project_name/],
        [{}, /project_name/],
        [[], /./],
      ];
      for (const [body, message] of cases) {
        const response = await admin.post('/projects', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.errors[0].message).toMatch(message);
      }
    });

    it('refuses malformed JSON and a missing body', async () => {
      const malformed = await admin.post('/projects', '{"project_name": "x",', { raw: true });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].code).toBe('BAD_REQUEST');
      const empty = await admin.post('/projects');
      expect(empty.status).toBe(400);
    });

    it('requires a signed-in caller', async () => {
      const response = await createProject(anonymous, { project_name: `anon-${suffix()}` });
      expect(response.status).toBe(401);
      expect(response.body.errors[0].code).toBe('UNAUTHORIZED');
    });

    it('honours project_creation_restriction=adminonly', async () => {
      await db.setSetting('project_creation_restriction', 'adminonly');
      try {
        const refused = await createProject(owner.client, { project_name: `only-${suffix()}` });
        expect(refused.status).toBe(403);
        expect(refused.body.errors[0].message).toMatch(/system administrators/);
        expect((await createProject(admin, { project_name: `only-${suffix()}` })).status).toBe(201);
      } finally {
        await db.setSetting('project_creation_restriction', 'everyone');
      }
      expect((await createProject(owner.client, { project_name: `again-${suffix()}` })).status).toBe(201);
    });
  });

  describe('HEAD /projects', () => {
    it('answers 200 for a taken name and 404 for a free one', async () => {
      expect((await outsider.client.head(`/projects?project_name=${project}`)).status).toBe(200);
      expect((await outsider.client.head(`/projects?project_name=free-${suffix()}`)).status).toBe(404);
    });

    it('needs the name and a signed-in caller', async () => {
      expect((await outsider.client.head('/projects')).status).toBe(400);
      expect((await anonymous.head(`/projects?project_name=${project}`)).status).toBe(401);
    });
  });

  describe('GET /projects', () => {
    it('shows anonymous callers public projects only', async () => {
      const response = await anonymous.get('/projects?page_size=100');
      expect(response.status).toBe(200);
      assertHarborResponse('listProjects', 200, response.body);
      const names = response.body.map((p: { name: string }) => p.name);
      expect(names).toContain('library');
      expect(names).toContain(publicProject);
      expect(names).not.toContain(project);
      expect(response.body.every((p: { metadata: { public: string } }) => p.metadata.public === 'true')).toBe(
        true,
      );
      expect(Number(response.headers.get('x-total-count'))).toBe(names.length);

      const privateOnly = await anonymous.get('/projects?public=false');
      expect(privateOnly.status).toBe(200);
      expect(privateOnly.body).toEqual([]);
      expect(privateOnly.headers.get('x-total-count')).toBe('0');
    });

    it('shows a user public projects and their own, with their role', async () => {
      const response = await guest.client.get('/projects?page_size=100');
      expect(response.status).toBe(200);
      assertHarborResponse('listProjects', 200, response.body);
      const mine = response.body.find((p: { name: string }) => p.name === project);
      expect(mine).toMatchObject({ current_user_role_id: Role.Guest, current_user_role_ids: [Role.Guest] });
      const library = response.body.find((p: { name: string }) => p.name === 'library');
      expect(library).toMatchObject({ current_user_role_id: 0, current_user_role_ids: [] });

      const outsiders = await outsider.client.get('/projects?page_size=100');
      expect(outsiders.body.map((p: { name: string }) => p.name)).not.toContain(project);

      const privateOnly = await guest.client.get('/projects?public=false&page_size=100');
      expect(privateOnly.body.map((p: { name: string }) => p.name)).toEqual([project]);
    });

    it('shows system administrators every project', async () => {
      const response = await admin.get(`/projects?name=${project}`);
      expect(response.status).toBe(200);
      expect(response.body).toHaveLength(1);
      expect(response.body[0]).toMatchObject({ name: project, owner_name: owner.name, repo_count: 0 });
    });

    it('filters by name (substring), owner, public and q, and sorts', async () => {
      const tag = suffix();
      for (const name of [`zeta-${tag}`, `alpha-${tag}`, `mid-${tag}`]) {
        expect((await createProject(owner.client, { project_name: name })).status).toBe(201);
      }
      const byName = await owner.client.get(`/projects?name=${tag}&sort=name`);
      expect(byName.body.map((p: { name: string }) => p.name)).toEqual([
        `alpha-${tag}`,
        `mid-${tag}`,
        `zeta-${tag}`,
      ]);
      const descending = await owner.client.get(`/projects?name=${tag}&sort=-name`);
      expect(descending.body.map((p: { name: string }) => p.name)).toEqual([
        `zeta-${tag}`,
        `mid-${tag}`,
        `alpha-${tag}`,
      ]);
      const byQ = await owner.client.get(
        `/projects?q=${encodeURIComponent(`name=~${tag}`)}&sort=-creation_time`,
      );
      expect(byQ.body[0].name).toBe(`mid-${tag}`);
      const exact = await owner.client.get(`/projects?q=${encodeURIComponent(`name=alpha-${tag}`)}`);
      expect(exact.body.map((p: { name: string }) => p.name)).toEqual([`alpha-${tag}`]);
      const anyOf = await owner.client.get(
        `/projects?q=${encodeURIComponent(`name={alpha-${tag} zeta-${tag}}`)}`,
      );
      expect(anyOf.body).toHaveLength(2);
      const byOwner = await admin.get(`/projects?owner=${owner.name}&page_size=100`);
      expect(byOwner.body.every((p: { owner_name: string }) => p.owner_name === owner.name)).toBe(true);
      expect(byOwner.body.length).toBeGreaterThanOrEqual(4);
      const publicOnly = await admin.get('/projects?public=true&page_size=100');
      expect(
        publicOnly.body.every((p: { metadata: { public: string } }) => p.metadata.public === 'true'),
      ).toBe(true);
      // "_" and "%" are literal in a name search, not wildcards.
      expect((await admin.get('/projects?name=%25')).body).toEqual([]);
    });

    it('pages with X-Total-Count and Link', async () => {
      const tag = suffix();
      for (let i = 0; i < 5; i++) {
        expect((await createProject(owner.client, { project_name: `page-${tag}-${i}` })).status).toBe(201);
      }
      const first = await owner.client.get(`/projects?name=page-${tag}&page=1&page_size=2&sort=name`);
      expect(first.status).toBe(200);
      expect(first.headers.get('x-total-count')).toBe('5');
      expect(first.body.map((p: { name: string }) => p.name)).toEqual([`page-${tag}-0`, `page-${tag}-1`]);
      const next = linkTarget(first.headers, 'next');
      expect(next).toContain('page=2');
      const second = await owner.client.get(next!);
      expect(second.body.map((p: { name: string }) => p.name)).toEqual([`page-${tag}-2`, `page-${tag}-3`]);
      expect(linkTarget(second.headers, 'prev')).toContain('page=1');
      const last = await owner.client.get(`/projects?name=page-${tag}&page=3&page_size=2&sort=name`);
      expect(last.body).toHaveLength(1);
      expect(linkTarget(last.headers, 'next')).toBeNull();
    });

    it('refuses bad listing parameters', async () => {
      for (const query of [
        'page_size=101',
        'page_size=0',
        'page=0',
        'page=-1',
        'page=abc',
        'sort=password',
        'q=secret=1',
        'q=name',
        'public=maybe',
        'unknown=1',
        `q=${encodeURIComponent("project_id=1' OR '1'='1")}`,
      ]) {
        const response = await admin.get(`/projects?${query}`);
        expect(response.status, query).toBe(400);
        expect(response.body.errors[0].code).toBe('BAD_REQUEST');
      }
    });

    it('does not widen a search with SQL-ish names', async () => {
      const response = await outsider.client.get(`/projects?name=${encodeURIComponent("' OR '1'='1")}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual([]);
    });
  });

  describe('GET /projects/{project_name_or_id}', () => {
    it('reads by id and by name', async () => {
      const byId = await guest.client.get(`/projects/${projectId}`);
      expect(byId.status).toBe(200);
      assertHarborResponse('getProject', 200, byId.body);
      expect(byId.body).toMatchObject({ project_id: projectId, name: project });
      const byName = await guest.client.get(`/projects/${project}`);
      expect(byName.body.project_id).toBe(projectId);
    });

    it('hides a private project from outsiders and anonymous callers', async () => {
      expect((await outsider.client.get(`/projects/${project}`)).status).toBe(403);
      expect((await anonymous.get(`/projects/${project}`)).status).toBe(401);
      expect((await anonymous.get(`/projects/${publicProject}`)).status).toBe(200);
    });

    it('answers 404 for an unknown project', async () => {
      const response = await outsider.client.get(`/projects/nothing-${suffix()}`);
      expect(response.status).toBe(404);
      expect(response.body.errors[0].code).toBe('NOT_FOUND');
      expect((await outsider.client.get('/projects/999999999')).status).toBe(404);
      expect((await outsider.client.get(`/projects/${encodeURIComponent("x' OR 1=1 --")}`)).status).toBe(404);
    });
  });

  describe('PUT /projects/{project_name_or_id}', () => {
    it('lets the project admin change metadata, merging with what is stored', async () => {
      const response = await owner.client.put(`/projects/${project}`, {
        metadata: { auto_scan: 'true', severity: 'Critical' },
      });
      expect(response.status, response.text).toBe(200);
      const got = await owner.client.get(`/projects/${project}`);
      expect(got.body.metadata).toEqual({ public: 'false', auto_scan: 'true', severity: 'critical' });
    });

    it('refuses members whose role may not update the project', async () => {
      for (const member of [maintainer, developer, guest, limitedGuest]) {
        const response = await member.client.put(`/projects/${project}`, {
          metadata: { auto_scan: 'false' },
        });
        expect(response.status, member.name).toBe(403);
      }
      expect((await outsider.client.put(`/projects/${project}`, { metadata: {} })).status).toBe(403);
      expect((await anonymous.put(`/projects/${project}`, { metadata: {} })).status).toBe(401);
    });

    it('changes storage_limit for system administrators only', async () => {
      const refused = await owner.client.put(`/projects/${project}`, { storage_limit: 10 });
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0].message).toContain('storage_limit');
      expect((await admin.put(`/projects/${project}`, { storage_limit: 1_000_000 })).status).toBe(200);
      expect((await db.quota(project)).limit).toBe(1_000_000);
      expect((await admin.put(`/projects/${project}`, { storage_limit: -1 })).status).toBe(200);
      expect((await admin.put(`/projects/${project}`, { storage_limit: 0 })).status).toBe(400);
    });

    it('refuses renames, unknown fields and bad values', async () => {
      expect((await owner.client.put(`/projects/${project}`, { project_name: 'renamed' })).status).toBe(400);
      expect((await owner.client.put(`/projects/${project}`, { project_name: project })).status).toBe(200);
      expect((await owner.client.put(`/projects/${project}`, { name: 'x' })).status).toBe(400);
      expect(
        (await owner.client.put(`/projects/${project}`, { metadata: { auto_scan: 'perhaps' } })).status,
      ).toBe(400);
      expect((await owner.client.put(`/projects/${project}`, '{bad', { raw: true })).status).toBe(400);
    });

    it('makes a project public through the deprecated public field', async () => {
      const name = `toggle-${suffix()}`;
      await createProject(owner.client, { project_name: name });
      expect((await anonymous.get(`/projects/${name}`)).status).toBe(401);
      expect((await owner.client.put(`/projects/${name}`, { public: true })).status).toBe(200);
      expect((await anonymous.get(`/projects/${name}`)).status).toBe(200);
    });
  });

  describe('metadatas', () => {
    it('lists, adds, reads, updates and deletes metadata', async () => {
      const base = `/projects/${project}/metadatas`;
      const list = await maintainer.client.get(`${base}/`);
      expect(list.status).toBe(200);
      assertHarborResponse('listProjectMetadatas', 200, list.body);
      expect(list.body.public).toBe('false');
      expect((await maintainer.client.get(base)).body).toEqual(list.body);

      const added = await maintainer.client.post(`${base}/`, { enable_content_trust_cosign: 'true' });
      expect(added.status, added.text).toBe(200);
      const conflict = await maintainer.client.post(base, { enable_content_trust_cosign: 'false' });
      expect(conflict.status).toBe(409);

      const one = await maintainer.client.get(`${base}/enable_content_trust_cosign`);
      expect(one.status).toBe(200);
      assertHarborResponse('getProjectMetadata', 200, one.body);
      expect(one.body).toEqual({ enable_content_trust_cosign: 'true' });

      const updated = await maintainer.client.put(`${base}/enable_content_trust_cosign`, {
        enable_content_trust_cosign: 'false',
      });
      expect(updated.status).toBe(200);
      expect((await maintainer.client.get(`${base}/enable_content_trust_cosign`)).body).toEqual({
        enable_content_trust_cosign: 'false',
      });

      expect((await maintainer.client.delete(`${base}/enable_content_trust_cosign`)).status).toBe(200);
      expect((await maintainer.client.get(`${base}/enable_content_trust_cosign`)).status).toBe(404);
      expect((await maintainer.client.delete(`${base}/enable_content_trust_cosign`)).status).toBe(404);
    });

    it('validates keys and values', async () => {
      const base = `/projects/${project}/metadatas`;
      expect((await owner.client.post(base, { nonsense: 'true' })).status).toBe(400);
      expect((await owner.client.post(base, { prevent_vul: 'sometimes' })).status).toBe(400);
      expect((await owner.client.post(base, {})).status).toBe(400);
      expect((await owner.client.post(base, { prevent_vul: 5 })).status).toBe(400);
      expect((await owner.client.put(`${base}/severity`, { auto_scan: 'true' })).status).toBe(400);
      expect((await owner.client.put(`${base}/severity`, { severity: 'apocalyptic' })).status).toBe(400);
      expect((await owner.client.put(`${base}/severity`, { severity: 'LOW' })).status).toBe(200);
      expect((await owner.client.get(`${base}/severity`)).body).toEqual({ severity: 'low' });
      expect((await owner.client.get(`${base}/${encodeURIComponent('../../etc/passwd')}`)).status).toBe(404);
    });

    it('is refused to roles without metadata permissions', async () => {
      const base = `/projects/${project}/metadatas`;
      expect((await developer.client.put(`${base}/auto_scan`, { auto_scan: 'false' })).status).toBe(403);
      expect((await developer.client.post(base, { auto_sbom_generation: 'true' })).status).toBe(403);
      expect((await guest.client.get(base)).status).toBe(403);
      expect((await guest.client.delete(`${base}/auto_scan`)).status).toBe(403);
      expect((await outsider.client.get(base)).status).toBe(403);
      expect((await anonymous.get(base)).status).toBe(401);
    });
  });

  describe('DELETE /projects/{project_name_or_id}', () => {
    it('refuses to delete a project with repositories, saying why', async () => {
      const name = `full-${suffix()}`;
      expect((await createProject(owner.client, { project_name: name })).status).toBe(201);
      const registry = new RegistryClient(core.url, owner.client.credentials);
      const pushed = await registry.pushImage(`${name}/app`, 'v1', [100]);
      expect(pushed.status, pushed.text).toBe(201);

      const deletable = await owner.client.get(`/projects/${name}/_deletable`);
      expect(deletable.status).toBe(200);
      assertHarborResponse('getProjectDeletable', 200, deletable.body);
      expect(deletable.body.deletable).toBe(false);
      expect(deletable.body.message).toMatch(/repositor/);

      const refused = await owner.client.delete(`/projects/${name}`);
      expect(refused.status).toBe(412);
      expect(refused.body.errors[0].code).toBe('PRECONDITION');
      expect(refused.body.errors[0].message).toMatch(/contains a repository/);
      expect((await owner.client.get(`/projects/${name}`)).body.repo_count).toBe(1);
    });

    it('deletes an empty project', async () => {
      const name = `empty-${suffix()}`;
      await createProject(owner.client, { project_name: name });
      const deletable = await owner.client.get(`/projects/${name}/_deletable`);
      expect(deletable.body).toEqual({ deletable: true });

      expect((await owner.client.delete(`/projects/${name}`)).status).toBe(200);
      expect((await owner.client.get(`/projects/${name}`)).status).toBe(404);
      expect((await owner.client.head(`/projects?project_name=${name}`)).status).toBe(404);
      // The outbox delivers audit entries after the commit: wait for them.
      const operations = async () =>
        (
          await db.query<{ operation: string }>(
            "SELECT operation FROM audit_log WHERE resource_type = 'project' AND resource = $1 ORDER BY id",
            [name],
          )
        ).map((row) => row.operation);
      await expect.poll(operations).toEqual(['create', 'delete']);
    });

    it('is refused to roles without delete permission', async () => {
      for (const member of [maintainer, developer, guest, limitedGuest]) {
        expect((await member.client.delete(`/projects/${project}`)).status, member.name).toBe(403);
        expect((await member.client.get(`/projects/${project}/_deletable`)).status, member.name).toBe(403);
      }
      expect((await outsider.client.delete(`/projects/${project}`)).status).toBe(403);
      expect((await anonymous.delete(`/projects/${project}`)).status).toBe(401);
      expect((await admin.get(`/projects/${project}`)).status).toBe(200);
    });
  });

  describe('GET /projects/{project_name_or_id}/summary', () => {
    it('counts members by role and shows the quota to members', async () => {
      const response = await guest.client.get(`/projects/${project}/summary`);
      expect(response.status).toBe(200);
      assertHarborResponse('getProjectSummary', 200, response.body);
      expect(response.body).toMatchObject({
        repo_count: 0,
        project_admin_count: 1,
        maintainer_count: 1,
        developer_count: 1,
        guest_count: 1,
        limited_guest_count: 1,
        quota: { hard: { storage: -1 }, used: { storage: 0 } },
      });
    });

    it('leaves out what the caller may not see', async () => {
      const response = await anonymous.get(`/projects/${publicProject}/summary`);
      expect(response.status).toBe(200);
      assertHarborResponse('getProjectSummary', 200, response.body);
      expect(response.body).toEqual({ repo_count: 0 });
      expect((await outsider.client.get(`/projects/${project}/summary`)).status).toBe(403);
    });
  });

  describe('GET /statistics', () => {
    it('counts public projects and the caller’s private ones', async () => {
      const response = await guest.client.get('/statistics');
      expect(response.status).toBe(200);
      assertHarborResponse('getStatistic', 200, response.body);
      const publicCount = Number(
        (
          await db.query<{ n: string }>(
            "SELECT count(*) AS n FROM project WHERE metadata->>'public' = 'true'",
          )
        )[0]!.n,
      );
      expect(response.body).toMatchObject({
        public_project_count: publicCount,
        private_project_count: 1,
        private_repo_count: 0,
        total_project_count: 0,
      });
      expect(response.body.total_storage_consumption).toBeUndefined();
    });

    it('gives system administrators the totals', async () => {
      const response = await admin.get('/statistics');
      expect(response.status).toBe(200);
      assertHarborResponse('getStatistic', 200, response.body);
      const total = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM project'))[0]!.n);
      const repos = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM repository'))[0]!.n);
      expect(response.body.total_project_count).toBe(total);
      expect(response.body.total_repo_count).toBe(repos);
      expect(response.body.private_project_count + response.body.public_project_count).toBe(total);
      expect(response.body.total_storage_consumption).toBeGreaterThan(0);
    });

    it('needs a signed-in caller', async () => {
      expect((await anonymous.get('/statistics')).status).toBe(401);
    });
  });
});
