import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import {
  actor,
  adminClient,
  OCI_MANIFEST,
  RegistryClient,
  Role,
  suffix,
  TestDb,
  type Actor,
} from './projects-fixtures.js';

describe('quotas API and enforcement', () => {
  let core: CoreProcess;
  let db: TestDb;
  let admin: ApiClient;
  let anonymous: ApiClient;
  let registry: RegistryClient;
  let owner: Actor;

  async function newProject(storageLimit: number): Promise<{ name: string; id: number }> {
    const name = `quota-${suffix()}`;
    const response = await admin.post('/projects', { project_name: name, storage_limit: storageLimit });
    expect(response.status, response.text).toBe(201);
    return { name, id: await db.projectId(name) };
  }

  async function used(id: number): Promise<number> {
    const response = await admin.get(`/quotas/${id}`);
    expect(response.status).toBe(200);
    return response.body.used.storage as number;
  }

  beforeAll(async () => {
    core = await startCore();
    db = TestDb.open(core);
    admin = adminClient(core);
    anonymous = new ApiClient(core.url, null);
    registry = new RegistryClient(core.url, admin.credentials);
    owner = await actor(core, db, 'owner');
  });

  afterAll(async () => {
    await db?.close();
    await core?.stop();
  });

  describe('GET /quotas', () => {
    it('lists one quota per project, id = project id', async () => {
      const project = await newProject(123_456);
      const response = await admin.get('/quotas?page_size=100');
      expect(response.status).toBe(200);
      assertHarborResponse('listQuotas', 200, response.body);
      expect(Number(response.headers.get('x-total-count'))).toBeGreaterThanOrEqual(2);
      const quota = response.body.find((q: { id: number }) => q.id === project.id);
      expect(quota).toMatchObject({
        id: project.id,
        ref: { id: project.id, name: project.name, owner_name: 'admin' },
        hard: { storage: 123_456 },
        used: { storage: 0 },
      });
    });

    it('filters by reference and sorts', async () => {
      const project = await newProject(10);
      const one = await admin.get(`/quotas?reference=project&reference_id=${project.id}`);
      expect(one.body).toHaveLength(1);
      expect(one.headers.get('x-total-count')).toBe('1');
      expect(one.body[0].ref.name).toBe(project.name);
      const none = await admin.get('/quotas?reference=registry');
      expect(none.status).toBe(200);
      expect(none.body).toEqual([]);
      const sorted = await admin.get('/quotas?sort=-hard.storage&page_size=100');
      const hards = sorted.body.map((q: { hard: { storage: number } }) => q.hard.storage);
      expect(hards).toEqual([...hards].sort((a, b) => b - a));
      for (const query of ['sort=password', 'reference_id=abc', 'page_size=500', 'bogus=1']) {
        expect((await admin.get(`/quotas?${query}`)).status, query).toBe(400);
      }
    });

    it('is for system administrators only', async () => {
      expect((await owner.client.get('/quotas')).status).toBe(403);
      expect((await anonymous.get('/quotas')).status).toBe(401);
    });
  });

  describe('GET and PUT /quotas/{id}', () => {
    it('reads and changes a project’s storage limit', async () => {
      const project = await newProject(-1);
      const got = await admin.get(`/quotas/${project.id}`);
      expect(got.status).toBe(200);
      assertHarborResponse('getQuota', 200, got.body);
      expect(got.body.hard).toEqual({ storage: -1 });

      const put = await admin.put(`/quotas/${project.id}`, { hard: { storage: 2_000_000 } });
      expect(put.status, put.text).toBe(200);
      expect((await admin.get(`/quotas/${project.id}`)).body.hard).toEqual({ storage: 2_000_000 });
      const summary = await admin.get(`/projects/${project.name}/summary`);
      expect(summary.body.quota).toEqual({ hard: { storage: 2_000_000 }, used: { storage: 0 } });
      expect((await admin.put(`/quotas/${project.id}`, { hard: { storage: -1 } })).status).toBe(200);
      // The outbox delivers audit entries after the commit: wait for them.
      const audit = () =>
        db.query("SELECT 1 FROM audit_log WHERE resource_type = 'quota' AND project_id = $1", [project.id]);
      await expect.poll(audit).toHaveLength(2);
    });

    it('refuses bad limits and bodies', async () => {
      const project = await newProject(-1);
      for (const body of [
        { hard: { storage: 0 } },
        { hard: { storage: -2 } },
        { hard: { storage: 1.5 } },
        { hard: { storage: '100' } },
        { hard: { storage: 2 ** 51 } },
        { hard: { count: 10 } },
        { hard: { storage: 10, count: 10 } },
        { hard: {} },
        {},
        { hard: { storage: 10 }, used: { storage: 0 } },
      ]) {
        const response = await admin.put(`/quotas/${project.id}`, body);
        expect(response.status, JSON.stringify(body)).toBe(400);
      }
      expect((await admin.put(`/quotas/${project.id}`, '{"hard":', { raw: true })).status).toBe(400);
      expect((await admin.get('/quotas/abc')).status).toBe(400);
      expect((await admin.get('/quotas/99999999')).status).toBe(404);
      expect((await admin.put('/quotas/99999999', { hard: { storage: 1 } })).status).toBe(404);
    });

    it('is for system administrators only, even for a project admin', async () => {
      const name = `mine-${suffix()}`;
      expect((await owner.client.post('/projects', { project_name: name })).status).toBe(201);
      const id = await db.projectId(name);
      expect((await owner.client.get(`/quotas/${id}`)).status).toBe(403);
      expect((await owner.client.put(`/quotas/${id}`, { hard: { storage: 1 } })).status).toBe(403);
      expect((await anonymous.put(`/quotas/${id}`, { hard: { storage: 1 } })).status).toBe(401);
      // The project's own summary shows its quota to members.
      expect((await owner.client.get(`/projects/${name}/summary`)).body.quota.hard.storage).toBe(-1);
    });
  });

  describe('enforcement on push', () => {
    it('counts exactly what an image stores, refuses a push over the limit, and frees on delete', async () => {
      const project = await newProject(20_000);
      const repo = `${project.name}/app`;
      const first = await registry.pushImage(repo, 'v1', [6000, 3000]);
      expect(first.status, first.text).toBe(201);
      expect(await used(project.id)).toBe(first.bytes);

      // Pushing the same manifest again, or under another tag, is free.
      expect((await registry.putManifest(repo, 'v1', first.manifest, OCI_MANIFEST)).status).toBe(201);
      expect((await registry.putManifest(repo, 'again', first.manifest, OCI_MANIFEST)).status).toBe(201);
      expect(await used(project.id)).toBe(first.bytes);

      const tooBig = await registry.pushImage(repo, 'v2', [12_000]);
      expect(tooBig.status).toBe(403);
      expect(tooBig.body).toMatchObject({ errors: [{ code: 'DENIED' }] });
      const message = (tooBig.body as { errors: { message: string }[] }).errors[0]!.message;
      expect(message).toMatch(/^quota exceeded/);
      expect(message).toContain(project.name);
      // Nothing that counts was stored: no manifest, no tag, usage unchanged.
      expect(await used(project.id)).toBe(first.bytes);
      expect((await registry.fetch(`/v2/${repo}/manifests/${tooBig.digest}`, { method: 'GET' })).status).toBe(
        404,
      );
      expect((await registry.fetch(`/v2/${repo}/manifests/v2`, { method: 'GET' })).status).toBe(404);
      const tags = await registry.fetch(`/v2/${repo}/tags/list`, { method: 'GET' });
      expect(((await tags.json()) as { tags: string[] }).tags.sort()).toEqual(['again', 'v1']);
      expect((await db.quota(project.name)).blobs).toBe(first.bytes);

      expect(await registry.deleteManifest(repo, first.digest)).toBe(202);
      expect(await used(project.id)).toBe(0);

      const retry = await registry.putManifest(repo, 'v2', tooBig.manifest, OCI_MANIFEST);
      expect(retry.status, retry.text).toBe(201);
      expect(await used(project.id)).toBe(tooBig.bytes);
    });

    it('counts a layer shared by several images of a project once', async () => {
      const project = await newProject(-1);
      const base = randomBytes(10_000);
      const one = await registry.pushImage(`${project.name}/one`, 'v1', [500], [base]);
      const two = await registry.pushImage(`${project.name}/two`, 'v1', [700], [base]);
      expect(one.status).toBe(201);
      expect(two.status).toBe(201);
      expect(await used(project.id)).toBe(one.bytes + two.bytes - base.length);
      expect((await db.quota(project.name)).blobs).toBe(await used(project.id));

      await registry.deleteManifest(`${project.name}/one`, one.digest);
      expect(await used(project.id)).toBe(two.bytes);
    });

    it('never counts uploads that no manifest references', async () => {
      const project = await newProject(1000);
      const repo = `${project.name}/app`;
      // A whole blob bigger than the quota, and an upload left unfinished.
      await registry.pushBlob(repo, randomBytes(50_000));
      const started = await registry.fetch(`/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      expect(started.status).toBe(202);
      const location = started.headers.get('location')!;
      const patched = await registry.fetch(
        new URL(location, core.url).pathname + new URL(location, core.url).search,
        {
          method: 'PATCH',
          body: randomBytes(20_000),
          headers: { 'content-type': 'application/octet-stream' },
        },
      );
      expect(patched.status).toBe(202);
      expect(await used(project.id)).toBe(0);
    });

    it('lets exactly the pushes that fit succeed when many race for the room', async () => {
      const N = 12;
      const FITS = 5;
      const images = [];
      const project = await newProject(-1);
      for (let i = 0; i < N; i++)
        images.push(await registry.prepareImage(`${project.name}/app-${i % 3}`, [2000]));
      const size = images[0]!.bytes;
      expect(images.every((image) => image.bytes === size)).toBe(true);
      expect(
        (await admin.put(`/quotas/${project.id}`, { hard: { storage: FITS * size + Math.floor(size / 2) } }))
          .status,
      ).toBe(200);

      const results = await Promise.all(
        images.map((image, i) =>
          registry.putManifest(`${project.name}/app-${i % 3}`, `t${i}`, image.manifest, OCI_MANIFEST),
        ),
      );

      const statuses = results.map((result) => result.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(FITS);
      expect(statuses.filter((status) => status === 403)).toHaveLength(N - FITS);
      expect(await used(project.id)).toBe(FITS * size);
      expect((await db.quota(project.name)).blobs).toBe(FITS * size);
      const stored = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.project_id = $1`,
        [project.id],
      );
      expect(Number(stored[0]!.n)).toBe(FITS);
    });

    it('applies a project admin’s push to the same quota', async () => {
      const project = await newProject(5000);
      await db.addMember(project.name, owner.id, Role.ProjectAdmin);
      const pusher = new RegistryClient(core.url, owner.client.credentials);
      const refused = await pusher.pushImage(`${project.name}/app`, 'v1', [6000]);
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('quota exceeded');
      const fits = await pusher.pushImage(`${project.name}/app`, 'v1', [1000]);
      expect(fits.status, fits.text).toBe(201);
      expect((await owner.client.get(`/projects/${project.name}/summary`)).body.quota.used.storage).toBe(
        fits.bytes,
      );
    });
  });
});
