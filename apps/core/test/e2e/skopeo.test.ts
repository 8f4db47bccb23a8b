/**
 * skopeo against Berth: OCI layouts built in the test are copied in (one multi-layer image, one
 * two-platform index with --all), copied back out byte for byte, inspected, listed, copied between
 * repositories, converted to Docker schema2 and deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch, Skopeo, ToolError, toolsAvailable } from '../support/client-tools.js';
import { MediaType, sha256, uniqueRepo, type OciClient } from '../support/oci-fixtures.js';
import {
  REF_NAME_ANNOTATION,
  hostPlatform,
  readLayout,
  writeImageLayout,
  writeMultiPlatformLayout,
  type LayoutImage,
  type LayoutIndex,
} from '../support/oci-layout.js';
import { useRegistry } from '../support/oci-registry.js';

const available = toolsAvailable('skopeo');

let client: OciClient;
let scratch: Scratch;
let skopeo: Skopeo;

/** Asserts that every blob of `expected` is in the layout at `dir`, byte for byte. */
async function expectLayoutHolds(
  dir: string,
  blobs: { digest: string; bytes: Buffer }[],
): Promise<Map<string, Buffer>> {
  const { blobs: written } = await readLayout(dir);
  for (const blob of blobs) {
    const bytes = written.get(blob.digest);
    expect(bytes, `blob ${blob.digest} missing from ${dir}`).toBeDefined();
    expect(bytes!.equals(blob.bytes), `blob ${blob.digest} differs`).toBe(true);
  }
  for (const [digest, bytes] of written) expect(sha256(bytes), `file of ${digest}`).toBe(digest);
  return written;
}

describe.skipIf(!available)('skopeo', () => {
  const registry = useRegistry();

  beforeAll(async () => {
    client = registry().client;
    scratch = await Scratch.create('skopeo');
    skopeo = await Skopeo.create(registry(), scratch);
  });

  afterAll(async () => {
    await scratch?.cleanup();
  });

  const repo = uniqueRepo('e2e/skopeo');
  let image: LayoutImage;
  let layoutDir: string;

  beforeAll(async () => {
    layoutDir = scratch.path('image-layout');
    // Three small layers and one of 6 MiB of random bytes, so one upload streams many buffers.
    image = await writeImageLayout(layoutDir, 'v1', { layers: 3, largeLayerBytes: 6 * 1024 * 1024 });
    expect(image.layers).toHaveLength(4);
  });

  it('copies a multi-layer image from an OCI layout into Berth', async () => {
    await skopeo.copy(`oci:${layoutDir}:v1`, skopeo.ref(`${repo}:v1`));
    const reply = await client.get(`/v2/${repo}/manifests/v1`);
    expect(reply.status).toBe(200);
    expect(reply.body.equals(image.manifest.bytes)).toBe(true);
    expect(reply.headers.get('docker-content-digest')).toBe(image.manifest.digest);
    for (const blob of [image.config, ...image.layers]) {
      const head = await client.head(`/v2/${repo}/blobs/${blob.digest}`);
      expect(head.status, blob.digest).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(blob.size));
    }
  });

  it('inspect reports the digest, platform and layers; --raw prints the manifest as pushed', async () => {
    const info = await skopeo.inspect<{ Digest: string; Layers: string[]; Architecture: string; Os: string }>(
      `${repo}:v1`,
    );
    expect(info.Digest).toBe(image.manifest.digest);
    expect(info.Layers).toEqual(image.layers.map((layer) => layer.digest));
    expect(info.Architecture).toBe('amd64');
    expect(info.Os).toBe('linux');

    const raw = await skopeo.inspectRaw(`${repo}:v1`);
    expect(raw.equals(image.manifest.bytes)).toBe(true);
    const config = await skopeo.inspectRaw(`${repo}:v1`, ['--config']);
    expect(config.equals(image.config.bytes)).toBe(true);
  });

  it('copies the image back out to a new OCI layout, byte for byte', async () => {
    const out = scratch.path('image-out');
    await skopeo.copy(skopeo.ref(`${repo}:v1`), `oci:${out}:copied`);
    const { index } = await readLayout(out);
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]).toMatchObject({
      mediaType: MediaType.OciManifest,
      digest: image.manifest.digest,
      size: image.manifest.size,
      annotations: { [REF_NAME_ANNOTATION]: 'copied' },
    });
    const written = await expectLayoutHolds(out, [image.manifest, image.config, ...image.layers]);
    expect([...written.keys()].sort()).toEqual(
      [image.manifest, image.config, ...image.layers].map((b) => b.digest).sort(),
    );
  });

  it('copies by digest and between repositories (cross-repository mount)', async () => {
    const other = uniqueRepo('e2e/skopeo-copy');
    await skopeo.copy(skopeo.ref(`${repo}@${image.manifest.digest}`), skopeo.ref(`${other}:copied`));
    const raw = await skopeo.inspectRaw(`${other}:copied`);
    expect(raw.equals(image.manifest.bytes)).toBe(true);
    for (const layer of image.layers)
      expect((await client.head(`/v2/${other}/blobs/${layer.digest}`)).status).toBe(200);
  });

  it('list-tags lists every tag', async () => {
    await skopeo.copy(skopeo.ref(`${repo}:v1`), skopeo.ref(`${repo}:v2`));
    await skopeo.copy(skopeo.ref(`${repo}:v1`), skopeo.ref(`${repo}:latest`));
    expect((await skopeo.listTags(repo)).sort()).toEqual(['latest', 'v1', 'v2']);
  });

  it('copies an image converted to Docker schema2 (--format v2s2)', async () => {
    const docker = uniqueRepo('e2e/skopeo-docker');
    await skopeo.copy(`oci:${layoutDir}:v1`, skopeo.ref(`${docker}:v1`), ['--format', 'v2s2']);
    const reply = await client.get(`/v2/${docker}/manifests/v1`, { Accept: MediaType.DockerManifest });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe(MediaType.DockerManifest);
    const manifest = reply.json<{
      config: { mediaType: string; digest: string };
      layers: { digest: string }[];
    }>();
    expect(manifest.config.mediaType).toBe(MediaType.DockerConfig);
    expect(manifest.layers.map((layer) => layer.digest)).toEqual(image.layers.map((layer) => layer.digest));
    const info = await skopeo.inspect<{ Digest: string }>(`${docker}:v1`);
    expect(info.Digest).toBe(reply.headers.get('docker-content-digest'));
  });

  it('delete removes the manifest and every tag on it', async () => {
    const doomed = uniqueRepo('e2e/skopeo-delete');
    await skopeo.copy(`oci:${layoutDir}:v1`, skopeo.ref(`${doomed}:one`));
    await skopeo.copy(skopeo.ref(`${doomed}:one`), skopeo.ref(`${doomed}:two`));
    await skopeo.delete(`${doomed}:one`);
    expect((await client.get(`/v2/${doomed}/manifests/${image.manifest.digest}`)).status).toBe(404);
    expect((await client.get(`/v2/${doomed}/manifests/two`)).status).toBe(404);
    expect(await skopeo.listTags(doomed)).toEqual([]);
    const failure = await skopeo.inspect(`${doomed}:one`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ToolError);
    expect((failure as ToolError).stderr).toMatch(/manifest unknown/i);
  });

  describe('a two-platform index', () => {
    const multi = uniqueRepo('e2e/skopeo-multi');
    let layout: LayoutIndex;
    let multiDir: string;

    beforeAll(async () => {
      multiDir = scratch.path('multi-layout');
      layout = await writeMultiPlatformLayout(multiDir, 'multi');
    });

    const allBlobs = () => [
      layout.index,
      ...layout.images.flatMap((image) => [image.manifest, image.config, ...image.layers]),
    ];

    it('copies the index with --all; the registry serves the index and both images as pushed', async () => {
      await skopeo.copy(`oci:${multiDir}:multi`, skopeo.ref(`${multi}:v1`), ['--all']);
      const index = await client.get(`/v2/${multi}/manifests/v1`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toBe(MediaType.OciIndex);
      expect(index.body.equals(layout.index.bytes)).toBe(true);
      for (const image of layout.images) {
        const child = await client.get(`/v2/${multi}/manifests/${image.manifest.digest}`);
        expect(child.status).toBe(200);
        expect(child.body.equals(image.manifest.bytes)).toBe(true);
      }
      expect((await skopeo.inspectRaw(`${multi}:v1`)).equals(layout.index.bytes)).toBe(true);
    });

    it('inspect resolves the index to the image for the requested platform', async () => {
      for (const image of layout.images) {
        const { architecture, variant } = image.platform;
        const info = await skopeo.inspect<{ Architecture: string; Layers: string[] }>(`${multi}:v1`, [
          '--override-os',
          'linux',
          '--override-arch',
          architecture,
          ...(variant ? ['--override-variant', variant] : []),
        ]);
        expect(info.Architecture).toBe(architecture);
        expect(info.Layers).toEqual(image.layers.map((layer) => layer.digest));
      }
      const host = hostPlatform();
      if (layout.images.some((image) => image.platform.architecture === host.architecture)) {
        const info = await skopeo.inspect<{ Architecture: string }>(`${multi}:v1`);
        expect(info.Architecture).toBe(host.architecture);
      }
    });

    it('copies the index back out with --all to a new OCI layout, byte for byte', async () => {
      const out = scratch.path('multi-out');
      await skopeo.copy(skopeo.ref(`${multi}:v1`), `oci:${out}:multi`, ['--all']);
      const { index } = await readLayout(out);
      expect(index.manifests).toHaveLength(1);
      expect(index.manifests[0]).toMatchObject({
        mediaType: MediaType.OciIndex,
        digest: layout.index.digest,
        size: layout.index.size,
      });
      const written = await expectLayoutHolds(out, allBlobs());
      expect([...written.keys()].sort()).toEqual([...new Set(allBlobs().map((blob) => blob.digest))].sort());
    });

    it('copies one platform out of the index', async () => {
      const arm = layout.images.find((image) => image.platform.architecture === 'arm64')!;
      const out = scratch.path('arm-out');
      await skopeo.copy(skopeo.ref(`${multi}:v1`), `oci:${out}:arm`, [
        '--override-os',
        'linux',
        '--override-arch',
        'arm64',
        '--override-variant',
        'v8',
      ]);
      const { index } = await readLayout(out);
      expect(index.manifests[0]?.digest).toBe(arm.manifest.digest);
      await expectLayoutHolds(out, [arm.manifest, arm.config, ...arm.layers]);
    });
  });
});
