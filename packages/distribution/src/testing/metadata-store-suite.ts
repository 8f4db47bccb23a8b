import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RegistryEvent } from '../event-sink.js';
import type { BlobRecord, MetadataStore, NewManifest } from '../metadata-store.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const CONFIG = 'application/vnd.oci.image.config.v1+json';

/** A store under test, and how to read what it recorded in its outbox. */
export interface MetadataStoreFixture {
  store: MetadataStore;
  /** Events the store recorded durably so far, in the order they were recorded. */
  recordedEvents(): Promise<RegistryEvent[]>;
}

function digestOf(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

function newBlob(size = 100): BlobRecord {
  return { digest: digestOf(`blob ${randomUUID()}`), size };
}

function newManifest(overrides: Partial<NewManifest> = {}): NewManifest {
  const payload = Buffer.from(JSON.stringify({ schemaVersion: 2, nonce: randomUUID() }));
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

function event(
  repository: string,
  action: RegistryEvent['action'],
  extra: Partial<RegistryEvent['target']> = {},
): RegistryEvent {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    action,
    target: { repository, ...extra },
    request: { id: randomUUID(), addr: '127.0.0.1', host: 'registry', method: 'PUT', useragent: 'suite' },
    actor: { name: 'suite' },
    source: { addr: '127.0.0.1', instanceID: 'suite' },
    scope: 'artifact',
  };
}

/**
 * The contract every MetadataStore must pass (the in-memory reference and PostgreSQL's): call it
 * from each store's test file with a factory of a store holding nothing of the repositories the
 * suite invents (each test uses fresh, random names).
 */
export function describeMetadataStore(name: string, makeStore: () => Promise<MetadataStoreFixture>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    let repo = '';
    const fresh = () => `suite/repo-${randomUUID()}`;

    async function setup() {
      repo = fresh();
      return makeStore();
    }

    async function push(
      store: MetadataStore,
      repository: string,
      manifest: NewManifest,
      tags: string[] = [],
    ) {
      for (const blob of manifest.blobs) await store.linkBlob(repository, blob);
      expect(await store.commitManifest(repository, manifest, tags, [])).toMatchObject({ ok: true });
      return manifest;
    }

    async function eventIds(fixture: MetadataStoreFixture): Promise<string[]> {
      return (await fixture.recordedEvents()).map((recorded) => recorded.id);
    }

    describe('blobs', () => {
      it('links a blob and shows it in that repository only', async () => {
        const { store } = await setup();
        const blob = newBlob(1234);
        await store.linkBlob(repo, blob);
        expect(await store.getRepositoryBlob(repo, blob.digest)).toEqual({ size: 1234 });
        expect(await store.getRepositoryBlob(fresh(), blob.digest)).toBeNull();
      });

      it('unlinks a blob with its event, and records nothing when there was none', async () => {
        const fixture = await setup();
        const blob = newBlob();
        await fixture.store.linkBlob(repo, blob);
        const removed = event(repo, 'delete', { digest: blob.digest });
        const missing = event(repo, 'delete', { digest: newBlob().digest });

        expect(await fixture.store.unlinkBlob(repo, blob.digest, [removed])).toBe(true);
        expect(await fixture.store.unlinkBlob(repo, missing.target.digest!, [missing])).toBe(false);

        expect(await fixture.store.getRepositoryBlob(repo, blob.digest)).toBeNull();
        const ids = await eventIds(fixture);
        expect(ids).toContain(removed.id);
        expect(ids).not.toContain(missing.id);
      });
    });

    describe('upload sessions', () => {
      it('creates, reads, completes once and links the blob', async () => {
        const { store } = await setup();
        const id = randomUUID();
        await store.createUpload({ id, repository: repo, createdAt: new Date() });
        expect(await store.getUpload(repo, id)).toMatchObject({ id, repository: repo });
        expect(await store.getUpload(fresh(), id)).toBeNull();
        const blob = newBlob();

        expect(await store.completeUpload(repo, id, blob)).toBe(true);
        expect(await store.completeUpload(repo, id, blob)).toBe(false);

        expect(await store.getUpload(repo, id)).toBeNull();
        expect(await store.getRepositoryBlob(repo, blob.digest)).toEqual({ size: blob.size });
      });

      it('deletes a session, and says when there was none', async () => {
        const { store } = await setup();
        const id = randomUUID();
        await store.createUpload({ id, repository: repo, createdAt: new Date() });
        expect(await store.deleteUpload(fresh(), id)).toBe(false);
        expect(await store.deleteUpload(repo, id)).toBe(true);
        expect(await store.deleteUpload(repo, id)).toBe(false);
      });
    });

    describe('manifests', () => {
      it('commits a manifest with its tags and events, readable by each tag and by digest', async () => {
        const fixture = await setup();
        const { store } = fixture;
        const config = newBlob(10);
        await store.linkBlob(repo, config);
        const manifest = newManifest({ blobs: [config] });
        const pushed = [event(repo, 'push', { tag: 'a' }), event(repo, 'push', { tag: 'b' })];

        expect(await store.commitManifest(repo, manifest, ['a', 'b'], pushed)).toEqual({
          ok: true,
          created: true,
        });

        const stored = {
          digest: manifest.digest,
          mediaType: OCI_MANIFEST,
          size: manifest.size,
          payload: manifest.payload,
        };
        expect(await store.getManifest(repo, { tag: 'a' })).toEqual(stored);
        expect(await store.getManifest(repo, { tag: 'b' })).toEqual(stored);
        expect(await store.getManifest(repo, { digest: manifest.digest })).toEqual(stored);
        expect(await store.getManifest(fresh(), { digest: manifest.digest })).toBeNull();
        const { payload: _payload, ...descriptor } = stored;
        expect(await store.getManifestDescriptor(repo, { tag: 'b' })).toEqual(descriptor);
        expect(await store.getManifestDescriptor(repo, { digest: manifest.digest })).toEqual(descriptor);
        expect(await store.getManifestDescriptor(repo, { tag: 'missing' })).toBeNull();
        expect(await store.getManifestDescriptor(fresh(), { digest: manifest.digest })).toBeNull();
        expect(await store.listTags(repo, { limit: 10 })).toEqual(['a', 'b']);
        const ids = await eventIds(fixture);
        expect(ids.indexOf(pushed[0]!.id)).toBeGreaterThanOrEqual(0);
        expect(ids.indexOf(pushed[1]!.id)).toBe(ids.indexOf(pushed[0]!.id) + 1);
      });

      it('keeps the payload bytes exactly', async () => {
        const { store } = await setup();
        const payload = Buffer.from([0x7b, 0x0a, 0x20, 0x00, 0xff, 0xfe, 0x7d]);
        const manifest = newManifest({ payload, size: payload.length, digest: digestOf(randomUUID()) });
        await push(store, repo, manifest, ['bytes']);
        expect((await store.getManifest(repo, { tag: 'bytes' }))?.payload.equals(payload)).toBe(true);
      });

      it('reports created false for a manifest stored already, and still moves tags', async () => {
        const { store } = await setup();
        const manifest = await push(store, repo, newManifest(), ['a']);
        expect(await store.commitManifest(repo, manifest, ['b'], [])).toEqual({ ok: true, created: false });
        expect(await store.listTags(repo, { limit: 10 })).toEqual(['a', 'b']);
      });

      it('writes nothing, records no event and lists what is missing when a blob is not in the repository', async () => {
        const fixture = await setup();
        const { store } = fixture;
        const linked = newBlob();
        const elsewhere = newBlob();
        const unknown = newBlob();
        await store.linkBlob(repo, linked);
        await store.linkBlob(fresh(), elsewhere);
        const manifest = newManifest({ blobs: [linked, elsewhere, unknown] });
        const pushed = event(repo, 'push', { tag: 'latest' });

        const result = await store.commitManifest(repo, manifest, ['latest'], [pushed]);

        expect(result).toEqual({
          ok: false,
          missingBlobs: [elsewhere.digest, unknown.digest],
          missingManifests: [],
        });
        expect(await store.getManifest(repo, { digest: manifest.digest })).toBeNull();
        expect(await store.getManifest(repo, { tag: 'latest' })).toBeNull();
        expect(await eventIds(fixture)).not.toContain(pushed.id);
      });

      it('lists child manifests missing from the repository, and commits an index whose children are there', async () => {
        const { store } = await setup();
        const child = await push(store, repo, newManifest());
        const absent = newManifest();
        const refs = [child, absent].map(({ digest, size }) => ({ digest, size }));
        const broken = newManifest({ mediaType: OCI_INDEX, artifactType: null, manifests: refs });
        expect(await store.commitManifest(repo, broken, [], [])).toEqual({
          ok: false,
          missingBlobs: [],
          missingManifests: [absent.digest],
        });
        const index = newManifest({ mediaType: OCI_INDEX, artifactType: null, manifests: [refs[0]!] });
        expect(await store.commitManifest(repo, index, ['multi'], [])).toEqual({ ok: true, created: true });
      });

      it('deletes a manifest with every tag on it, recording its event only when it existed', async () => {
        const fixture = await setup();
        const { store } = fixture;
        const manifest = await push(store, repo, newManifest(), ['a', 'b']);
        const kept = await push(store, repo, newManifest(), ['c']);
        const deleted = event(repo, 'delete', { digest: manifest.digest });
        const again = event(repo, 'delete', { digest: manifest.digest });

        expect(await store.deleteManifest(repo, manifest.digest, [deleted])).toBe(true);
        expect(await store.deleteManifest(repo, manifest.digest, [again])).toBe(false);

        expect(await store.getManifest(repo, { digest: manifest.digest })).toBeNull();
        expect(await store.listTags(repo, { limit: 10 })).toEqual(['c']);
        expect(await store.getManifest(repo, { digest: kept.digest })).not.toBeNull();
        const ids = await eventIds(fixture);
        expect(ids).toContain(deleted.id);
        expect(ids).not.toContain(again.id);
      });

      it('leaves the same digest in other repositories alone', async () => {
        const { store } = await setup();
        const other = fresh();
        const manifest = await push(store, repo, newManifest(), ['x']);
        await push(store, other, manifest, ['x']);
        expect(await store.deleteManifest(repo, manifest.digest, [])).toBe(true);
        expect(await store.getManifest(other, { tag: 'x' })).not.toBeNull();
      });

      it('lists referrers of a digest, optionally of one artifact type, even before the subject exists', async () => {
        const { store } = await setup();
        const subject = digestOf(randomUUID());
        const signature = await push(
          store,
          repo,
          newManifest({ subjectDigest: subject, artifactType: 'application/example.sig' }),
        );
        const sbom = await push(
          store,
          repo,
          newManifest({
            subjectDigest: subject,
            artifactType: 'application/example.sbom',
            annotations: { a: 'b' },
          }),
        );
        await push(store, repo, newManifest());

        const all = await store.listReferrers(repo, subject);
        expect(all.map((referrer) => referrer.digest).sort()).toEqual([signature.digest, sbom.digest].sort());
        expect(await store.listReferrers(repo, subject, 'application/example.sbom')).toEqual([
          {
            mediaType: OCI_MANIFEST,
            digest: sbom.digest,
            size: sbom.size,
            artifactType: 'application/example.sbom',
            annotations: { a: 'b' },
          },
        ]);
        expect(await store.listReferrers(fresh(), subject)).toEqual([]);
      });
    });

    describe('tags', () => {
      it('tags a stored manifest: created, unchanged, exists unless replacing, moved, unknown', async () => {
        const fixture = await setup();
        const { store } = fixture;
        const first = await push(store, repo, newManifest());
        const second = await push(store, repo, newManifest());
        const created = event(repo, 'push', { tag: 't' });
        const unchanged = event(repo, 'push', { tag: 't' });
        const refused = event(repo, 'push', { tag: 't' });
        const moved = event(repo, 'push', { tag: 't' });

        expect(await store.tagManifest(repo, 't', first.digest, [created], { replace: false })).toBe(
          'created',
        );
        expect(await store.tagManifest(repo, 't', first.digest, [unchanged], { replace: false })).toBe(
          'unchanged',
        );
        expect(await store.tagManifest(repo, 't', second.digest, [refused], { replace: false })).toBe(
          'exists',
        );
        expect((await store.getManifest(repo, { tag: 't' }))?.digest).toBe(first.digest);
        expect(await store.tagManifest(repo, 't', second.digest, [moved], { replace: true })).toBe('moved');
        expect((await store.getManifest(repo, { tag: 't' }))?.digest).toBe(second.digest);
        expect(await store.tagManifest(repo, 'u', digestOf(randomUUID()), [], { replace: true })).toBe(
          'unknown',
        );

        const ids = await eventIds(fixture);
        expect(ids).toContain(created.id);
        expect(ids).toContain(moved.id);
        expect(ids).not.toContain(unchanged.id);
        expect(ids).not.toContain(refused.id);
      });

      it('deletes a tag and leaves the manifest; with a digest, only the tag pointing there', async () => {
        const fixture = await setup();
        const { store } = fixture;
        const manifest = await push(store, repo, newManifest(), ['a', 'b']);
        const other = digestOf(randomUUID());
        const wrong = event(repo, 'delete', { tag: 'a' });
        const right = event(repo, 'delete', { tag: 'a' });

        expect(await store.deleteTag(repo, 'a', [wrong], other)).toBe(false);
        expect(await store.deleteTag(repo, 'a', [right], manifest.digest)).toBe(true);
        expect(await store.deleteTag(repo, 'b', [])).toBe(true);
        expect(await store.deleteTag(repo, 'b', [])).toBe(false);

        expect(await store.listTags(repo, { limit: 10 })).toEqual([]);
        expect(await store.getManifest(repo, { digest: manifest.digest })).not.toBeNull();
        const ids = await eventIds(fixture);
        expect(ids).toContain(right.id);
        expect(ids).not.toContain(wrong.id);
      });

      it('lists tags in bytewise order, page by page after `last`', async () => {
        const { store } = await setup();
        const manifest = newManifest();
        await push(store, repo, manifest, ['b', 'B', 'a', '_z', '1']);
        expect(await store.listTags(repo, { limit: 10 })).toEqual(['1', 'B', '_z', 'a', 'b']);
        expect(await store.listTags(repo, { limit: 2 })).toEqual(['1', 'B']);
        expect(await store.listTags(repo, { limit: 2, last: 'B' })).toEqual(['_z', 'a']);
        expect(await store.listTags(repo, { limit: 10, last: 'b' })).toEqual([]);
      });

      it('answers null for an unknown repository or one never pushed to, [] for one without tags', async () => {
        const { store } = await setup();
        expect(await store.listTags(fresh(), { limit: 10 })).toBeNull();
        const blobsOnly = fresh();
        await store.linkBlob(blobsOnly, newBlob());
        expect(await store.listTags(blobsOnly, { limit: 10 })).toBeNull();
        const manifest = await push(store, repo, newManifest(), ['gone']);
        await store.deleteManifest(repo, manifest.digest, []);
        expect(await store.listTags(repo, { limit: 10 })).toEqual([]);
      });
    });

    describe('repositories', () => {
      it('lists repositories once a manifest was pushed there, in bytewise order, after `last`', async () => {
        const { store } = await setup();
        const prefix = `suite/list-${randomUUID()}`;
        const names = [`${prefix}/b`, `${prefix}/a`, `${prefix}/C`];
        for (const name of names) await push(store, name, newManifest());
        // Emptied of its artifacts, a repository stays listed (as Harbor keeps it) until it is deleted.
        const emptied = await push(store, `${prefix}/a`, newManifest());
        await store.deleteManifest(`${prefix}/a`, emptied.digest, []);
        await store.linkBlob(`${prefix}/blobs-only`, newBlob());

        const listed: string[] = [];
        let last: string | undefined;
        for (;;) {
          const page = await store.listRepositories({ limit: 2, ...(last ? { last } : {}) });
          listed.push(...page.filter((name) => name.startsWith(prefix)));
          if (page.length < 2) break;
          last = page[page.length - 1];
        }
        expect(listed).toEqual([`${prefix}/C`, `${prefix}/a`, `${prefix}/b`]);
      });

      it('lists the digests of a repository and deletes it once it holds no manifest', async () => {
        const fixture = await setup();
        const { store } = fixture;
        const manifest = await push(store, repo, newManifest(), ['x']);
        expect(await store.listManifestDigests(repo)).toEqual([manifest.digest]);
        expect(await store.listManifestDigests(fresh())).toBeNull();
        const early = event(repo, 'delete');
        expect(await store.deleteRepository(repo, [early])).toBe('not-empty');

        await store.deleteManifest(repo, manifest.digest, []);
        const gone = event(repo, 'delete');
        expect(await store.deleteRepository(repo, [gone])).toBe('deleted');
        expect(await store.deleteRepository(repo, [])).toBe('unknown');

        expect(await store.listManifestDigests(repo)).toBeNull();
        const ids = await eventIds(fixture);
        expect(ids).toContain(gone.id);
        expect(ids).not.toContain(early.id);
      });
    });
  });
}
