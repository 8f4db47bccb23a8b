import { createHash, randomUUID } from 'node:crypto';
import type { BlobRecord, NewManifest } from '@berth/distribution';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgMetadataStore, createPool } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const CONFIG = 'application/vnd.oci.image.config.v1+json';

function digestOf(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

function newBlob(size: number): BlobRecord {
  return { digest: digestOf(`blob ${randomUUID()}`), size };
}

/** A manifest whose payload is exactly `payloadSize` bytes, so tests can compute charges exactly. */
function newManifest(blobs: BlobRecord[], options: { payloadSize?: number; children?: BlobRecord[] } = {}) {
  const body = JSON.stringify({ schemaVersion: 2, nonce: randomUUID(), pad: '' });
  const padding = Math.max(0, (options.payloadSize ?? body.length) - body.length);
  const payload = Buffer.from(body.replace('"pad":""', `"pad":"${'x'.repeat(padding)}"`));
  const manifest: NewManifest = {
    digest: digestOf(payload.toString()),
    mediaType: options.children ? OCI_INDEX : OCI_MANIFEST,
    artifactType: options.children ? null : CONFIG,
    size: payload.length,
    payload,
    subjectDigest: null,
    annotations: null,
    blobs,
    manifests: options.children ?? [],
  };
  return manifest;
}

describe(`${PgMetadataStore.name} storage quota`, () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let sut: PgMetadataStore;

  async function newProject(limit: number): Promise<string> {
    const name = `quota-${randomUUID().slice(0, 8)}`;
    await pool.query('INSERT INTO project (name, quota_limit) VALUES ($1, $2)', [name, limit]);
    return name;
  }

  async function usage(project: string): Promise<{ used: number; rows: number; sum: number }> {
    const { rows } = await pool.query<{ used: string; rows: string; sum: string | null }>(
      `SELECT p.quota_used AS used, count(pb.digest) AS rows, sum(pb.size) AS sum
       FROM project p LEFT JOIN project_blob pb ON pb.project_id = p.id
       WHERE p.name = $1 GROUP BY p.id`,
      [project],
    );
    return { used: Number(rows[0]!.used), rows: Number(rows[0]!.rows), sum: Number(rows[0]!.sum ?? 0) };
  }

  /**
   * What the project should be charged, recomputed from scratch: every distinct digest its
   * manifests are or reference as blobs, at the stored size.
   */
  async function recomputed(project: string): Promise<number> {
    const { rows } = await pool.query<{ total: string | null }>(
      `SELECT sum(size) AS total FROM (
         SELECT m.digest, m.size FROM manifest m JOIN repository r ON r.id = m.repository_id
           JOIN project p ON p.id = r.project_id WHERE p.name = $1
         UNION
         SELECT b.digest, b.size FROM manifest m JOIN repository r ON r.id = m.repository_id
           JOIN project p ON p.id = r.project_id
           JOIN manifest_reference mr ON mr.manifest_id = m.id AND mr.kind = 'blob'
           JOIN blob b ON b.digest = mr.digest WHERE p.name = $1) AS charged`,
      [project],
    );
    return Number(rows[0]!.total ?? 0);
  }

  async function link(repository: string, blobs: BlobRecord[]): Promise<void> {
    for (const blob of blobs) await sut.linkBlob(repository, blob);
  }

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: true });
    pool = createPool(database.url, { max: 40 });
    sut = new PgMetadataStore(pool);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('charges a pushed image its blobs and its own size', async () => {
    const project = await newProject(-1);
    const repo = `${project}/app`;
    const blobs = [newBlob(1000), newBlob(20_000), newBlob(300)];
    await link(repo, blobs);
    const manifest = newManifest(blobs);

    expect(await sut.commitManifest(repo, manifest, ['v1'], [])).toEqual({ ok: true, created: true });

    const expected = 21_300 + manifest.size;
    expect(await usage(project)).toEqual({ used: expected, rows: 4, sum: expected });
  });

  it('does not charge linked blobs no manifest references (abandoned pushes)', async () => {
    const project = await newProject(-1);
    await link(`${project}/app`, [newBlob(5000), newBlob(7000)]);
    await sut.createUpload({ id: randomUUID(), repository: `${project}/app`, createdAt: new Date() });

    expect(await usage(project)).toEqual({ used: 0, rows: 0, sum: 0 });
  });

  it('charges nothing for pushing the same manifest again or moving tags to it', async () => {
    const project = await newProject(-1);
    const repo = `${project}/app`;
    const blobs = [newBlob(4000)];
    await link(repo, blobs);
    const manifest = newManifest(blobs);
    await sut.commitManifest(repo, manifest, ['v1'], []);
    const before = await usage(project);

    expect(await sut.commitManifest(repo, manifest, ['v1'], [])).toEqual({ ok: true, created: false });
    expect(await sut.commitManifest(repo, manifest, ['latest'], [])).toEqual({ ok: true, created: false });
    expect(await sut.commitManifest(repo, manifest, [], [])).toEqual({ ok: true, created: false });

    expect(await usage(project)).toEqual(before);
  });

  it('counts a blob shared by several artifacts and repositories of a project once', async () => {
    const project = await newProject(-1);
    const base = newBlob(50_000);
    const a = newBlob(1000);
    const b = newBlob(2000);
    await link(`${project}/one`, [base, a]);
    await link(`${project}/two`, [base, b]);
    const first = newManifest([base, a]);
    const second = newManifest([base, b]);
    await sut.commitManifest(`${project}/one`, first, [], []);
    await sut.commitManifest(`${project}/two`, second, [], []);
    // The same manifest in a second repository: its bytes are already counted too.
    await link(`${project}/three`, [base, a]);
    await sut.commitManifest(`${project}/three`, first, [], []);

    const expected = 50_000 + 1000 + 2000 + first.size + second.size;
    expect((await usage(project)).used).toBe(expected);
    expect(await recomputed(project)).toBe(expected);
  });

  it('counts the same blob in two projects in each', async () => {
    const shared = newBlob(10_000);
    const p1 = await newProject(-1);
    const p2 = await newProject(-1);
    await link(`${p1}/app`, [shared]);
    await link(`${p2}/app`, [shared]);
    const m1 = newManifest([shared]);
    const m2 = newManifest([shared]);
    await sut.commitManifest(`${p1}/app`, m1, [], []);
    await sut.commitManifest(`${p2}/app`, m2, [], []);

    expect((await usage(p1)).used).toBe(10_000 + m1.size);
    expect((await usage(p2)).used).toBe(10_000 + m2.size);
  });

  it('charges an index its own size; its children were charged by their own push', async () => {
    const project = await newProject(-1);
    const repo = `${project}/multi`;
    const amd = [newBlob(3000)];
    const arm = [newBlob(4000)];
    await link(repo, [...amd, ...arm]);
    const child1 = newManifest(amd);
    const child2 = newManifest(arm);
    await sut.commitManifest(repo, child1, [], []);
    await sut.commitManifest(repo, child2, [], []);
    const afterChildren = (await usage(project)).used;
    const index = newManifest([], {
      children: [
        { digest: child1.digest, size: child1.size },
        { digest: child2.digest, size: child2.size },
      ],
    });

    expect(await sut.commitManifest(repo, index, ['latest'], [])).toEqual({ ok: true, created: true });

    expect((await usage(project)).used).toBe(afterChildren + index.size);
    expect(afterChildren).toBe(7000 + child1.size + child2.size);
  });

  it('refuses a push over the limit and writes nothing', async () => {
    const project = await newProject(10_000);
    const repo = `${project}/app`;
    const small = [newBlob(2000)];
    await link(repo, small);
    const fits = newManifest(small);
    expect(await sut.commitManifest(repo, fits, ['v1'], [])).toMatchObject({ ok: true });
    const before = await usage(project);
    const big = [newBlob(9000)];
    await link(repo, big);
    const tooBig = newManifest(big);

    const result = await sut.commitManifest(repo, tooBig, ['v2'], []);

    expect(result.ok).toBe(false);
    expect(result).toHaveProperty('denied');
    const denied = (result as { denied: string }).denied;
    expect(denied).toMatch(/^quota exceeded: /);
    expect(denied).toContain(project);
    expect(await usage(project)).toEqual(before);
    expect(await sut.getManifest(repo, { digest: tooBig.digest })).toBeNull();
    expect(await sut.getManifest(repo, { tag: 'v2' })).toBeNull();
    expect(await sut.listTags(repo, { limit: 10 })).toEqual(['v1']);
  });

  it('allows a push that reaches the limit exactly, and one that only adds bytes already counted', async () => {
    const blobs = [newBlob(1000)];
    const manifest = newManifest(blobs, { payloadSize: 500 });
    const project = await newProject(1500);
    const repo = `${project}/app`;
    await link(repo, blobs);
    expect(await sut.commitManifest(repo, manifest, [], [])).toEqual({ ok: true, created: true });
    expect((await usage(project)).used).toBe(1500);

    // Full now, but the same manifest in another repository of the project adds nothing.
    await link(`${project}/copy`, blobs);
    expect(await sut.commitManifest(`${project}/copy`, manifest, [], [])).toEqual({
      ok: true,
      created: true,
    });
    expect((await usage(project)).used).toBe(1500);
    expect((await usage(project)).rows).toBe(2);
  });

  it('treats a negative limit as unlimited', async () => {
    const project = await newProject(-1);
    const blobs = [newBlob(5_000_000_000)];
    await link(`${project}/big`, blobs);
    expect(await sut.commitManifest(`${project}/big`, newManifest(blobs), [], [])).toMatchObject({
      ok: true,
    });
    expect((await usage(project)).used).toBeGreaterThan(5_000_000_000);
  });

  it('frees usage as soon as a manifest is deleted, keeping blobs other artifacts still need', async () => {
    const project = await newProject(-1);
    const repo = `${project}/app`;
    const base = newBlob(30_000);
    const a = newBlob(1000);
    const b = newBlob(2000);
    await link(repo, [base, a, b]);
    const first = newManifest([base, a]);
    const second = newManifest([base, b]);
    await sut.commitManifest(repo, first, ['a'], []);
    await sut.commitManifest(repo, second, ['b'], []);

    expect(await sut.deleteManifest(repo, first.digest, [])).toBe(true);
    expect((await usage(project)).used).toBe(30_000 + 2000 + second.size);
    expect(await recomputed(project)).toBe(30_000 + 2000 + second.size);

    expect(await sut.deleteManifest(repo, second.digest, [])).toBe(true);
    expect(await usage(project)).toEqual({ used: 0, rows: 0, sum: 0 });

    expect(await sut.deleteManifest(repo, second.digest, [])).toBe(false);
    expect(await sut.deleteManifest(`${project}/nothing`, second.digest, [])).toBe(false);
    expect((await usage(project)).used).toBe(0);
  });

  it('frees room a refused push can then use', async () => {
    const project = await newProject(5000);
    const repo = `${project}/app`;
    const old = [newBlob(4000)];
    const next = [newBlob(4000)];
    await link(repo, [...old, ...next]);
    const oldManifest = newManifest(old, { payloadSize: 100 });
    const nextManifest = newManifest(next, { payloadSize: 100 });
    await sut.commitManifest(repo, oldManifest, ['latest'], []);
    expect(await sut.commitManifest(repo, nextManifest, ['latest'], [])).toHaveProperty('denied');

    await sut.deleteManifest(repo, oldManifest.digest, []);

    expect(await sut.commitManifest(repo, nextManifest, ['latest'], [])).toEqual({ ok: true, created: true });
    expect((await usage(project)).used).toBe(4100);
  });

  it('lets exactly the pushes that fit succeed when many race for the room', async () => {
    const N = 24;
    const FITS = 7;
    const LAYER = 10_000;
    const PAYLOAD = 600;
    const base = newBlob(25_000);
    const limit = base.size + FITS * (LAYER + PAYLOAD) + (LAYER + PAYLOAD) / 2;
    const project = await newProject(limit);
    const pushes = Array.from({ length: N }, (_, i) => {
      const layer = newBlob(LAYER);
      return {
        repo: `${project}/app-${i % 4}`,
        blobs: [base, layer],
        manifest: newManifest([base, layer], { payloadSize: PAYLOAD }),
      };
    });
    for (const push of pushes) await link(push.repo, push.blobs);

    const results = await Promise.all(
      pushes.map((push, i) => sut.commitManifest(push.repo, push.manifest, [`t${i}`], [])),
    );

    const succeeded = results.filter((result) => result.ok);
    const denied = results.filter((result) => !result.ok && 'denied' in result);
    expect(succeeded).toHaveLength(FITS);
    expect(denied).toHaveLength(N - FITS);
    const expected = base.size + FITS * (LAYER + PAYLOAD);
    expect(await usage(project)).toEqual({ used: expected, rows: 1 + 2 * FITS, sum: expected });
    expect(await recomputed(project)).toBe(expected);
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM manifest m JOIN repository r ON r.id = m.repository_id
       JOIN project p ON p.id = r.project_id WHERE p.name = $1`,
      [project],
    );
    expect(Number(rows[0]!.n)).toBe(FITS);
  });

  it('keeps usage exact under concurrent pushes and deletes sharing blobs', async () => {
    const project = await newProject(-1);
    const shared = [newBlob(7000), newBlob(11_000)];
    const repos = [`${project}/a`, `${project}/b`, `${project}/c`];
    for (const repo of repos) await link(repo, shared);
    const manifests = Array.from({ length: 30 }, (_, i) => {
      const own = newBlob(100 + i);
      return { repo: repos[i % repos.length]!, own, manifest: newManifest([shared[i % 2]!, own]) };
    });
    for (const item of manifests) await link(item.repo, [item.own]);
    // Half are in place first; then the rest are pushed while the first half is deleted.
    const [early, late] = [manifests.slice(0, 15), manifests.slice(15)];
    await Promise.all(early.map((item) => sut.commitManifest(item.repo, item.manifest, [], [])));

    await Promise.all([
      ...late.map((item) => sut.commitManifest(item.repo, item.manifest, [], [])),
      ...early.map((item) => sut.deleteManifest(item.repo, item.manifest.digest, [])),
      // The same late manifests again, concurrently: only one push of each may charge.
      ...late.map((item) => sut.commitManifest(item.repo, item.manifest, ['again'], [])),
    ]);

    const expected = await recomputed(project);
    const lateBytes = late.reduce((sum, item) => sum + item.own.size + item.manifest.size, 0) + 7000 + 11_000;
    expect(expected).toBe(lateBytes);
    expect(await usage(project)).toEqual({ used: expected, rows: 2 + 2 * late.length, sum: expected });
  });
});
