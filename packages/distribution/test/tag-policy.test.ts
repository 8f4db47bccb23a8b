import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeOrigin } from '../src/change-origin.js';
import { FilesystemBlobDriver } from '../src/filesystem-blob-driver.js';
import { MediaType } from '../src/manifest.js';
import {
  createRegistryHandler,
  createRegistryServices,
  type RegistryServices,
} from '../src/registry-handler.js';
import { ImmutableTagError, type TagChange, type TagPolicy, type TagRefusal } from '../src/tag-policy.js';
import { MemoryMetadataStore } from '../src/testing/memory-metadata-store.js';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const origin: ChangeOrigin = {
  actor: 'alice',
  request: { id: 'req-1', addr: '10.0.0.9', host: 'registry.test', method: 'API', useragent: 'test' },
  sourceAddr: '10.0.0.1',
};

/**
 * Protects the tags named in `protectedTags` the way an immutability rule does: a protected tag may
 * be created and pushed again with the same manifest, never moved or removed. It reads the store
 * to know where a tag points, as the real policy reads the database.
 */
class RecordingTagPolicy implements TagPolicy {
  readonly asked: { repository: string; change: TagChange }[] = [];
  protectedTags = new Set<string>();

  constructor(private readonly store: MemoryMetadataStore) {}

  async check(repository: string, change: TagChange): Promise<TagRefusal | null> {
    this.asked.push({ repository, change });
    const refuse = (tag: string): TagRefusal => ({ tag, rule: `test rule on ${tag}` });
    switch (change.kind) {
      case 'push':
        for (const tag of change.tags) {
          if (!this.protectedTags.has(tag)) continue;
          const current = await this.store.getManifest(repository, { tag });
          if (current && current.digest !== change.digest) return refuse(tag);
        }
        return null;
      case 'untag':
        return this.protectedTags.has(change.tag) ? refuse(change.tag) : null;
      case 'delete-manifest':
      case 'delete-repository': {
        for (const tag of this.protectedTags) {
          const current = await this.store.getManifest(repository, { tag });
          if (current && (change.kind === 'delete-repository' || current.digest === change.digest)) {
            return refuse(tag);
          }
        }
        return null;
      }
    }
  }
}

describe('the engine consults its TagPolicy before changing tags', () => {
  let dir: string;
  let store: MemoryMetadataStore;
  let policy: RecordingTagPolicy;
  let sut: RegistryServices;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-tag-policy-'));
    store = new MemoryMetadataStore();
    policy = new RecordingTagPolicy(store);
    const blobs = new FilesystemBlobDriver(dir);
    sut = createRegistryServices({ blobs, metadata: store, instanceId: 'engine', tagPolicy: policy });
    server = createServer(createRegistryHandler({ blobs, metadata: store }, sut));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    policy.protectedTags = new Set();
    policy.asked.length = 0;
  });

  async function image(repository: string) {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', n: randomBytes(4) }));
    const layer = randomBytes(32);
    for (const data of [config, layer]) {
      await sut.uploads.monolithic(
        repository,
        { algorithm: 'sha256', hex: sha256(data).slice(7) },
        Readable.from([data]),
      );
    }
    const payload = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: [{ mediaType: 'application/octet-stream', digest: sha256(layer), size: layer.length }],
      }),
    );
    return { payload, digest: sha256(payload) };
  }

  const put = (repository: string, manifest: { payload: Buffer }, tags: string[]) =>
    sut.manifests.put(
      repository,
      { payload: manifest.payload, contentType: MediaType.OciManifest, tags },
      origin,
    );

  it('lets a push create a protected tag and push it again unchanged, and refuses to move it', async () => {
    policy.protectedTags.add('v1');
    const first = await image('imm/push');
    const second = await image('imm/push');
    await put('imm/push', first, ['v1']);
    await put('imm/push', first, ['v1']);
    expect(policy.asked.map((asked) => asked.change)).toEqual([
      { kind: 'push', digest: first.digest, tags: ['v1'] },
      { kind: 'push', digest: first.digest, tags: ['v1'] },
    ]);

    const refused = await put('imm/push', second, ['v1', 'other']).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ImmutableTagError);
    expect(refused).toMatchObject({ code: 'DENIED', status: 403, refusal: { tag: 'v1' } });
    expect((refused as Error).message).toContain('imm/push:v1');
    expect((refused as Error).message).toContain('test rule on v1');
    // Nothing of the refused push was written: neither the manifest nor its other tag.
    expect(await store.getManifest('imm/push', { digest: second.digest })).toBeNull();
    expect(await store.getManifest('imm/push', { tag: 'other' })).toBeNull();
    expect((await store.getManifest('imm/push', { tag: 'v1' }))?.digest).toBe(first.digest);
  });

  it('does not ask about a push without tags', async () => {
    await put('imm/untagged', await image('imm/untagged'), []);
    expect(policy.asked).toEqual([]);
  });

  it('refuses to delete a manifest holding a protected tag, or to untag it, and allows the rest', async () => {
    const kept = await image('imm/delete');
    const free = await image('imm/delete');
    await put('imm/delete', kept, ['v1', 'latest']);
    await put('imm/delete', free, ['dev']);
    policy.protectedTags.add('v1');
    policy.asked.length = 0;

    await expect(sut.manifests.delete('imm/delete', kept.digest, origin)).rejects.toBeInstanceOf(
      ImmutableTagError,
    );
    await expect(sut.tags.untag('imm/delete', 'v1', origin)).rejects.toMatchObject({
      code: 'DENIED',
      message: expect.stringContaining('cannot be deleted'),
    });
    expect((await store.getManifest('imm/delete', { tag: 'v1' }))?.digest).toBe(kept.digest);

    await sut.tags.untag('imm/delete', 'latest', origin);
    await sut.manifests.delete('imm/delete', free.digest, origin);
    expect(policy.asked.map((asked) => asked.change.kind)).toEqual([
      'delete-manifest',
      'untag',
      'untag',
      'delete-manifest',
    ]);
  });

  it('asks before moving a tag on purpose, and not when the store would refuse the move anyway', async () => {
    const first = await image('imm/tag');
    const second = await image('imm/tag');
    await put('imm/tag', first, ['v1']);
    await put('imm/tag', second, []);
    policy.protectedTags.add('v1');
    policy.asked.length = 0;

    expect(await sut.tags.tag('imm/tag', 'v1', second.digest, origin, { replace: false })).toBe('exists');
    expect(policy.asked).toEqual([]);
    await expect(
      sut.tags.tag('imm/tag', 'v1', second.digest, origin, { replace: true }),
    ).rejects.toBeInstanceOf(ImmutableTagError);
    expect(await sut.tags.tag('imm/tag', 'v2', second.digest, origin, { replace: true })).toBe('created');
  });

  it('refuses to copy over a protected tag before copying anything', async () => {
    const source = await image('imm/source');
    const target = await image('imm/target');
    await put('imm/source', source, ['v1']);
    await put('imm/target', target, ['v1']);
    policy.protectedTags.add('v1');
    await expect(
      sut.manifests.copy('imm/source', source.digest, 'imm/target', ['v1'], origin),
    ).rejects.toBeInstanceOf(ImmutableTagError);
    expect(await store.getManifest('imm/target', { digest: source.digest })).toBeNull();
  });

  it('refuses to delete a repository holding a protected tag before deleting anything', async () => {
    const one = await image('imm/repo');
    const two = await image('imm/repo');
    await put('imm/repo', one, ['v1']);
    await put('imm/repo', two, ['dev']);
    policy.protectedTags.add('v1');
    await expect(sut.catalog.delete('imm/repo', origin)).rejects.toBeInstanceOf(ImmutableTagError);
    expect(await store.listManifestDigests('imm/repo')).toHaveLength(2);
  });

  it('answers a refused /v2/ push with DENIED, 403, naming the tag and the rule', async () => {
    const first = await image('imm/wire');
    const second = await image('imm/wire');
    await put('imm/wire', first, ['v1']);
    policy.protectedTags.add('v1');
    const response = await fetch(`${base}/v2/imm/wire/manifests/v1`, {
      method: 'PUT',
      body: second.payload,
      headers: { 'content-type': MediaType.OciManifest },
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { errors: { code: string; message: string; detail: unknown }[] };
    expect(body.errors[0]).toMatchObject({
      code: 'DENIED',
      message: expect.stringContaining('test rule on v1'),
      detail: { repository: 'imm/wire', tag: 'v1', rule: 'test rule on v1' },
    });
    const deleted = await fetch(`${base}/v2/imm/wire/manifests/v1`, { method: 'DELETE' });
    expect(deleted.status).toBe(403);
  });
});
