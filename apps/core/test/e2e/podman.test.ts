/**
 * podman and buildah against Berth, with a private vfs image store per test file: an image imported
 * from an OCI layout and one built from scratch with buildah are pushed, removed and pulled back
 * with the same image id and digest; a two-platform index is pulled per platform; podman pushes a
 * Docker schema2 image and a manifest list of its own.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Podman, Scratch, toolsAvailable } from '../support/client-tools.js';
import {
  AMD64,
  ARM64,
  MediaType,
  digestHex,
  imageIndex,
  uniqueRepo,
  type OciClient,
} from '../support/oci-fixtures.js';
import { buildImage, saveImageLayout, writeImageLayout, type LayoutImage } from '../support/oci-layout.js';
import { useRegistry } from '../support/oci-registry.js';

const available = toolsAvailable('podman', 'buildah');

let client: OciClient;
let scratch: Scratch;
let podman: Podman;

/** The digest the registry serves for a tag (HEAD with every manifest type accepted). */
async function servedDigest(repository: string, tag: string): Promise<string | null> {
  const reply = await client.head(`/v2/${repository}/manifests/${tag}`, {
    Accept: [
      MediaType.OciManifest,
      MediaType.OciIndex,
      MediaType.DockerManifest,
      MediaType.DockerManifestList,
    ].join(', '),
  });
  return reply.status === 200 ? reply.headers.get('docker-content-digest') : null;
}

describe.skipIf(!available)('podman', () => {
  const registry = useRegistry();

  beforeAll(async () => {
    client = registry().client;
    scratch = await Scratch.create('podman');
    podman = await Podman.create(registry(), scratch);
  });

  afterAll(async () => {
    await podman?.reset();
    await scratch?.cleanup();
  });

  it('pushes an image imported from an OCI layout, removes it, and pulls it back with the same id and digest', async () => {
    const layoutDir = scratch.path('layout');
    const image: LayoutImage = await writeImageLayout(layoutDir, 'v1', { layers: 3 });
    const repo = uniqueRepo('e2e/podman-layout');
    const remote = `${repo}:v1`;

    const imported = await podman.podman(['pull', '--quiet', `oci:${layoutDir}:v1`]);
    expect(imported.stdout.trim()).toBe(digestHex(image.config.digest));
    await podman.podman(['tag', digestHex(image.config.digest), podman.ref(remote)]);

    const pushed = await podman.push(podman.ref(remote), remote);
    expect(pushed).toBe(await servedDigest(repo, 'v1'));
    const manifest = await client.get(`/v2/${repo}/manifests/${pushed}`);
    expect(manifest.status).toBe(200);
    expect(manifest.json<{ config: { digest: string } }>().config.digest).toBe(image.config.digest);

    await podman.podman(['rmi', '--force', digestHex(image.config.digest)]);
    expect(await podman.imageExists(podman.ref(remote))).toBe(false);

    const pulledId = await podman.pull(remote);
    expect(pulledId).toBe(digestHex(image.config.digest));
    const info = await podman.imageInfo(podman.ref(remote));
    expect(info.id).toBe(digestHex(image.config.digest));
    expect(info.digest).toBe(pushed);
    expect(info.repoDigests).toContain(`${podman.ref(repo)}@${pushed}`);
    const hello = await podman.readFile(podman.ref(remote), '/berth/layer-1/hello.txt');
    expect(hello.toString()).toBe(
      image.layers[1]!.files.find((file) => file.path === 'berth/layer-1/hello.txt')!.content,
    );
  });

  it('pushes an image built from scratch with buildah, removes it, and pulls it back with the same id and digest', async () => {
    const repo = uniqueRepo('e2e/podman-buildah');
    const local = `localhost/${repo}:built`;
    const context = scratch.path('context');
    const { stdout: driver } = await podman.podman(['info', '--format', '{{.Store.GraphDriverName}}']);
    expect(driver.trim()).toBe('vfs');
    await mkdir(context, { recursive: true });
    const greeting = `built by buildah for ${repo}\n`;
    await writeFile(`${context}/greeting.txt`, greeting);

    const container = (await podman.buildah(['from', 'scratch'])).stdout.trim();
    await podman.buildah(['copy', container, `${context}/greeting.txt`, '/greeting.txt']);
    await podman.buildah([
      'config',
      '--cmd',
      '["/greeting.txt"]',
      '--label',
      'org.example.built-by=berth-e2e',
      container,
    ]);
    const builtId = (
      await podman.buildah(['commit', '--quiet', '--format', 'oci', container, local])
    ).stdout.trim();
    await podman.buildah(['rm', container]);

    const pushed = await podman.push(local, `${repo}:v1`);
    expect(pushed).toBe(await servedDigest(repo, 'v1'));
    const manifest = await client.get(`/v2/${repo}/manifests/v1`);
    expect(manifest.headers.get('content-type')).toBe(MediaType.OciManifest);
    expect(manifest.json<{ config: { digest: string } }>().config.digest).toBe(`sha256:${builtId}`);

    await podman.podman(['rmi', '--force', builtId]);
    expect(await podman.imageExists(local)).toBe(false);

    expect(await podman.pull(`${repo}:v1`)).toBe(builtId);
    const info = await podman.imageInfo(podman.ref(`${repo}:v1`));
    expect(info.id).toBe(builtId);
    expect(info.digest).toBe(pushed);
    expect((await podman.readFile(podman.ref(`${repo}:v1`), '/greeting.txt')).toString()).toBe(greeting);
  });

  it('pushes as Docker schema2 with --format v2s2 and pulls it back', async () => {
    const layoutDir = scratch.path('layout-docker');
    const image = await writeImageLayout(layoutDir, 'v1', { layers: 2 });
    const repo = uniqueRepo('e2e/podman-docker');
    await podman.podman(['pull', '--quiet', `oci:${layoutDir}:v1`]);

    const pushed = await podman.push(digestHex(image.config.digest), `${repo}:v1`, ['--format', 'v2s2']);
    const manifest = await client.get(`/v2/${repo}/manifests/v1`, { Accept: MediaType.DockerManifest });
    expect(manifest.headers.get('content-type')).toBe(MediaType.DockerManifest);
    expect(manifest.headers.get('docker-content-digest')).toBe(pushed);

    await podman.podman(['rmi', '--force', digestHex(image.config.digest)]);
    const id = await podman.pull(`${repo}:v1`);
    expect((await podman.imageInfo(id)).digest).toBe(pushed);
  });

  it('pulls each platform of a two-platform index', async () => {
    const repo = uniqueRepo('e2e/podman-multi');
    const images = [AMD64, ARM64].map((platform) => buildImage({ platform, layers: 2 }));
    const index = imageIndex(images.map((image) => ({ manifest: image.manifest, platform: image.platform })));
    for (const image of images) {
      for (const blob of [image.config, ...image.layers]) await client.pushBlob(repo, blob);
    }
    await client.pushAll(repo, index, 'multi');

    for (const image of images) {
      const { architecture, variant } = image.platform;
      const id = await podman.pull(`${repo}:multi`, [
        '--os',
        'linux',
        '--arch',
        architecture,
        ...(variant ? ['--variant', variant] : []),
      ]);
      expect(id, `${architecture}`).toBe(digestHex(image.config.digest));
      await podman.podman(['rmi', '--force', id]);
    }
  });

  it('pushes a manifest list made with podman manifest and pulls a platform from it', async () => {
    const repo = uniqueRepo('e2e/podman-manifest');
    const images = [AMD64, ARM64].map((platform) => buildImage({ platform, layers: 1 }));
    const list = `localhost/${repo}:list`;
    await podman.podman(['manifest', 'create', list]);
    for (const [index, image] of images.entries()) {
      const dir = scratch.path(`manifest-layout-${index}`);
      await saveImageLayout(dir, 'v1', image);
      await podman.podman(['manifest', 'add', list, `oci:${dir}:v1`]);
    }
    const digestFile = scratch.path('manifest-list-digest');
    await podman.podman([
      'manifest',
      'push',
      '--all',
      '--tls-verify=false',
      '--quiet',
      '--digestfile',
      digestFile,
      list,
      `docker://${podman.ref(`${repo}:v1`)}`,
    ]);
    const pushed = (await readFile(digestFile, 'utf8')).trim();
    expect(pushed).toBe(await servedDigest(repo, 'v1'));
    const served = await client.get(`/v2/${repo}/manifests/v1`, {
      Accept: `${MediaType.OciIndex}, ${MediaType.DockerManifestList}`,
    });
    expect(served.status).toBe(200);
    expect([MediaType.OciIndex, MediaType.DockerManifestList]).toContain(served.headers.get('content-type'));
    const children = served.json<{ manifests: { digest: string; platform: { architecture: string } }[] }>()
      .manifests;
    expect(children.map((child) => child.platform.architecture).sort()).toEqual(['amd64', 'arm64']);

    const arm = images.find((image) => image.platform.architecture === 'arm64')!;
    const id = await podman.pull(`${repo}:v1`, ['--arch', 'arm64', '--variant', 'v8']);
    expect(id).toBe(digestHex(arm.config.digest));
  });
});
