/**
 * OCI distribution-spec conformance: every error code with a request that provokes it, answered in
 * the spec's shape `{"errors":[{"code":…,"message":…}]}`, and nothing stored by a rejected write.
 * Also uploads a client abandons mid-body, and the manifest size limit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MediaType,
  content,
  imageIndex,
  imageManifest,
  jsonBytes,
  randomBlob,
  randomImage,
  rawRequest,
  requireHeader,
  sendTruncated,
  sha256,
  uniqueRepo,
  unknownDigest,
  withDigest,
  type Content,
  type Manifest,
  type OciClient,
} from '../support/oci-fixtures.js';
import { useRegistry } from '../support/oci-registry.js';
import { expectApiVersion, expectOciError, expectStatus } from './oci-assertions.js';

const registry = useRegistry();
let client: OciClient;

beforeAll(() => {
  client = registry().client;
});

const MIB = 1024 * 1024;
/** The spec leaves MANIFEST_BLOB_UNKNOWN's status open: CNCF distribution answers 400, others 404. */
const MANIFEST_BLOB_UNKNOWN_STATUS = [400, 404];

/** The path and query of a `Location` (absolute or relative), for raw requests. */
function pathOf(location: string): string {
  const url = new URL(location, registry().url);
  return url.pathname + url.search;
}

async function expectNoBlob(repo: string, ...digests: string[]): Promise<void> {
  for (const digest of digests) {
    expectOciError(await client.get(`/v2/${repo}/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
  }
}

async function expectNoManifest(repo: string, ...references: string[]): Promise<void> {
  for (const reference of references) {
    const reply = await client.get(`/v2/${repo}/manifests/${reference}`);
    expect(reply.status, `${reference}: ${reply.text().slice(0, 200)}`).toBe(404);
  }
}

/** An image whose blobs are all pushed, so only the manifest itself is under test. */
async function pushedImage(repo: string): Promise<Manifest> {
  const image = randomImage({ layers: 1, layerSize: 256 });
  for (const blob of image.blobs) await client.pushBlob(repo, blob);
  return image;
}

describe('errors: DIGEST_INVALID', () => {
  const repo = uniqueRepo('conformance/digest-invalid');

  it('a monolithic PUT whose content does not match ?digest= answers 400 and stores nothing', async () => {
    const blob = randomBlob(2000);
    const claimed = unknownDigest();
    const location = await client.openUpload(repo);
    const reply = await client.request('PUT', withDigest(location, claimed), { body: blob.bytes });
    expectOciError(reply, 400, 'DIGEST_INVALID');
    expectApiVersion(reply);
    await expectNoBlob(repo, claimed, blob.digest);
  });

  it('a single POST whose content does not match ?digest= answers 400 and stores nothing', async () => {
    const blob = randomBlob(2000);
    const claimed = unknownDigest();
    expectOciError(await client.startUpload(repo, { digest: claimed }, blob.bytes), 400, 'DIGEST_INVALID');
    await expectNoBlob(repo, claimed, blob.digest);
  });

  it('a chunked upload closed with the wrong digest answers 400 and stores nothing', async () => {
    const blob = randomBlob(3000);
    const claimed = sha256(blob.bytes.subarray(0, 2999));
    const location = await client.openUpload(repo);
    const patched = await client.request('PATCH', location, {
      headers: { 'Content-Range': '0-2999' },
      body: blob.bytes,
    });
    expectStatus(patched, 202);
    expectOciError(
      await client.request('PUT', withDigest(requireHeader(patched, 'location'), claimed)),
      400,
      'DIGEST_INVALID',
    );
    await expectNoBlob(repo, claimed, blob.digest);
  });

  it('a malformed ?digest= answers 400 DIGEST_INVALID', async () => {
    const location = await client.openUpload(repo);
    for (const digest of ['sha256:xyz', 'sha256:1234', 'nonsense']) {
      const reply = await client.request(
        'PUT',
        `${location}${location.includes('?') ? '&' : '?'}digest=${digest}`,
        {
          body: Buffer.from('x'),
        },
      );
      expectOciError(reply, 400, 'DIGEST_INVALID');
    }
  });

  it('a manifest PUT by a digest that does not match its body answers 400 and stores nothing', async () => {
    const image = await pushedImage(repo);
    const claimed = unknownDigest();
    expectOciError(await client.pushManifest(repo, claimed, image), 400, 'DIGEST_INVALID');
    await expectNoManifest(repo, claimed, image.digest);
  });
});

describe('errors: SIZE_INVALID', () => {
  const repo = uniqueRepo('conformance/size-invalid');

  it('a chunk whose Content-Length disagrees with its Content-Range answers 400 SIZE_INVALID', async () => {
    const location = await client.openUpload(repo);
    const reply = await client.request('PATCH', location, {
      headers: { 'Content-Range': '0-99', 'Content-Type': 'application/octet-stream' },
      body: Buffer.alloc(50, 7),
    });
    expectOciError(reply, 400, 'SIZE_INVALID');
  });

  it('a streamed chunk shorter than its Content-Range answers 400 SIZE_INVALID and is not kept', async () => {
    const blob = randomBlob(300);
    const location = await client.openUpload(repo);
    const first = await client.request('PATCH', location, {
      headers: { 'Content-Range': '0-99' },
      body: blob.bytes.subarray(0, 100),
    });
    expectStatus(first, 202);
    const next = requireHeader(first, 'location');

    const short = await rawRequest(registry().url, 'PATCH', pathOf(next), {
      headers: {
        ...client.authHeaders(next),
        'Content-Range': '100-299',
        'Content-Type': 'application/octet-stream',
      },
      body: blob.bytes.subarray(100, 200),
      chunked: true,
    });
    expectOciError(short, 400, 'SIZE_INVALID');

    const status = await client.get(next);
    // Either the upload goes on from where it was, or it was abandoned.
    if (status.status === 204) {
      expect(status.headers.get('range')).toBe('0-99');
      const rest = await client.request('PATCH', next, {
        headers: { 'Content-Range': '100-299' },
        body: blob.bytes.subarray(100),
      });
      expectStatus(rest, 202);
      expectStatus(
        await client.request('PUT', withDigest(requireHeader(rest, 'location'), blob.digest)),
        201,
      );
    } else {
      expectOciError(status, 404, 'BLOB_UPLOAD_UNKNOWN');
    }
  });
});

describe('errors: uploads a client abandons mid-body', () => {
  const repo = uniqueRepo('conformance/truncated');

  /** Sends `body` (complete, matching `digest`) while announcing more, then drops the connection. */
  async function truncate(method: string, path: string, body: Buffer, headers: Record<string, string> = {}) {
    await sendTruncated(registry().url, method, path, {
      headers: { 'Content-Type': 'application/octet-stream', ...client.authHeaders(path), ...headers },
      declaredLength: body.length + 4096,
      body,
    });
    // Give the server time to notice the closed socket and clean up.
    await sleep(300);
  }

  it('a single POST ?digest= cut short stores no blob, and the blob can be pushed afterwards', async () => {
    const blob = randomBlob(64 * 1024);
    // A first ordinary request, so a registry that wants a token has handed this client one.
    await client.openUpload(repo);
    await truncate('POST', `/v2/${repo}/blobs/uploads/?digest=${blob.digest}`, blob.bytes);
    await expectNoBlob(repo, blob.digest);
    await client.pushBlob(repo, blob, 'single-post');
    expectStatus(await client.head(`/v2/${repo}/blobs/${blob.digest}`), 200);
  });

  it('a monolithic PUT cut short stores no blob', async () => {
    const blob = randomBlob(64 * 1024);
    const location = await client.openUpload(repo);
    await truncate('PUT', pathOf(withDigest(location, blob.digest)), blob.bytes);
    await expectNoBlob(repo, blob.digest);
  });

  it('a closing PUT with the last chunk cut short stores no blob', async () => {
    const blob = randomBlob(8000);
    const location = await client.openUpload(repo);
    const first = await client.request('PATCH', location, {
      headers: { 'Content-Range': '0-3999' },
      body: blob.bytes.subarray(0, 4000),
    });
    expectStatus(first, 202);
    await truncate(
      'PUT',
      pathOf(withDigest(requireHeader(first, 'location'), blob.digest)),
      blob.bytes.subarray(4000),
    );
    await expectNoBlob(repo, blob.digest);
  });

  it('a PATCH cut short leaves an upload that resumes from the Range it reports', async () => {
    const blob = randomBlob(32 * 1024);
    const location = await client.openUpload(repo);
    const first = await client.request('PATCH', location, {
      headers: { 'Content-Range': '0-8191' },
      body: blob.bytes.subarray(0, 8192),
    });
    expectStatus(first, 202);
    const next = requireHeader(first, 'location');
    await truncate('PATCH', pathOf(next), blob.bytes.subarray(8192, 16384));
    await expectNoBlob(repo, blob.digest);

    const status = await client.get(next);
    if (status.status === 404) {
      expectOciError(status, 404, 'BLOB_UPLOAD_UNKNOWN');
      return;
    }
    expectStatus(status, 204);
    const match = /^0-(\d+)$/.exec(status.headers.get('range') ?? '');
    expect(match, `Range ${status.headers.get('range')}`).not.toBeNull();
    const received = Number(match![1]) + 1;
    expect(received).toBeGreaterThanOrEqual(8192);
    expect(received).toBeLessThanOrEqual(16384);

    const rest = await client.request('PATCH', next, {
      headers: { 'Content-Range': `${received}-${blob.size - 1}` },
      body: blob.bytes.subarray(received),
    });
    expectStatus(rest, 202);
    expectStatus(await client.request('PUT', withDigest(requireHeader(rest, 'location'), blob.digest)), 201);
    const pulled = await client.get(`/v2/${repo}/blobs/${blob.digest}`);
    expect(pulled.body.equals(blob.bytes)).toBe(true);
  });

  it('a manifest PUT cut short stores no manifest', async () => {
    const image = await pushedImage(repo);
    await truncate('PUT', `/v2/${repo}/manifests/cut-short`, image.bytes, {
      'Content-Type': MediaType.OciManifest,
    });
    await expectNoManifest(repo, 'cut-short', image.digest);
  });
});

describe('errors: MANIFEST_INVALID', () => {
  const repo = uniqueRepo('conformance/manifest-invalid');

  async function expectInvalid(body: Buffer | string, contentType: string, tag: string): Promise<void> {
    const reply = await client.request('PUT', `/v2/${repo}/manifests/${tag}`, {
      headers: { 'Content-Type': contentType },
      body,
    });
    expectOciError(reply, 400, 'MANIFEST_INVALID');
    await expectNoManifest(repo, tag, sha256(typeof body === 'string' ? Buffer.from(body) : body));
  }

  it('a body that is not JSON answers 400 MANIFEST_INVALID', async () => {
    await expectInvalid('{"schemaVersion": 2, "mediaType": ', MediaType.OciManifest, 'bad-json');
  });

  it('an unknown manifest media type answers 400 MANIFEST_INVALID', async () => {
    const image = await pushedImage(repo);
    const json = { ...image.json, mediaType: 'application/vnd.example.unknown+json' };
    await expectInvalid(jsonBytes(json), 'application/vnd.example.unknown+json', 'unknown-type');
  });

  it('a Docker schema1 manifest answers 400 MANIFEST_INVALID', async () => {
    const layer = randomBlob(100, 'application/octet-stream');
    await client.pushBlob(repo, layer);
    const schema1 = {
      schemaVersion: 1,
      name: repo,
      tag: 'schema1',
      architecture: 'amd64',
      fsLayers: [{ blobSum: layer.digest }],
      history: [{ v1Compatibility: JSON.stringify({ id: 'a'.repeat(64) }) }],
      signatures: [{ header: { alg: 'ES256' }, signature: 'c2lnbmF0dXJl', protected: 'e30' }],
    };
    await expectInvalid(jsonBytes(schema1), MediaType.DockerSchema1Signed, 'schema1');
    await expectInvalid(
      jsonBytes({ ...schema1, signatures: undefined }),
      MediaType.DockerSchema1,
      'schema1-unsigned',
    );
  });

  it('a body mediaType that differs from the Content-Type answers 400 MANIFEST_INVALID', async () => {
    const image = await pushedImage(repo);
    expect(image.json.mediaType).toBe(MediaType.OciManifest);
    await expectInvalid(image.bytes, MediaType.DockerManifest, 'mismatched-type');
  });

  it('an image manifest without a config or with a malformed descriptor answers 400 MANIFEST_INVALID', async () => {
    const image = await pushedImage(repo);
    const { config: _config, ...withoutConfig } = image.json;
    await expectInvalid(jsonBytes(withoutConfig), MediaType.OciManifest, 'no-config');
    const badLayer = {
      ...image.json,
      layers: [{ mediaType: MediaType.OciLayerGzip, digest: 'sha256:nope', size: 1 }],
    };
    await expectInvalid(jsonBytes(badLayer), MediaType.OciManifest, 'bad-descriptor');
  });

  it('a schemaVersion other than 2 answers 400 MANIFEST_INVALID', async () => {
    const image = await pushedImage(repo);
    await expectInvalid(jsonBytes({ ...image.json, schemaVersion: 3 }), MediaType.OciManifest, 'schema-3');
  });

  it('a tag outside the tag grammar answers 400', async () => {
    const image = await pushedImage(repo);
    const reply = await client.pushManifest(repo, `-${'x'.repeat(10)}`, image);
    expectStatus(reply, 400);
    expectStatus(await client.pushManifest(repo, 'x'.repeat(129), image), 400);
  });
});

describe('errors: MANIFEST_BLOB_UNKNOWN', () => {
  const repo = uniqueRepo('conformance/manifest-blob-unknown');

  it('an image manifest naming a layer never pushed is rejected with MANIFEST_BLOB_UNKNOWN', async () => {
    const image = randomImage({ layers: 2 });
    await client.pushBlob(repo, image.blobs[0]!);
    await client.pushBlob(repo, image.blobs[1]!);
    // The second layer is never pushed.
    const reply = await client.pushManifest(repo, 'missing-layer', image);
    expectOciError(reply, MANIFEST_BLOB_UNKNOWN_STATUS, 'MANIFEST_BLOB_UNKNOWN');
    await expectNoManifest(repo, 'missing-layer', image.digest);
  });

  it('an image manifest naming a config never pushed is rejected with MANIFEST_BLOB_UNKNOWN', async () => {
    const image = randomImage({ layers: 1 });
    await client.pushBlob(repo, image.blobs[1]!);
    expectOciError(
      await client.pushManifest(repo, 'missing-config', image),
      MANIFEST_BLOB_UNKNOWN_STATUS,
      'MANIFEST_BLOB_UNKNOWN',
    );
    await expectNoManifest(repo, 'missing-config', image.digest);
  });

  it('an image manifest naming a blob deleted from the repository is rejected with MANIFEST_BLOB_UNKNOWN', async () => {
    const image = randomImage({ layers: 1 });
    for (const blob of image.blobs) await client.pushBlob(repo, blob);
    expectStatus(await client.delete(`/v2/${repo}/blobs/${image.blobs[1]!.digest}`), 202);
    expectOciError(
      await client.pushManifest(repo, 'deleted-layer', image),
      MANIFEST_BLOB_UNKNOWN_STATUS,
      'MANIFEST_BLOB_UNKNOWN',
    );
    await expectNoManifest(repo, 'deleted-layer', image.digest);
  });

  it('an index naming a child manifest never pushed is rejected with MANIFEST_BLOB_UNKNOWN', async () => {
    const present = randomImage();
    const absent = randomImage();
    await client.pushAll(repo, present);
    for (const blob of absent.blobs) await client.pushBlob(repo, blob);
    const index = imageIndex([{ manifest: present }, { manifest: absent }]);
    expectOciError(
      await client.pushManifest(repo, 'missing-child', index),
      MANIFEST_BLOB_UNKNOWN_STATUS,
      'MANIFEST_BLOB_UNKNOWN',
    );
    await expectNoManifest(repo, 'missing-child', index.digest);
  });
});

describe('errors: NAME_INVALID', () => {
  const paths = {
    'upper case': '/v2/Conformance/Upper/tags/list',
    '".." component': '/v2/conformance/../etc/tags/list',
    'empty component ("//")': '/v2/conformance//double/tags/list',
    'a name over 255 characters': `/v2/conformance/${'a'.repeat(250)}/tags/list`,
    'a trailing separator': '/v2/conformance-/tags/list',
  };
  for (const [what, path] of Object.entries(paths)) {
    it(`a repository name with ${what} answers 400 NAME_INVALID`, async () => {
      expectOciError(await rawRequest(registry().url, 'GET', path), 400, 'NAME_INVALID');
    });
  }

  it('pushing to an invalid name answers 400 NAME_INVALID and creates nothing', async () => {
    const blob = randomBlob(10);
    expectOciError(
      await rawRequest(registry().url, 'POST', '/v2/Conformance/Upper/blobs/uploads/'),
      400,
      'NAME_INVALID',
    );
    expectOciError(
      await rawRequest(registry().url, 'POST', `/v2/conformance/../x/blobs/uploads/?digest=${blob.digest}`, {
        body: blob.bytes,
      }),
      400,
      'NAME_INVALID',
    );
    expectOciError(
      await rawRequest(registry().url, 'PUT', '/v2/conformance//x/manifests/latest', {
        headers: { 'Content-Type': MediaType.OciManifest },
        body: randomImage().bytes,
      }),
      400,
      'NAME_INVALID',
    );
  });

  it('a name of exactly 255 characters is valid', async () => {
    const name = `conformance/${'b'.repeat(255 - 'conformance/'.length)}`;
    expect(name.length).toBe(255);
    expectStatus(await client.startUpload(name), 202);
  });
});

describe('errors: unknown things', () => {
  const repo = uniqueRepo('conformance/unknown');

  beforeAll(async () => {
    await client.pushAll(repo, randomImage(), 'present');
  });

  it('an unknown upload id answers 404 BLOB_UPLOAD_UNKNOWN to GET, PATCH, PUT and DELETE', async () => {
    const base = `/v2/${repo}/blobs/uploads`;
    for (const id of ['0b0e8d8e-7a4f-4a1b-9c54-3f1b2a9d8c7e', 'not-an-upload-id']) {
      const location = `${base}/${id}`;
      expectOciError(await client.get(location), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(
        await client.request('PATCH', location, {
          headers: { 'Content-Range': '0-9' },
          body: Buffer.alloc(10),
        }),
        404,
        'BLOB_UPLOAD_UNKNOWN',
      );
      expectOciError(
        await client.request('PUT', withDigest(location, sha256('x')), { body: Buffer.from('x') }),
        404,
        'BLOB_UPLOAD_UNKNOWN',
      );
      expectOciError(await client.delete(location), 404, 'BLOB_UPLOAD_UNKNOWN');
    }
  });

  it('an upload id is unknown in any other repository', async () => {
    const location = await client.openUpload(repo);
    const id = new URL(location, registry().url).pathname.split('/').pop()!;
    const elsewhere = `/v2/${uniqueRepo('conformance/other')}/blobs/uploads/${id}`;
    expectOciError(await client.get(elsewhere), 404, 'BLOB_UPLOAD_UNKNOWN');
    const blob = content('stolen');
    expectOciError(
      await client.request('PUT', withDigest(elsewhere, blob.digest), { body: blob.bytes }),
      404,
      'BLOB_UPLOAD_UNKNOWN',
    );
    // The session itself is unharmed.
    expectStatus(await client.get(location), 204);
  });

  it('an unknown manifest answers 404 MANIFEST_UNKNOWN', async () => {
    expectOciError(await client.get(`/v2/${repo}/manifests/absent`), 404, 'MANIFEST_UNKNOWN');
    expectOciError(await client.get(`/v2/${repo}/manifests/${unknownDigest()}`), 404, 'MANIFEST_UNKNOWN');
  });

  it('a manifest is unknown in any other repository', async () => {
    const image = randomImage();
    await client.pushAll(repo, image, 'mine');
    const other = uniqueRepo('conformance/other');
    await client.pushAll(other, randomImage(), 'theirs');
    expectOciError(await client.get(`/v2/${other}/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
    expectOciError(await client.get(`/v2/${other}/manifests/mine`), 404, 'MANIFEST_UNKNOWN');
  });

  it('an unknown blob answers 404 BLOB_UNKNOWN', async () => {
    expectOciError(await client.get(`/v2/${repo}/blobs/${unknownDigest()}`), 404, 'BLOB_UNKNOWN');
  });

  it('the tags of an unknown repository answer 404 NAME_UNKNOWN', async () => {
    expectOciError(await client.tags(uniqueRepo('conformance/nobody')), 404, 'NAME_UNKNOWN');
  });

  it('a method an endpoint does not have answers 405 UNSUPPORTED', async () => {
    expectOciError(
      await client.request('PATCH', `/v2/${repo}/manifests/present`, { body: Buffer.from('{}') }),
      405,
      'UNSUPPORTED',
    );
  });
});

describe('errors: manifest size', () => {
  const repo = uniqueRepo('conformance/manifest-size');

  /** An image manifest padded with an annotation to exactly `size` bytes. */
  function paddedManifest(config: Content, layer: Content, size: number): Manifest {
    const build = (padding: string) =>
      imageManifest({ config, layers: [layer], annotations: { 'org.example.padding': padding } });
    const overhead = build('').size;
    const manifest = build('p'.repeat(size - overhead));
    expect(manifest.size).toBe(size);
    return manifest;
  }

  it('a manifest of exactly 4 MiB is accepted', async () => {
    const image = await pushedImage(repo);
    const manifest = paddedManifest(image.blobs[0]!, image.blobs[1]!, 4 * MIB);
    expectStatus(await client.pushManifest(repo, 'four-mib', manifest), 201);
    const reply = await client.get(`/v2/${repo}/manifests/four-mib`);
    expect(reply.body.equals(manifest.bytes)).toBe(true);
  });

  it('a manifest over 4 MiB answers 413 and is not stored', async () => {
    const image = await pushedImage(repo);
    const manifest = paddedManifest(image.blobs[0]!, image.blobs[1]!, 4 * MIB + 1);
    const reply = await rawRequest(registry().url, 'PUT', `/v2/${repo}/manifests/too-big`, {
      headers: {
        ...client.authHeaders(`/v2/${repo}/manifests/too-big`),
        'Content-Type': MediaType.OciManifest,
        'Content-Length': manifest.size,
      },
      body: manifest.bytes,
    });
    expectStatus(reply, 413);
    await expectNoManifest(repo, 'too-big', manifest.digest);
  });

  it('a manifest over 4 MiB sent without Content-Length answers 413 too', async () => {
    const image = await pushedImage(repo);
    const manifest = paddedManifest(image.blobs[0]!, image.blobs[1]!, 5 * MIB);
    const reply = await rawRequest(registry().url, 'PUT', `/v2/${repo}/manifests/too-big-chunked`, {
      headers: {
        ...client.authHeaders(`/v2/${repo}/manifests/too-big-chunked`),
        'Content-Type': MediaType.OciManifest,
      },
      body: manifest.bytes,
      chunked: true,
    });
    expectStatus(reply, 413);
    await expectNoManifest(repo, 'too-big-chunked', manifest.digest);
  });
});

describe('errors: shape', () => {
  it('every error answer is JSON {"errors":[{code,message}]} with Docker-Distribution-API-Version', async () => {
    const repo = uniqueRepo('conformance/shape');
    const replies = [
      await client.get(`/v2/${repo}/manifests/latest`),
      await client.get(`/v2/${repo}/blobs/${unknownDigest()}`),
      await client.tags(repo),
      await rawRequest(registry().url, 'GET', '/v2/UPPER/tags/list'),
    ];
    for (const reply of replies) {
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expectApiVersion(reply);
      const body = reply.json<{ errors: { code: string; message: string }[] }>();
      expect(body.errors.length).toBeGreaterThan(0);
      for (const entry of body.errors) {
        expect(entry.code).toMatch(/^[A-Z_]+$/);
        expect(typeof entry.message).toBe('string');
      }
    }
  });
});
