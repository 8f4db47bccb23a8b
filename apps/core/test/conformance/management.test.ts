/**
 * OCI distribution-spec conformance, category "content management": deleting manifests by
 * digest, tags, and blobs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  randomBlob,
  randomImage,
  randomMultiPlatformIndex,
  uniqueRepo,
  unknownDigest,
  type OciClient,
} from '../support/oci-fixtures.js';
import { useRegistry } from '../support/oci-registry.js';
import { expectOciError, expectStatus } from './oci-assertions.js';

const registry = useRegistry();
let client: OciClient;

beforeAll(() => {
  client = registry().client;
});

async function tagsOf(repo: string): Promise<string[]> {
  const reply = await client.tags(repo);
  expectStatus(reply, 200);
  return reply.json<{ tags: string[] }>().tags;
}

describe('content management', () => {
  const repo = uniqueRepo('conformance/management');

  it('DELETE a manifest by digest answers 202; it and the tags on it are gone', async () => {
    const image = randomImage();
    const keep = randomImage();
    await client.pushAll(repo, image, 'doomed');
    expectStatus(await client.pushManifest(repo, 'doomed-too', image), 201);
    await client.pushAll(repo, keep, 'kept');

    expectStatus(await client.delete(`/v2/${repo}/manifests/${image.digest}`), 202);
    expectOciError(await client.get(`/v2/${repo}/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
    expectOciError(await client.get(`/v2/${repo}/manifests/doomed`), 404, 'MANIFEST_UNKNOWN');
    expectOciError(await client.get(`/v2/${repo}/manifests/doomed-too`), 404, 'MANIFEST_UNKNOWN');
    expectStatus(await client.head(`/v2/${repo}/manifests/${image.digest}`), 404);
    const tags = await tagsOf(repo);
    expect(tags).not.toContain('doomed');
    expect(tags).not.toContain('doomed-too');
    expect(tags).toContain('kept');
    expectStatus(await client.get(`/v2/${repo}/manifests/kept`), 200);
  });

  it('DELETE a tag through manifests/<tag> answers 202 and leaves the manifest by digest', async () => {
    const image = randomImage();
    await client.pushAll(repo, image, 'untag-me');
    expectStatus(await client.pushManifest(repo, 'stays', image), 201);

    expectStatus(await client.delete(`/v2/${repo}/manifests/untag-me`), 202);
    expectOciError(await client.get(`/v2/${repo}/manifests/untag-me`), 404, 'MANIFEST_UNKNOWN');
    const byDigest = await client.get(`/v2/${repo}/manifests/${image.digest}`);
    expectStatus(byDigest, 200);
    expect(byDigest.body.equals(image.bytes)).toBe(true);
    expectStatus(await client.get(`/v2/${repo}/manifests/stays`), 200);
    const tags = await tagsOf(repo);
    expect(tags).not.toContain('untag-me');
    expect(tags).toContain('stays');
  });

  it('DELETE an index by digest answers 202 and leaves its children', async () => {
    const index = randomMultiPlatformIndex();
    await client.pushAll(repo, index, 'multi');
    expectStatus(await client.delete(`/v2/${repo}/manifests/${index.digest}`), 202);
    expectStatus(await client.get(`/v2/${repo}/manifests/${index.digest}`), 404);
    for (const child of index.children)
      expectStatus(await client.get(`/v2/${repo}/manifests/${child.digest}`), 200);
  });

  it('DELETE a blob answers 202; the blob then answers 404 BLOB_UNKNOWN, and so does a second DELETE', async () => {
    const blob = randomBlob(3000);
    await client.pushBlob(repo, blob);
    expectStatus(await client.head(`/v2/${repo}/blobs/${blob.digest}`), 200);

    expectStatus(await client.delete(`/v2/${repo}/blobs/${blob.digest}`), 202);
    expectOciError(await client.get(`/v2/${repo}/blobs/${blob.digest}`), 404, 'BLOB_UNKNOWN');
    expectStatus(await client.head(`/v2/${repo}/blobs/${blob.digest}`), 404);
    expectOciError(await client.delete(`/v2/${repo}/blobs/${blob.digest}`), 404, 'BLOB_UNKNOWN');
  });

  it('deleting a blob in one repository leaves it in another', async () => {
    const blob = randomBlob(2500);
    const other = uniqueRepo('conformance/management-other');
    await client.pushBlob(repo, blob);
    await client.pushBlob(other, blob);
    expectStatus(await client.delete(`/v2/${repo}/blobs/${blob.digest}`), 202);
    expectStatus(await client.head(`/v2/${repo}/blobs/${blob.digest}`), 404);
    const kept = await client.get(`/v2/${other}/blobs/${blob.digest}`);
    expectStatus(kept, 200);
    expect(kept.body.equals(blob.bytes)).toBe(true);
  });

  it('a deleted blob can be pushed again', async () => {
    const blob = randomBlob(1500);
    await client.pushBlob(repo, blob);
    expectStatus(await client.delete(`/v2/${repo}/blobs/${blob.digest}`), 202);
    await client.pushBlob(repo, blob, 'chunked', 500);
    const reply = await client.get(`/v2/${repo}/blobs/${blob.digest}`);
    expectStatus(reply, 200);
    expect(reply.body.equals(blob.bytes)).toBe(true);
  });

  it('DELETE of a manifest or tag that does not exist answers 404 MANIFEST_UNKNOWN', async () => {
    expectOciError(await client.delete(`/v2/${repo}/manifests/${unknownDigest()}`), 404, 'MANIFEST_UNKNOWN');
    expectOciError(await client.delete(`/v2/${repo}/manifests/never-was-a-tag`), 404, 'MANIFEST_UNKNOWN');
  });

  it('DELETE of a blob that was never pushed answers 404 BLOB_UNKNOWN', async () => {
    expectOciError(await client.delete(`/v2/${repo}/blobs/${unknownDigest()}`), 404, 'BLOB_UNKNOWN');
  });

  it('a manifest deleted by digest can be pushed again', async () => {
    const image = randomImage();
    await client.pushAll(repo, image, 'again');
    expectStatus(await client.delete(`/v2/${repo}/manifests/${image.digest}`), 202);
    await client.pushAll(repo, image, 'again');
    expectStatus(await client.get(`/v2/${repo}/manifests/again`), 200);
  });
});
