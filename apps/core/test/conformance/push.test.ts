/**
 * OCI distribution-spec conformance, category "push": blob uploads (monolithic, single POST,
 * chunked, streamed), upload status, out-of-order chunks, cross-repository mounts, cancelling, and
 * manifests of every media type, artifacts and subjects.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MediaType,
  type OciClient,
  content,
  cosignSignature,
  descriptorOf,
  helmChart,
  imageIndex,
  imageManifest,
  randomBlob,
  randomDockerImage,
  randomImage,
  randomMultiPlatformIndex,
  requireHeader,
  sbom,
  sha256,
  uniqueRepo,
  unknownDigest,
  wasmModule,
  withDigest,
  type Manifest,
  type Reply,
} from '../support/oci-fixtures.js';
import { useRegistry } from '../support/oci-registry.js';
import { expectApiVersion, expectOciError, expectStatus } from './oci-assertions.js';

const registry = useRegistry();
let client: OciClient;

beforeAll(() => {
  client = registry().client;
});

async function expectBlob(repo: string, blob: { digest: string; bytes: Buffer }): Promise<void> {
  const reply = await client.get(`/v2/${repo}/blobs/${blob.digest}`);
  expectStatus(reply, 200);
  expect(reply.body.equals(blob.bytes)).toBe(true);
}

/** Asserts the headers of an upload-session answer (202 POST/PATCH, 204 status, 416). */
function expectUploadHeaders(reply: Reply, repo: string, received: number): void {
  const location = requireHeader(reply, 'location');
  expect(new URL(location, registry().url).pathname).toMatch(new RegExp(`^/v2/${repo}/blobs/uploads/[^/]+$`));
  expect(reply.headers.get('range')).toBe(`0-${Math.max(received - 1, 0)}`);
  expect(reply.headers.get('docker-upload-uuid')).toBeTruthy();
}

describe('push: blobs', () => {
  const repo = uniqueRepo('conformance/push-blobs');

  it('POST then PUT (monolithic) answers 202 with an upload URL, then 201 with Location and Docker-Content-Digest', async () => {
    const blob = randomBlob(5000);
    const started = await client.startUpload(repo);
    expectStatus(started, 202);
    expectUploadHeaders(started, repo, 0);
    expect(started.headers.get('content-length')).toBe('0');
    expectApiVersion(started);

    const put = await client.request('PUT', withDigest(requireHeader(started, 'location'), blob.digest), {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: blob.bytes,
    });
    expectStatus(put, 201);
    expect(new URL(requireHeader(put, 'location'), registry().url).pathname).toBe(
      `/v2/${repo}/blobs/${blob.digest}`,
    );
    expect(put.headers.get('docker-content-digest')).toBe(blob.digest);
    await expectBlob(repo, blob);
  });

  it('a single POST with ?digest= and the whole body answers 201', async () => {
    const blob = randomBlob(3000);
    const reply = await client.startUpload(repo, { digest: blob.digest }, blob.bytes);
    expectStatus(reply, 201);
    expect(new URL(requireHeader(reply, 'location'), registry().url).pathname).toBe(
      `/v2/${repo}/blobs/${blob.digest}`,
    );
    expect(reply.headers.get('docker-content-digest')).toBe(blob.digest);
    await expectBlob(repo, blob);
  });

  it('an empty blob can be pushed', async () => {
    const blob = content(Buffer.alloc(0));
    expect(blob.digest).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    await client.pushBlob(repo, blob, 'monolithic');
    const head = await client.head(`/v2/${repo}/blobs/${blob.digest}`);
    expectStatus(head, 200);
    expect(head.headers.get('content-length')).toBe('0');
  });

  it('chunked PATCHes with Content-Range answer 202 with Range, then PUT ?digest= answers 201', async () => {
    const blob = randomBlob(10_000);
    let location = await client.openUpload(repo);
    const chunkSize = 3000;
    for (let offset = 0; offset < blob.size; offset += chunkSize) {
      const chunk = blob.bytes.subarray(offset, offset + chunkSize);
      const reply = await client.request('PATCH', location, {
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Range': `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
      });
      expectStatus(reply, 202);
      expectUploadHeaders(reply, repo, offset + chunk.length);
      location = requireHeader(reply, 'location');
    }
    const done = await client.request('PUT', withDigest(location, blob.digest));
    expectStatus(done, 201);
    expect(done.headers.get('docker-content-digest')).toBe(blob.digest);
    await expectBlob(repo, blob);
  });

  it('streamed PATCHes without Content-Range are appended in order', async () => {
    const blob = randomBlob(7000);
    await client.pushBlob(repo, blob, 'streamed', 2500);
    await expectBlob(repo, blob);
  });

  it('the closing PUT may carry the last chunk with its Content-Range', async () => {
    const blob = randomBlob(4000);
    const location = await client.openUpload(repo);
    const first = await client.request('PATCH', location, {
      headers: { 'Content-Range': '0-2999', 'Content-Type': 'application/octet-stream' },
      body: blob.bytes.subarray(0, 3000),
    });
    expectStatus(first, 202);
    const done = await client.request('PUT', withDigest(requireHeader(first, 'location'), blob.digest), {
      headers: { 'Content-Range': '3000-3999', 'Content-Type': 'application/octet-stream' },
      body: blob.bytes.subarray(3000),
    });
    expectStatus(done, 201);
    await expectBlob(repo, blob);
  });

  it('GET on an upload URL answers 204 with Location, Range and Docker-Upload-UUID', async () => {
    const location = await client.openUpload(repo);
    const fresh = await client.get(location);
    expectStatus(fresh, 204);
    expectUploadHeaders(fresh, repo, 0);

    const chunk = randomBlob(1234).bytes;
    const patched = await client.request('PATCH', location, {
      headers: { 'Content-Range': '0-1233' },
      body: chunk,
    });
    expectStatus(patched, 202);
    const status = await client.get(requireHeader(patched, 'location'));
    expectStatus(status, 204);
    expectUploadHeaders(status, repo, 1234);
    expect(status.body.length).toBe(0);
  });

  it('an out-of-order chunk answers 416 with the current Range, and the upload can go on', async () => {
    const blob = randomBlob(3000);
    const location = await client.openUpload(repo);
    const first = await client.request('PATCH', location, {
      headers: { 'Content-Range': '0-999' },
      body: blob.bytes.subarray(0, 1000),
    });
    expectStatus(first, 202);
    const next = requireHeader(first, 'location');

    const skipped = await client.request('PATCH', next, {
      headers: { 'Content-Range': '2000-2999' },
      body: blob.bytes.subarray(2000),
    });
    expectStatus(skipped, 416);
    expectUploadHeaders(skipped, repo, 1000);

    const replayed = await client.request('PATCH', next, {
      headers: { 'Content-Range': '500-1499' },
      body: blob.bytes.subarray(500, 1500),
    });
    expectStatus(replayed, 416);
    expectUploadHeaders(replayed, repo, 1000);

    const status = await client.get(next);
    expectUploadHeaders(status, repo, 1000);

    const resumed = await client.request('PATCH', next, {
      headers: { 'Content-Range': '1000-2999' },
      body: blob.bytes.subarray(1000),
    });
    expectStatus(resumed, 202);
    expectStatus(
      await client.request('PUT', withDigest(requireHeader(resumed, 'location'), blob.digest)),
      201,
    );
    await expectBlob(repo, blob);
  });

  it('a malformed Content-Range answers 416', async () => {
    const location = await client.openUpload(repo);
    const reply = await client.request('PATCH', location, {
      headers: { 'Content-Range': 'bytes=zero-ten' },
      body: Buffer.alloc(11),
    });
    expectStatus(reply, 416);
  });

  it('DELETE on an upload URL cancels it: 204, then the URL answers 404 BLOB_UPLOAD_UNKNOWN', async () => {
    const location = await client.openUpload(repo);
    const patched = await client.request('PATCH', location, {
      headers: { 'Content-Range': '0-99' },
      body: Buffer.alloc(100, 1),
    });
    expectStatus(patched, 202);

    const cancelled = await client.delete(location);
    expectStatus(cancelled, 204);
    expectOciError(await client.get(location), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectOciError(
      await client.request('PATCH', location, {
        headers: { 'Content-Range': '100-199' },
        body: Buffer.alloc(100, 2),
      }),
      404,
      'BLOB_UPLOAD_UNKNOWN',
    );
    expectOciError(
      await client.request('PUT', withDigest(location, unknownDigest())),
      404,
      'BLOB_UPLOAD_UNKNOWN',
    );
    expectOciError(await client.delete(location), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  it('an upload URL is dead once its upload completed', async () => {
    const blob = randomBlob(100);
    const location = await client.openUpload(repo);
    expectStatus(await client.request('PUT', withDigest(location, blob.digest), { body: blob.bytes }), 201);
    expectOciError(await client.get(location), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectOciError(
      await client.request('PATCH', location, {
        headers: { 'Content-Range': '100-199' },
        body: Buffer.alloc(100),
      }),
      404,
      'BLOB_UPLOAD_UNKNOWN',
    );
  });

  it('a 32 MiB blob streams through one PUT and reads back whole and by range', async () => {
    const blob = randomBlob(32 * 1024 * 1024);
    await client.pushBlob(repo, blob, 'monolithic');
    const whole = await client.get(`/v2/${repo}/blobs/${blob.digest}`);
    expectStatus(whole, 200);
    expect(sha256(whole.body)).toBe(blob.digest);
    const tail = await client.get(`/v2/${repo}/blobs/${blob.digest}`, {
      Range: `bytes=${blob.size - 3_000_000}-`,
    });
    expectStatus(tail, 206);
    expect(tail.body.equals(blob.bytes.subarray(blob.size - 3_000_000))).toBe(true);
  });

  it('pushing a blob that exists already succeeds again', async () => {
    const blob = randomBlob(2000);
    await client.pushBlob(repo, blob, 'monolithic');
    await client.pushBlob(repo, blob, 'chunked', 700);
    await client.pushBlob(repo, blob, 'single-post');
    await expectBlob(repo, blob);
  });

  it('two clients pushing the same blob at once both succeed', async () => {
    const blob = randomBlob(512 * 1024);
    const other = uniqueRepo('conformance/push-concurrent');
    const second = registry().newClient();
    const replies = await Promise.all([
      client.pushBlob(repo, blob, 'monolithic'),
      second.pushBlob(repo, blob, 'chunked', 64 * 1024),
      client.pushBlob(repo, blob, 'single-post'),
      second.pushBlob(other, blob, 'monolithic'),
    ]);
    for (const reply of replies) expect(reply.headers.get('docker-content-digest')).toBe(blob.digest);
    await expectBlob(repo, blob);
    await expectBlob(other, blob);
  });
});

describe('push: concurrency', () => {
  it('clients pushing blobs into a repository that does not exist yet, all at once, all succeed', async () => {
    const repo = uniqueRepo('conformance/push-new-repo');
    const blobs = Array.from({ length: 8 }, () => randomBlob(20_000));
    const modes = ['single-post', 'monolithic', 'chunked', 'streamed'] as const;
    await Promise.all(
      blobs.map((blob, index) =>
        registry()
          .newClient()
          .pushBlob(repo, blob, modes[index % modes.length], 6000),
      ),
    );
    for (const blob of blobs) await expectBlob(repo, blob);
  });

  it('clients pushing the same image to the same tag of a new repository at once all succeed', async () => {
    const repo = uniqueRepo('conformance/push-same-tag');
    const image = randomImage();
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => registry().newClient().pushAll(repo, image, 'same')),
    );
    for (const reply of replies) expect(reply.headers.get('docker-content-digest')).toBe(image.digest);
    const got = await client.get(`/v2/${repo}/manifests/same`);
    expectStatus(got, 200);
    expect(got.body.equals(image.bytes)).toBe(true);
    expect(await client.tags(repo).then((reply) => reply.json<{ tags: string[] }>().tags)).toEqual(['same']);
  });

  it('clients pushing different manifests to one tag at once all succeed and the tag names one of them', async () => {
    const repo = uniqueRepo('conformance/push-race-tag');
    const images = Array.from({ length: 6 }, () => randomImage({ layers: 1, layerSize: 128 }));
    await Promise.all(images.map((image) => registry().newClient().pushAll(repo, image, 'raced')));
    const got = await client.get(`/v2/${repo}/manifests/raced`);
    expectStatus(got, 200);
    expect(images.map((image) => image.digest)).toContain(got.headers.get('docker-content-digest'));
    for (const image of images) expectStatus(await client.head(`/v2/${repo}/manifests/${image.digest}`), 200);
  });

  it('racing PATCHes on one upload never get a blob served under a digest its bytes do not have', async () => {
    // A misbehaving client may send two chunks for the same range at once. Whatever the registry
    // answers them, a blob it then commits must hash to its digest.
    const repo = uniqueRepo('conformance/push-patch-race');
    const corrupt: string[] = [];
    for (let round = 0; round < 16 && corrupt.length === 0; round += 1) {
      const [a, b] = [randomBlob(2 * 1024 * 1024), randomBlob(2 * 1024 * 1024)];
      const location = await client.openUpload(repo);
      await Promise.all(
        [a, b].map((blob) =>
          registry()
            .newClient()
            .request('PATCH', location, {
              headers: { 'Content-Range': `0-${blob.size - 1}`, 'Content-Type': 'application/octet-stream' },
              body: blob.bytes,
            }),
        ),
      );
      const claimed = round % 2 === 0 ? a : b;
      const closed = await client.request('PUT', withDigest(location, claimed.digest));
      expect(closed.status, closed.text()).toBeLessThan(500);
      if (closed.status !== 201) continue;
      const served = await client.get(`/v2/${repo}/blobs/${claimed.digest}`);
      if (sha256(served.body) !== claimed.digest)
        corrupt.push(`${claimed.digest} served bytes hashing to ${sha256(served.body)}`);
    }
    expect(corrupt).toEqual([]);
  });

  it('racing PATCHes in one repository cannot change the bytes another repository serves for a digest', async () => {
    const victimRepo = uniqueRepo('conformance/push-victim');
    const attackerRepo = uniqueRepo('conformance/push-attacker');
    const victim = randomBlob(2 * 1024 * 1024);
    await client.pushBlob(victimRepo, victim);
    const outcomes: string[] = [];
    for (let round = 0; round < 16; round += 1) {
      const junk = randomBlob(victim.size);
      const location = await client.openUpload(attackerRepo);
      const order = round % 2 === 0 ? [victim, junk] : [junk, victim];
      await Promise.all(
        order.map((blob) =>
          registry()
            .newClient()
            .request('PATCH', location, {
              headers: { 'Content-Range': `0-${blob.size - 1}`, 'Content-Type': 'application/octet-stream' },
              body: blob.bytes,
            }),
        ),
      );
      const closed = await client.request('PUT', withDigest(location, victim.digest));
      const served = await client.get(`/v2/${victimRepo}/blobs/${victim.digest}`);
      const intact = served.status === 200 && served.body.equals(victim.bytes);
      outcomes.push(
        `round ${round}: close ${closed.status}, ${victimRepo} ${intact ? 'intact' : `serves ${sha256(served.body)}`}`,
      );
      if (!intact) break;
    }
    expect(
      outcomes.filter((outcome) => !outcome.endsWith('intact')),
      outcomes.join('\n'),
    ).toEqual([]);
  });

  it('closing one upload twice at once answers 201 and, for the other, 201 or 404 BLOB_UPLOAD_UNKNOWN', async () => {
    const repo = uniqueRepo('conformance/push-double-close');
    for (let round = 0; round < 6; round += 1) {
      const blob = randomBlob(200_000);
      const location = await client.openUpload(repo);
      const patched = await client.request('PATCH', location, {
        headers: { 'Content-Range': `0-${blob.size - 1}` },
        body: blob.bytes,
      });
      expectStatus(patched, 202);
      const closing = withDigest(requireHeader(patched, 'location'), blob.digest);
      const replies = await Promise.all([
        client.request('PUT', closing),
        registry().newClient().request('PUT', closing),
      ]);
      const statuses = replies.map((reply) => reply.status);
      expect(statuses, `round ${round}: ${replies.map((reply) => reply.text()).join(' | ')}`).toContain(201);
      for (const reply of replies) {
        if (reply.status !== 201) expectOciError(reply, 404, 'BLOB_UPLOAD_UNKNOWN');
      }
      await expectBlob(repo, blob);
    }
  });
});

describe('push: cross-repository mount', () => {
  const source = uniqueRepo('conformance/mount-source');
  const target = uniqueRepo('conformance/mount-target');
  const blob = randomBlob(4096);

  beforeAll(async () => {
    await client.pushBlob(source, blob);
  });

  it('a blob of another repository is not visible before it is mounted', async () => {
    expectOciError(await client.get(`/v2/${target}/blobs/${blob.digest}`), 404, 'BLOB_UNKNOWN');
  });

  it('POST ?mount=&from= answers 201 with Location and Docker-Content-Digest; the blob is then served', async () => {
    const reply = await client.startUpload(target, { mount: blob.digest, from: source });
    expectStatus(reply, 201);
    expect(new URL(requireHeader(reply, 'location'), registry().url).pathname).toBe(
      `/v2/${target}/blobs/${blob.digest}`,
    );
    expect(reply.headers.get('docker-content-digest')).toBe(blob.digest);
    await expectBlob(target, blob);
  });

  it('mounting a blob the source does not have falls back to an upload (202)', async () => {
    const missing = randomBlob(1000);
    const reply = await client.startUpload(uniqueRepo('conformance/mount-fallback'), {
      mount: missing.digest,
      from: source,
    });
    expectStatus(reply, 202);
    const location = requireHeader(reply, 'location');
    expect(new URL(location, registry().url).pathname).toMatch(/\/blobs\/uploads\/[^/]+$/);
    // The fallback is a real upload session.
    expectStatus(
      await client.request('PUT', withDigest(location, missing.digest), { body: missing.bytes }),
      201,
    );
  });

  it('a mount with a malformed digest or source name falls back to an upload (202)', async () => {
    // "if a registry ... is unable to mount the requested blob, it SHOULD return a 202"; CNCF
    // distribution ignores mount arguments it cannot parse and starts an upload.
    for (const query of [
      { mount: 'sha256:not-a-digest', from: source },
      { mount: blob.digest, from: 'Not/A/Valid/Name' },
    ]) {
      const reply = await client.startUpload(target, query);
      expect(reply.status, `${JSON.stringify(query)}: ${reply.text()}`).toBe(202);
      expect(reply.headers.get('location')).toBeTruthy();
    }
  });

  it('mounting from a repository that does not exist falls back to an upload (202)', async () => {
    const reply = await client.startUpload(target, {
      mount: blob.digest,
      from: uniqueRepo('conformance/no-such-source'),
    });
    expectStatus(reply, 202);
    expect(reply.headers.get('location')).toBeTruthy();
  });
});

describe('push: manifests', () => {
  const repo = uniqueRepo('conformance/push-manifests');

  async function expectManifest(reference: string, manifest: Manifest): Promise<void> {
    const reply = await client.get(`/v2/${repo}/manifests/${reference}`, { Accept: manifest.mediaType });
    expectStatus(reply, 200);
    expect(reply.headers.get('content-type')).toBe(manifest.mediaType);
    expect(reply.headers.get('docker-content-digest')).toBe(manifest.digest);
    expect(reply.body.equals(manifest.bytes)).toBe(true);
  }

  const cases: [string, () => Manifest][] = [
    ['an OCI image manifest', () => randomImage()],
    ['an OCI image index', () => randomMultiPlatformIndex(MediaType.OciIndex)],
    ['a Docker schema2 manifest', () => randomDockerImage()],
    ['a Docker manifest list', () => randomMultiPlatformIndex(MediaType.DockerManifestList)],
  ];
  for (const [what, build] of cases) {
    it(`PUT ${what} by tag answers 201 with Location and Docker-Content-Digest; GET returns it as pushed`, async () => {
      const manifest = build();
      const tag = `t-${manifest.digest.slice(7, 19)}`;
      const reply = await client.pushAll(repo, manifest, tag);
      expectStatus(reply, 201);
      expect(new URL(requireHeader(reply, 'location'), registry().url).pathname).toBe(
        `/v2/${repo}/manifests/${manifest.digest}`,
      );
      expect(reply.headers.get('docker-content-digest')).toBe(manifest.digest);
      await expectManifest(tag, manifest);
      await expectManifest(manifest.digest, manifest);
    });
  }

  it('PUT by digest (no tag) answers 201 and the manifest is served by digest', async () => {
    const manifest = randomImage();
    const reply = await client.pushAll(repo, manifest, manifest.digest);
    expect(reply.headers.get('docker-content-digest')).toBe(manifest.digest);
    await expectManifest(manifest.digest, manifest);
  });

  it('a manifest without a mediaType field is typed by its Content-Type', async () => {
    const base = randomImage();
    const manifest = imageManifest({
      config: base.blobs[0]!,
      layers: base.blobs.slice(1),
      omitMediaType: true,
    });
    expect(manifest.json.mediaType).toBeUndefined();
    await client.pushAll(repo, manifest, 'no-media-type');
    await expectManifest('no-media-type', manifest);
  });

  it('pushing another manifest to a tag moves the tag', async () => {
    const first = randomImage();
    const second = randomImage();
    await client.pushAll(repo, first, 'moving');
    await client.pushAll(repo, second, 'moving');
    await expectManifest('moving', second);
    await expectManifest(first.digest, first);
  });

  it('a Content-Type with parameters is accepted', async () => {
    const manifest = randomImage();
    for (const blob of manifest.blobs) await client.pushBlob(repo, blob);
    const reply = await client.pushManifest(
      repo,
      'with-params',
      manifest,
      `${MediaType.OciManifest}; charset=utf-8`,
    );
    expectStatus(reply, 201);
    await expectManifest('with-params', manifest);
  });

  it('a tag of 128 characters, the longest the grammar allows, is accepted', async () => {
    const manifest = randomImage();
    const tag = `T${'a1_.-'.repeat(25)}yz`;
    expect(tag).toHaveLength(128);
    await client.pushAll(repo, manifest, tag);
    await expectManifest(tag, manifest);
    expect((await client.tags(repo)).json<{ tags: string[] }>().tags).toContain(tag);
  });

  it('an index may hold another index', async () => {
    const inner = randomMultiPlatformIndex();
    const outer = imageIndex([{ manifest: inner }, { manifest: randomImage() }]);
    await client.pushAll(repo, outer, 'nested');
    await expectManifest('nested', outer);
    await expectManifest(inner.digest, inner);
  });

  it('repository names with path components named like API routes work', async () => {
    const image = randomImage({ layers: 1, layerSize: 100 });
    for (const name of ['manifests', 'blobs', 'tags', 'referrers', 'blobs/uploads', 'tags/list'].map(
      (part) => `${repo}/${part}`,
    )) {
      await client.pushAll(name, image, 'v1');
      const got = await client.get(`/v2/${name}/manifests/v1`);
      expectStatus(got, 200);
      expect(got.body.equals(image.bytes)).toBe(true);
      expectStatus(await client.get(`/v2/${name}/blobs/${image.blobs[1]!.digest}`), 200);
      expect((await client.tags(name)).json<{ name: string; tags: string[] }>()).toEqual({
        name,
        tags: ['v1'],
      });
    }
  });

  it('an index may hold image manifests and artifacts alike', async () => {
    const image = randomImage();
    const chart = helmChart();
    const index = imageIndex([{ manifest: image }, { manifest: chart }], {
      annotations: { 'org.example': 'mixed' },
    });
    await client.pushAll(repo, index, 'mixed-index');
    await expectManifest('mixed-index', index);
  });
});

describe('push: artifacts and subjects', () => {
  const repo = uniqueRepo('conformance/push-artifacts');
  const subject = randomImage();

  beforeAll(async () => {
    await client.pushAll(repo, subject, 'signed');
  });

  async function pushAndFetch(manifest: Manifest, tag?: string) {
    const put = await client.pushAll(repo, manifest, tag ?? manifest.digest);
    const got = await client.get(`/v2/${repo}/manifests/${manifest.digest}`);
    expectStatus(got, 200);
    expect(got.body.equals(manifest.bytes)).toBe(true);
    expect(got.headers.get('content-type')).toBe(manifest.mediaType);
    return put;
  }

  it('a Helm chart (config application/vnd.cncf.helm.config.v1+json) is accepted and served', async () => {
    const chart = helmChart('berth-demo', '1.2.3');
    expect((chart.json.config as { mediaType: string }).mediaType).toBe(MediaType.HelmConfig);
    const put = await pushAndFetch(chart, '1.2.3');
    expect(put.headers.get('oci-subject')).toBeNull();
    const config = await client.get(`/v2/${repo}/blobs/${chart.blobs[0]!.digest}`);
    expect(config.json<{ version: string }>().version).toBe('1.2.3');
  });

  it('a WebAssembly module (config application/vnd.wasm.config.v0+json) is accepted and served', async () => {
    await pushAndFetch(wasmModule(), 'wasm');
  });

  it('a cosign-like signature with subject answers 201 with OCI-Subject', async () => {
    const signature = cosignSignature(descriptorOf(subject));
    expect(signature.json.artifactType).toBe(MediaType.CosignSignatureArtifact);
    const put = await pushAndFetch(signature);
    expect(put.headers.get('oci-subject')).toBe(subject.digest);
  });

  it('an SBOM with artifactType, the empty config and a subject answers 201 with OCI-Subject', async () => {
    const document = sbom(descriptorOf(subject));
    expect((document.json.config as { mediaType: string }).mediaType).toBe(MediaType.OciEmpty);
    const put = await pushAndFetch(document);
    expect(put.headers.get('oci-subject')).toBe(subject.digest);
  });

  it('an index with artifactType and subject answers 201 with OCI-Subject', async () => {
    const attestation = imageIndex([{ manifest: sbom(descriptorOf(subject)) }], {
      artifactType: 'application/vnd.example.attestations',
      subject: descriptorOf(subject),
    });
    const put = await pushAndFetch(attestation);
    expect(put.headers.get('oci-subject')).toBe(subject.digest);
  });

  it('a manifest whose subject does not exist (yet) is accepted', async () => {
    const absent = randomImage();
    const signature = cosignSignature(descriptorOf(absent));
    const put = await pushAndFetch(signature);
    expect(put.headers.get('oci-subject')).toBe(absent.digest);
    // The subject can follow.
    await client.pushAll(repo, absent, 'late-subject');
  });
});
