import { createHash, randomUUID } from 'node:crypto';
import type { BlobRecord, NewManifest } from '@berth/distribution';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgMetadataStore, createPool } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const CONFIG = 'application/vnd.oci.image.config.v1+json';

function digestOf(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

let counter = 0;

function newBlob(size = 100): BlobRecord {
  return { digest: digestOf(`blob ${++counter} ${randomUUID()}`), size };
}

function newManifest(overrides: Partial<NewManifest> = {}): NewManifest {
  const payload = Buffer.from(JSON.stringify({ schemaVersion: 2, n: ++counter, nonce: randomUUID() }));
  return {
    digest: digestOf(payload.toString()),
    mediaType: OCI_MANIFEST,
    artifactType: CONFIG,
    size: payload.length,
    payload,
    subjectDigest: null,
    annotations: null,
    blobs: [],
    manifests: [],
    ...overrides,
  };
}

describe(PgMetadataStore.name, () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let sut: PgMetadataStore;
  let repo: string;

  /** Counts rows of a table, for "nothing was written" checks. */
  async function count(table: string): Promise<number> {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0]!.n);
  }

  /** Links the manifest's blobs into `repository` and commits it. */
  async function push(repository: string, manifest: NewManifest, tag?: string) {
    for (const blob of manifest.blobs) await sut.linkBlob(repository, blob);
    const result = await sut.commitManifest(repository, manifest, tag ? [tag] : [], []);
    expect(result).toMatchObject({ ok: true });
    return manifest;
  }

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: true });
    pool = createPool(database.url, { max: 30 });
    sut = new PgMetadataStore(pool);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  beforeEach(() => {
    repo = `test/repo-${randomUUID()}`;
  });

  describe('blobs', () => {
    it('links a blob, creating the repository, and answers its size there only', async () => {
      const blob = newBlob(1234);

      await sut.linkBlob(repo, blob);

      expect(await sut.getRepositoryBlob(repo, blob.digest)).toEqual({ size: 1234 });
      expect(await sut.getRepositoryBlob(`${repo}-other`, blob.digest)).toBeNull();
      expect(await sut.getRepositoryBlob(repo, newBlob().digest)).toBeNull();
      // Blobs alone make no artifact: the repository is listed once a manifest is in it.
      expect(await sut.listRepositories({ limit: 10_000 })).not.toContain(repo);
      await push(repo, newManifest());
      expect(await sut.listRepositories({ limit: 10_000 })).toContain(repo);
    });

    it('answers sizes beyond 32 bits as numbers', async () => {
      const blob = newBlob(5 * 1024 ** 3 + 7);
      await sut.linkBlob(repo, blob);
      expect(await sut.getRepositoryBlob(repo, blob.digest)).toEqual({ size: 5 * 1024 ** 3 + 7 });
    });

    it('links idempotently, and one blob into several repositories', async () => {
      const blob = newBlob();
      await sut.linkBlob(repo, blob);
      await sut.linkBlob(repo, blob);
      await sut.linkBlob(`${repo}-mount`, blob);

      expect(await sut.getRepositoryBlob(repo, blob.digest)).toEqual({ size: blob.size });
      expect(await sut.getRepositoryBlob(`${repo}-mount`, blob.digest)).toEqual({ size: blob.size });
    });

    it('unlinks from one repository only, and says when there was nothing to unlink', async () => {
      const blob = newBlob();
      await sut.linkBlob(repo, blob);
      await sut.linkBlob(`${repo}-mount`, blob);

      expect(await sut.unlinkBlob(repo, blob.digest, [])).toBe(true);
      expect(await sut.unlinkBlob(repo, blob.digest, [])).toBe(false);
      expect(await sut.unlinkBlob(`${repo}-unknown`, blob.digest, [])).toBe(false);

      expect(await sut.getRepositoryBlob(repo, blob.digest)).toBeNull();
      expect(await sut.getRepositoryBlob(`${repo}-mount`, blob.digest)).toEqual({ size: blob.size });
    });

    it('links the same new blob into a new repository from 20 callers at once', async () => {
      const blob = newBlob();

      const results = await Promise.allSettled(Array.from({ length: 20 }, () => sut.linkBlob(repo, blob)));

      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(await sut.getRepositoryBlob(repo, blob.digest)).toEqual({ size: blob.size });
      const { rows } = await pool.query('SELECT 1 FROM repository WHERE name = $1', [repo]);
      expect(rows).toHaveLength(1);
    });

    it('links different blobs and commits manifests into the same new repository at once', async () => {
      const blobs = Array.from({ length: 10 }, () => newBlob());
      const empties = Array.from({ length: 5 }, () => newManifest());

      const results = await Promise.allSettled([
        ...blobs.map((blob) => sut.linkBlob(repo, blob)),
        ...empties.map((manifest, i) => sut.commitManifest(repo, manifest, [`t${i}`], [])),
      ]);

      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      for (const blob of blobs) expect(await sut.getRepositoryBlob(repo, blob.digest)).not.toBeNull();
      expect(await sut.listTags(repo, { limit: 100 })).toEqual(['t0', 't1', 't2', 't3', 't4']);
    });
  });

  describe('upload sessions', () => {
    it('creates, reads and deletes a session of one repository', async () => {
      const session = { id: randomUUID(), repository: repo, createdAt: new Date('2026-01-02T03:04:05.678Z') };

      await sut.createUpload(session);

      expect(await sut.getUpload(repo, session.id)).toEqual(session);
      expect(await sut.getUpload(`${repo}-other`, session.id)).toBeNull();
      expect(await sut.deleteUpload(`${repo}-other`, session.id)).toBe(false);
      expect(await sut.deleteUpload(repo, session.id)).toBe(true);
      expect(await sut.deleteUpload(repo, session.id)).toBe(false);
      expect(await sut.getUpload(repo, session.id)).toBeNull();
    });

    it('treats an id that is no UUID as unknown', async () => {
      expect(await sut.getUpload(repo, '../../etc/passwd')).toBeNull();
      expect(await sut.deleteUpload(repo, 'not-a-uuid')).toBe(false);
      expect(await sut.completeUpload(repo, 'not-a-uuid', newBlob())).toBe(false);
      await expect(sut.createUpload({ id: 'nope', repository: repo, createdAt: new Date() })).rejects.toThrow(
        /UUID/,
      );
    });

    it('completes an upload: the session goes and the blob is linked, once', async () => {
      const session = { id: randomUUID(), repository: repo, createdAt: new Date() };
      const blob = newBlob(42);
      await sut.createUpload(session);

      expect(await sut.completeUpload(repo, session.id, blob)).toBe(true);

      expect(await sut.getUpload(repo, session.id)).toBeNull();
      expect(await sut.getRepositoryBlob(repo, blob.digest)).toEqual({ size: 42 });
      expect(await sut.completeUpload(repo, session.id, blob)).toBe(false);
    });

    it('does not complete a session that is gone, nor link its blob', async () => {
      const blob = newBlob();
      expect(await sut.completeUpload(repo, randomUUID(), blob)).toBe(false);
      expect(await sut.getRepositoryBlob(repo, blob.digest)).toBeNull();
    });

    it('does not complete another repository’s session', async () => {
      const session = { id: randomUUID(), repository: repo, createdAt: new Date() };
      const blob = newBlob();
      await sut.createUpload(session);

      expect(await sut.completeUpload(`${repo}-other`, session.id, blob)).toBe(false);

      expect(await sut.getUpload(repo, session.id)).not.toBeNull();
      expect(await sut.getRepositoryBlob(`${repo}-other`, blob.digest)).toBeNull();
    });

    it('completes a session exactly once when raced', async () => {
      const session = { id: randomUUID(), repository: repo, createdAt: new Date() };
      const blob = newBlob();
      await sut.createUpload(session);

      const results = await Promise.all(
        Array.from({ length: 8 }, () => sut.completeUpload(repo, session.id, blob)),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await sut.getRepositoryBlob(repo, blob.digest)).toEqual({ size: blob.size });
    });
  });

  describe('manifests', () => {
    it('commits a manifest with its blobs and a tag, readable by tag and by digest', async () => {
      const config = newBlob(10);
      const layer = newBlob(2000);
      await sut.linkBlob(repo, config);
      await sut.linkBlob(repo, layer);
      const manifest = newManifest({ blobs: [config, layer] });

      const result = await sut.commitManifest(repo, manifest, ['latest'], []);

      expect(result).toEqual({ ok: true, created: true });
      const stored = {
        digest: manifest.digest,
        mediaType: OCI_MANIFEST,
        size: manifest.size,
        payload: manifest.payload,
      };
      expect(await sut.getManifest(repo, { tag: 'latest' })).toEqual(stored);
      expect(await sut.getManifest(repo, { digest: manifest.digest })).toEqual(stored);
      expect(await sut.getManifest(`${repo}-other`, { digest: manifest.digest })).toBeNull();
      expect(await sut.getManifest(repo, { tag: 'nope' })).toBeNull();
      expect(await sut.listTags(repo, { limit: 10 })).toEqual(['latest']);
    });

    it('records the references of a manifest for GC', async () => {
      const config = newBlob(10);
      const layer = newBlob(20);
      const child = await push(repo, newManifest());
      const index = newManifest({
        mediaType: OCI_INDEX,
        artifactType: null,
        blobs: [config, layer, layer],
        manifests: [{ digest: child.digest, size: child.size }],
      });

      await push(repo, index);

      const { rows } = await pool.query(
        `SELECT mr.digest, mr.kind, mr.size::int AS size FROM manifest_reference mr
         JOIN manifest m ON m.id = mr.manifest_id WHERE m.digest = $1 ORDER BY mr.kind, mr.size`,
        [index.digest],
      );
      expect(rows).toEqual([
        { digest: config.digest, kind: 'blob', size: 10 },
        { digest: layer.digest, kind: 'blob', size: 20 },
        { digest: child.digest, kind: 'manifest', size: child.size },
      ]);
    });

    it('keeps the payload bytes exactly', async () => {
      const payload = Buffer.from([0x7b, 0x0a, 0x20, 0x00, 0xff, 0xfe, 0x7d]);
      const manifest = newManifest({
        payload,
        size: payload.length,
        digest: digestOf(payload.toString('hex')),
      });
      await push(repo, manifest, 'bytes');
      const stored = await sut.getManifest(repo, { tag: 'bytes' });
      expect(stored?.payload.equals(payload)).toBe(true);
    });

    it('reports created false when the manifest exists, and still moves the tag', async () => {
      const manifest = await push(repo, newManifest(), 'a');

      expect(await sut.commitManifest(repo, manifest, ['b'], [])).toEqual({ ok: true, created: false });
      expect(await sut.commitManifest(repo, manifest, [], [])).toEqual({ ok: true, created: false });

      expect(await sut.listTags(repo, { limit: 10 })).toEqual(['a', 'b']);
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM manifest WHERE digest = $1', [
        manifest.digest,
      ]);
      expect(rows[0].n).toBe(1);
    });

    it('writes nothing and lists what is missing when a blob is not linked in the repository', async () => {
      const linked = newBlob();
      const elsewhere = newBlob();
      const unknown = newBlob();
      await sut.linkBlob(repo, linked);
      await sut.linkBlob(`${repo}-other`, elsewhere);
      const manifest = newManifest({ blobs: [linked, elsewhere, unknown, unknown] });
      const before = { manifests: await count('manifest'), references: await count('manifest_reference') };

      const result = await sut.commitManifest(repo, manifest, ['latest'], []);

      expect(result).toEqual({
        ok: false,
        missingBlobs: [elsewhere.digest, unknown.digest],
        missingManifests: [],
      });
      expect(await sut.getManifest(repo, { digest: manifest.digest })).toBeNull();
      expect(await sut.listTags(repo, { limit: 10 })).toBeNull();
      expect({ manifests: await count('manifest'), references: await count('manifest_reference') }).toEqual(
        before,
      );
    });

    it('does not create the repository when a commit fails', async () => {
      const manifest = newManifest({ blobs: [newBlob()] });

      const result = await sut.commitManifest(repo, manifest, ['latest'], []);

      expect(result).toMatchObject({ ok: false, missingBlobs: [manifest.blobs[0]!.digest] });
      expect(await sut.listTags(repo, { limit: 10 })).toBeNull();
      expect(await sut.listRepositories({ limit: 10_000 })).not.toContain(repo);
    });

    it('lists child manifests missing from the repository', async () => {
      const present = await push(repo, newManifest());
      const elsewhere = await push(`${repo}-other`, newManifest());
      const index = newManifest({
        mediaType: OCI_INDEX,
        artifactType: null,
        manifests: [present, elsewhere].map(({ digest, size }) => ({ digest, size })),
      });

      const result = await sut.commitManifest(repo, index, ['multi'], []);

      expect(result).toEqual({ ok: false, missingBlobs: [], missingManifests: [elsewhere.digest] });
      expect(await sut.getManifest(repo, { tag: 'multi' })).toBeNull();
    });

    it('commits an index whose children are present', async () => {
      const amd64 = await push(repo, newManifest({ blobs: [newBlob()] }));
      const arm64 = await push(repo, newManifest({ blobs: [newBlob()] }));
      const index = newManifest({
        mediaType: OCI_INDEX,
        artifactType: null,
        manifests: [amd64, arm64].map(({ digest, size }) => ({ digest, size })),
      });

      expect(await sut.commitManifest(repo, index, ['multi'], [])).toEqual({ ok: true, created: true });
      expect((await sut.getManifest(repo, { tag: 'multi' }))?.mediaType).toBe(OCI_INDEX);
    });

    it('marks the repository updated when a manifest is pushed or a tag moves', async () => {
      const manifest = await push(repo, newManifest(), 'v1');
      const backdate = () =>
        pool.query(`UPDATE repository SET updated_at = '2020-01-01' WHERE name = $1`, [repo]);
      const updatedAt = async () =>
        (await pool.query<{ updated_at: Date }>('SELECT updated_at FROM repository WHERE name = $1', [repo]))
          .rows[0]!.updated_at;

      await backdate();
      await sut.commitManifest(repo, manifest, ['v1'], []);
      expect(await updatedAt()).toEqual(new Date('2020-01-01T00:00:00Z'));

      await sut.commitManifest(repo, manifest, ['v2'], []);
      expect((await updatedAt()).getFullYear()).toBeGreaterThan(2020);

      await backdate();
      await push(repo, newManifest());
      expect((await updatedAt()).getFullYear()).toBeGreaterThan(2020);
    });

    it('commits a manifest without blobs into a new repository', async () => {
      expect(await sut.commitManifest(repo, newManifest(), ['empty'], [])).toEqual({
        ok: true,
        created: true,
      });
      expect(await sut.listTags(repo, { limit: 10 })).toEqual(['empty']);
    });

    it('commits the same new manifest from many callers at once, creating it once', async () => {
      const blob = newBlob();
      await sut.linkBlob(repo, blob);
      const manifest = newManifest({ blobs: [blob] });

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => sut.commitManifest(repo, manifest, [`v${i % 3}`], [])),
      );

      expect(results.every((result) => result.ok)).toBe(true);
      expect(results.filter((result) => result.ok && result.created)).toHaveLength(1);
      expect(await sut.listTags(repo, { limit: 10 })).toEqual(['v0', 'v1', 'v2']);
    });

    it('keeps a blob that a commit in progress depends on until the commit ends', async () => {
      const blob = newBlob();
      await sut.linkBlob(repo, blob);
      const manifest = newManifest({ blobs: [blob] });

      // Either the unlink wins (the commit reports the blob missing) or the commit wins (the
      // unlink happens after it); never a committed manifest whose blob was unlinked first.
      const [commit, unlinked] = await Promise.all([
        sut.commitManifest(repo, manifest, ['race'], []),
        sut.unlinkBlob(repo, blob.digest, []),
      ]);

      expect(unlinked).toBe(true);
      if (commit.ok) expect(await sut.getManifest(repo, { tag: 'race' })).not.toBeNull();
      else expect(commit).toMatchObject({ missingBlobs: [blob.digest] });
    });
  });

  describe('tags', () => {
    it('moves a tag to another manifest', async () => {
      const first = await push(repo, newManifest(), 'latest');
      const second = await push(repo, newManifest(), 'latest');

      expect((await sut.getManifest(repo, { tag: 'latest' }))?.digest).toBe(second.digest);
      expect(await sut.getManifest(repo, { digest: first.digest })).not.toBeNull();
      expect(await sut.listTags(repo, { limit: 10 })).toEqual(['latest']);
    });

    it('deletes a tag and leaves the manifest', async () => {
      const manifest = await push(repo, newManifest(), 'v1');

      expect(await sut.deleteTag(repo, 'v1', [])).toBe(true);
      expect(await sut.deleteTag(repo, 'v1', [])).toBe(false);
      expect(await sut.deleteTag(`${repo}-unknown`, 'v1', [])).toBe(false);

      expect(await sut.getManifest(repo, { tag: 'v1' })).toBeNull();
      expect(await sut.getManifest(repo, { digest: manifest.digest })).not.toBeNull();
      expect(await sut.listTags(repo, { limit: 10 })).toEqual([]);
    });

    it('lists tags in bytewise order, page by page after `last`', async () => {
      const manifest = await push(repo, newManifest());
      const tags = ['v1.0', 'V2', 'latest', 'a-b', 'a_b', 'a.b', 'ab', '1.0', 'Z'];
      for (const tag of tags) await sut.commitManifest(repo, manifest, tag ? [tag] : [], []);
      const sorted = [...tags].sort();

      expect(await sut.listTags(repo, { limit: 100 })).toEqual(sorted);
      expect(await sut.listTags(repo, { limit: 3 })).toEqual(sorted.slice(0, 3));
      expect(await sut.listTags(repo, { limit: 3, last: sorted[2] })).toEqual(sorted.slice(3, 6));
      expect(await sut.listTags(repo, { limit: 100, last: sorted[7] })).toEqual(sorted.slice(8));
      expect(await sut.listTags(repo, { limit: 100, last: sorted[8] })).toEqual([]);
      expect(await sut.listTags(repo, { limit: 100, last: 'b' })).toEqual(sorted.filter((tag) => tag > 'b'));
      expect(await sut.listTags(repo, { limit: 0 })).toEqual([]);
    });

    it('answers null for an unknown repository or one without manifests, [] for one without tags', async () => {
      expect(await sut.listTags(repo, { limit: 10 })).toBeNull();
      expect(await sut.listTags(repo, { limit: 10, last: 'a' })).toBeNull();
      await sut.linkBlob(repo, newBlob());
      expect(await sut.listTags(repo, { limit: 10 })).toBeNull();
      await push(repo, newManifest());
      expect(await sut.listTags(repo, { limit: 10 })).toEqual([]);
      expect(await sut.listTags(repo, { limit: 10, last: 'a' })).toEqual([]);
    });
  });

  describe(PgMetadataStore.prototype.deleteManifest.name, () => {
    it('deletes the manifest, its references and every tag pointing at it', async () => {
      const blob = newBlob();
      const manifest = await push(repo, newManifest({ blobs: [blob] }), 'a');
      await sut.commitManifest(repo, manifest, ['b'], []);
      const other = await push(repo, newManifest(), 'c');

      expect(await sut.deleteManifest(repo, manifest.digest, [])).toBe(true);

      expect(await sut.getManifest(repo, { digest: manifest.digest })).toBeNull();
      expect(await sut.getManifest(repo, { tag: 'a' })).toBeNull();
      expect(await sut.listTags(repo, { limit: 10 })).toEqual(['c']);
      expect((await sut.getManifest(repo, { tag: 'c' }))?.digest).toBe(other.digest);
      const { rows } = await pool.query('SELECT 1 FROM manifest_reference WHERE digest = $1', [blob.digest]);
      expect(rows).toEqual([]);
      // The blob stays visible: unlinking blobs is a separate decision.
      expect(await sut.getRepositoryBlob(repo, blob.digest)).not.toBeNull();
    });

    it('answers false when there was no such manifest in that repository', async () => {
      const manifest = await push(repo, newManifest());
      expect(await sut.deleteManifest(`${repo}-other`, manifest.digest, [])).toBe(false);
      expect(await sut.deleteManifest(repo, newManifest().digest, [])).toBe(false);
      expect(await sut.deleteManifest(repo, manifest.digest, [])).toBe(true);
      expect(await sut.deleteManifest(repo, manifest.digest, [])).toBe(false);
    });

    it('leaves the same digest in other repositories alone', async () => {
      const manifest = newManifest();
      await push(repo, manifest, 'x');
      await push(`${repo}-other`, manifest, 'x');

      await sut.deleteManifest(repo, manifest.digest, []);

      expect(await sut.getManifest(`${repo}-other`, { tag: 'x' })).not.toBeNull();
    });
  });

  describe(PgMetadataStore.prototype.listRepositories.name, () => {
    it('pages through repository names in bytewise order', async () => {
      // Names under a prefix no other test uses, so the pages are predictable.
      const prefix = `zz-list-${randomUUID()}`;
      const names = ['b', 'a/c', 'a/b', 'a-b', 'a.b', 'a_b', 'B'].map((suffix) => `${prefix}/${suffix}`);
      for (const name of names) await push(name, newManifest());
      await sut.linkBlob(`${prefix}/blobs-only`, newBlob());
      const sorted = [...names].sort();

      const all = await sut.listRepositories({ limit: 100_000 });
      expect(all.filter((name) => name.startsWith(prefix))).toEqual(sorted);
      expect([...all].sort()).toEqual(all);

      const pages: string[] = [];
      let last: string | undefined = `${prefix}/`;
      for (;;) {
        const page: string[] = await sut.listRepositories({ limit: 3, last });
        const mine = page.filter((name) => name.startsWith(prefix));
        pages.push(...mine);
        if (mine.length < 3) break;
        last = page[page.length - 1];
      }
      expect(pages).toEqual(sorted);
      expect(await sut.listRepositories({ limit: 2, last: `${prefix}/` })).toEqual(sorted.slice(0, 2));
      expect(await sut.listRepositories({ limit: 0 })).toEqual([]);
    });
  });

  describe(PgMetadataStore.prototype.listReferrers.name, () => {
    it('lists the manifests whose subject is a digest, optionally of one artifact type', async () => {
      const subject = await push(repo, newManifest(), 'app');
      const signature = await push(
        repo,
        newManifest({
          artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          subjectDigest: subject.digest,
          annotations: { 'org.opencontainers.image.created': '2026-11-22T00:00:00Z' },
        }),
      );
      const sbom = await push(
        repo,
        newManifest({ artifactType: 'application/spdx+json', subjectDigest: subject.digest }),
      );
      await push(repo, newManifest({ subjectDigest: digestOf('someone else') }));
      await push(
        `${repo}-other`,
        newManifest({ artifactType: 'application/spdx+json', subjectDigest: subject.digest }),
      );

      const all = await sut.listReferrers(repo, subject.digest);
      expect(all).toEqual([
        {
          mediaType: OCI_MANIFEST,
          digest: signature.digest,
          size: signature.size,
          artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          annotations: { 'org.opencontainers.image.created': '2026-11-22T00:00:00Z' },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: sbom.digest,
          size: sbom.size,
          artifactType: 'application/spdx+json',
          annotations: null,
        },
      ]);
      expect(await sut.listReferrers(repo, subject.digest, 'application/spdx+json')).toEqual([all[1]]);
      expect(await sut.listReferrers(repo, subject.digest, 'application/none')).toEqual([]);
      expect(await sut.listReferrers(repo, digestOf('nothing refers to me'))).toEqual([]);
      expect(await sut.listReferrers(`${repo}-unknown`, subject.digest)).toEqual([]);
    });

    it('lists referrers whose subject does not exist yet', async () => {
      const subject = digestOf('pushed later');
      const referrer = await push(repo, newManifest({ subjectDigest: subject }));
      expect((await sut.listReferrers(repo, subject)).map((descriptor) => descriptor.digest)).toEqual([
        referrer.digest,
      ]);
    });
  });
});
