import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeOrigin } from '../src/change-origin.js';
import { RegistryError } from '../src/errors.js';
import { FilesystemBlobDriver } from '../src/filesystem-blob-driver.js';
import { MediaType } from '../src/manifest.js';
import { createRegistryServices, type RegistryServices } from '../src/registry-handler.js';
import { MemoryMetadataStore } from '../src/testing/memory-metadata-store.js';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const origin: ChangeOrigin = {
  actor: 'alice',
  request: { id: 'req-1', addr: '10.0.0.9', host: 'registry.test', method: 'API', useragent: 'test' },
  sourceAddr: '10.0.0.1',
};

describe('the engine services', () => {
  let dir: string;
  let store: MemoryMetadataStore;
  let sut: RegistryServices;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-services-'));
    store = new MemoryMetadataStore();
    sut = createRegistryServices({
      blobs: new FilesystemBlobDriver(dir),
      metadata: store,
      instanceId: 'engine',
    });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function blob(repository: string, data: Buffer) {
    await sut.uploads.monolithic(
      repository,
      { algorithm: 'sha256', hex: sha256(data).slice(7) },
      Readable.from([data]),
    );
    return { mediaType: 'application/octet-stream', digest: sha256(data), size: data.length };
  }

  async function image(repository: string, tags: string[], subject?: string) {
    const config = await blob(
      repository,
      Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' })),
    );
    const layer = await blob(repository, randomBytes(64));
    const payload = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: { ...config, mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [layer],
        ...(subject ? { subject: { mediaType: MediaType.OciManifest, digest: subject, size: 1 } } : {}),
      }),
    );
    const stored = await sut.manifests.put(
      repository,
      { payload, contentType: MediaType.OciManifest, tags },
      origin,
    );
    return { ...stored, size: payload.length };
  }

  it('copies an index with its children, blobs and accessories, announcing only the artifact', async () => {
    const amd = await image('src/app', []);
    const arm = await image('src/app', []);
    const indexPayload = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [amd, arm].map((child) => ({
          mediaType: MediaType.OciManifest,
          digest: child.digest,
          size: child.size,
        })),
      }),
    );
    const index = await sut.manifests.put(
      'src/app',
      { payload: indexPayload, contentType: MediaType.OciIndex, tags: ['multi'] },
      origin,
    );
    const signature = await image('src/app', [], index.digest);
    const before = store.recordedEvents.length;

    await sut.manifests.copy('src/app', index.digest, 'dst/app', ['multi', 'latest'], origin);

    expect((await sut.manifests.get('dst/app', 'latest')).digest).toBe(index.digest);
    for (const digest of [amd.digest, arm.digest, signature.digest]) {
      expect((await sut.manifests.get('dst/app', digest)).digest).toBe(digest);
    }
    expect(await sut.tags.list('dst/app', { limit: 10 })).toEqual(['latest', 'multi']);
    const events = store.recordedEvents.slice(before);
    expect(events.map((event) => [event.action, event.target.repository, event.target.tag])).toEqual([
      ['push', 'dst/app', 'multi'],
      ['push', 'dst/app', 'latest'],
    ]);
    expect(events[0]).toMatchObject({
      actor: { name: 'alice' },
      request: { addr: '10.0.0.9' },
      source: { instanceID: 'engine' },
    });
  });

  it('tags and untags with events, refusing an existing tag unless asked to move it', async () => {
    const first = await image('tags/app', ['one']);
    const second = await image('tags/app', []);
    expect(await sut.tags.tag('tags/app', 'two', first.digest, origin, { replace: false })).toBe('created');
    expect(await sut.tags.tag('tags/app', 'two', second.digest, origin, { replace: false })).toBe('exists');
    expect(await sut.tags.tag('tags/app', 'two', second.digest, origin, { replace: true })).toBe('moved');
    await expect(sut.tags.untag('tags/app', 'two', origin, first.digest)).rejects.toMatchObject({
      code: 'MANIFEST_UNKNOWN',
    });
    await sut.tags.untag('tags/app', 'two', origin, second.digest);
    expect(await sut.tags.list('tags/app', { limit: 10 })).toEqual(['one']);
    const tagEvents = store.recordedEvents.filter(
      (event) => event.target.repository === 'tags/app' && event.scope === 'tag',
    );
    expect(tagEvents.map((event) => `${event.action}:${event.target.tag}:${event.target.digest}`)).toEqual([
      `push:two:${first.digest}`,
      `push:two:${second.digest}`,
      `delete:two:${second.digest}`,
    ]);
  });

  it('deletes a repository with an event per artifact and one for the repository', async () => {
    const a = await image('gone/app', ['a']);
    const b = await image('gone/app', ['b']);
    await sut.catalog.delete('gone/app', origin);
    const events = store.recordedEvents.filter(
      (event) => event.target.repository === 'gone/app' && event.action === 'delete',
    );
    expect(events.map((event) => [event.scope, event.target.digest])).toEqual([
      ['artifact', a.digest],
      ['artifact', b.digest],
      ['repository', undefined],
    ]);
    await expect(sut.tags.list('gone/app', { limit: 10 })).rejects.toBeInstanceOf(RegistryError);
    await expect(sut.catalog.delete('gone/app', origin)).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
  });
});
