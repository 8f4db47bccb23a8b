/**
 * OCI distribution-spec conformance, category "pull": manifests by tag and digest, blobs, ranges.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MediaType,
  randomImage,
  sha256,
  unknownDigest,
  uniqueRepo,
  type OciClient,
} from '../support/oci-fixtures.js';
import { useRegistry } from '../support/oci-registry.js';
import { expectApiVersion, expectOciError, expectStatus } from './oci-assertions.js';

const registry = useRegistry();
let client: OciClient;

beforeAll(() => {
  client = registry().client;
});

const ACCEPT_ALL = [
  MediaType.OciManifest,
  MediaType.OciIndex,
  MediaType.DockerManifest,
  MediaType.DockerManifestList,
].join(', ');

describe('pull', () => {
  const repo = uniqueRepo('conformance/pull');
  const tag = 'v1';
  const image = randomImage({ layers: 2, layerSize: 4096 });
  const layer = image.blobs[1]!;

  beforeAll(async () => {
    await client.pushAll(repo, image, tag);
  });

  it('GET and HEAD /v2/ answer 200 with Docker-Distribution-API-Version', async () => {
    const reply = await client.get('/v2/');
    expectStatus(reply, 200);
    expectApiVersion(reply);
    const head = await client.head('/v2/');
    expectStatus(head, 200);
    expectApiVersion(head);
  });

  it('GET a manifest by tag returns the pushed bytes, its media type and digest', async () => {
    const reply = await client.get(`/v2/${repo}/manifests/${tag}`, { Accept: ACCEPT_ALL });
    expectStatus(reply, 200);
    expect(reply.body.equals(image.bytes)).toBe(true);
    expect(reply.headers.get('content-type')).toBe(MediaType.OciManifest);
    expect(reply.headers.get('docker-content-digest')).toBe(image.digest);
    expect(reply.headers.get('content-length')).toBe(String(image.size));
    expectApiVersion(reply);
  });

  it('GET a manifest by digest returns the pushed bytes', async () => {
    const reply = await client.get(`/v2/${repo}/manifests/${image.digest}`, { Accept: ACCEPT_ALL });
    expectStatus(reply, 200);
    expect(reply.body.equals(image.bytes)).toBe(true);
    expect(sha256(reply.body)).toBe(image.digest);
    expect(reply.headers.get('docker-content-digest')).toBe(image.digest);
  });

  it('HEAD a manifest by tag and by digest answers 200 with Content-Length and Docker-Content-Digest, no body', async () => {
    for (const reference of [tag, image.digest]) {
      const reply = await client.head(`/v2/${repo}/manifests/${reference}`, { Accept: ACCEPT_ALL });
      expectStatus(reply, 200);
      expect(reply.body.length).toBe(0);
      expect(reply.headers.get('content-length')).toBe(String(image.size));
      expect(reply.headers.get('docker-content-digest')).toBe(image.digest);
      expect(reply.headers.get('content-type')).toBe(MediaType.OciManifest);
    }
  });

  it('GET a blob returns its bytes with Content-Length and Docker-Content-Digest', async () => {
    for (const blob of image.blobs) {
      const reply = await client.get(`/v2/${repo}/blobs/${blob.digest}`);
      expectStatus(reply, 200);
      expect(reply.body.equals(blob.bytes)).toBe(true);
      expect(reply.headers.get('content-length')).toBe(String(blob.size));
      expect(reply.headers.get('docker-content-digest')).toBe(blob.digest);
    }
  });

  it('HEAD a blob answers 200 with Content-Length and Docker-Content-Digest, no body', async () => {
    const reply = await client.head(`/v2/${repo}/blobs/${layer.digest}`);
    expectStatus(reply, 200);
    expect(reply.body.length).toBe(0);
    expect(reply.headers.get('content-length')).toBe(String(layer.size));
    expect(reply.headers.get('docker-content-digest')).toBe(layer.digest);
  });

  it('GET a blob with Range: bytes=0-9 answers 206 with Content-Range and those bytes', async () => {
    const reply = await client.get(`/v2/${repo}/blobs/${layer.digest}`, { Range: 'bytes=0-9' });
    expectStatus(reply, 206);
    expect(reply.body.equals(layer.bytes.subarray(0, 10))).toBe(true);
    expect(reply.headers.get('content-range')).toBe(`bytes 0-9/${layer.size}`);
    expect(reply.headers.get('content-length')).toBe('10');
  });

  it('GET a blob with a middle, an open-ended and a suffix range answers 206 with the right bytes', async () => {
    const size = layer.size;
    const cases: [string, number, number][] = [
      ['bytes=100-1123', 100, 1123],
      [`bytes=${size - 50}-`, size - 50, size - 1],
      ['bytes=-64', size - 64, size - 1],
      [`bytes=4000-${size + 1000}`, 4000, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const reply = await client.get(`/v2/${repo}/blobs/${layer.digest}`, { Range: range });
      expectStatus(reply, 206);
      expect(reply.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(reply.body.equals(layer.bytes.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('GET a blob with a range past its end answers 416 with Content-Range: bytes */size', async () => {
    const reply = await client.get(`/v2/${repo}/blobs/${layer.digest}`, { Range: `bytes=${layer.size}-` });
    expectStatus(reply, 416);
    expect(reply.headers.get('content-range')).toBe(`bytes */${layer.size}`);
  });

  it('an unknown tag or digest answers 404 MANIFEST_UNKNOWN; HEAD answers 404 without a body', async () => {
    for (const reference of ['no-such-tag', unknownDigest()]) {
      expectOciError(await client.get(`/v2/${repo}/manifests/${reference}`), 404, 'MANIFEST_UNKNOWN');
      const head = await client.head(`/v2/${repo}/manifests/${reference}`);
      expectStatus(head, 404);
      expect(head.body.length).toBe(0);
    }
  });

  it('an unknown blob answers 404 BLOB_UNKNOWN; HEAD answers 404 without a body', async () => {
    const digest = unknownDigest();
    expectOciError(await client.get(`/v2/${repo}/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
    const head = await client.head(`/v2/${repo}/blobs/${digest}`);
    expectStatus(head, 404);
    expect(head.body.length).toBe(0);
  });

  it('a manifest in a repository that does not exist answers 404', async () => {
    const reply = await client.get(`/v2/${uniqueRepo('conformance/never-pushed')}/manifests/${tag}`);
    expect(reply.status).toBe(404);
    expect(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']).toContain(
      reply.json<{ errors: { code: string }[] }>().errors[0]?.code,
    );
  });
});
