import { describe, expect, it } from 'vitest';
import { digestOf } from './digest.js';
import { RegistryError } from './errors.js';
import { MediaType, parseManifest } from './manifest.js';

const config = {
  mediaType: 'application/vnd.oci.image.config.v1+json',
  digest: digestOf(Buffer.from('{}')),
  size: 2,
};
const layer = {
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  digest: digestOf(Buffer.from('l')),
  size: 1,
};

function body(document: unknown): Buffer {
  return Buffer.from(JSON.stringify(document));
}

function expectInvalid(run: () => unknown, message: RegExp) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('MANIFEST_INVALID');
    expect((error as RegistryError).message).toMatch(message);
    return;
  }
  throw new Error('expected MANIFEST_INVALID');
}

describe(parseManifest.name, () => {
  it('lists config and layers of an OCI image manifest', () => {
    const sut = parseManifest(
      body({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [layer, layer] }),
      MediaType.OciManifest,
    );
    expect(sut.mediaType).toBe(MediaType.OciManifest);
    expect(sut.artifactType).toBe(config.mediaType);
    expect(sut.blobs).toEqual([
      { digest: config.digest, size: 2 },
      { digest: layer.digest, size: 1 },
    ]);
  });

  it('takes artifactType and subject of an artifact manifest', () => {
    const subject = { mediaType: MediaType.OciManifest, digest: digestOf(Buffer.from('s')), size: 1 };
    const sut = parseManifest(
      body({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType: 'application/vnd.example.sbom',
        config: { ...config, mediaType: MediaType.OciEmpty },
        layers: [],
        subject,
      }),
      `${MediaType.OciManifest}; charset=utf-8`,
    );
    expect(sut.artifactType).toBe('application/vnd.example.sbom');
    expect(sut.subjectDigest).toBe(subject.digest);
  });

  it('lists the children of an index', () => {
    const child = { mediaType: MediaType.OciManifest, digest: digestOf(Buffer.from('c')), size: 10 };
    const sut = parseManifest(
      body({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [child] }),
      MediaType.OciIndex,
    );
    expect(sut.manifests).toEqual([{ digest: child.digest, size: 10 }]);
    expect(sut.blobs).toEqual([]);
  });

  it('accepts a Docker schema2 manifest without a mediaType field check beyond equality', () => {
    const sut = parseManifest(
      body({ schemaVersion: 2, mediaType: MediaType.DockerManifest, config, layers: [layer] }),
      MediaType.DockerManifest,
    );
    expect(sut.mediaType).toBe(MediaType.DockerManifest);
  });

  it('skips non-distributable layers that carry urls', () => {
    const foreign = {
      mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
      digest: digestOf(Buffer.from('f')),
      size: 5,
      urls: ['https://example.invalid/layer'],
    };
    const sut = parseManifest(
      body({ schemaVersion: 2, mediaType: MediaType.DockerManifest, config, layers: [foreign] }),
      MediaType.DockerManifest,
    );
    expect(sut.blobs.map((blob) => blob.digest)).toEqual([config.digest]);
  });

  it('refuses what is not a valid manifest', () => {
    expectInvalid(() => parseManifest(Buffer.from('{not json'), MediaType.OciManifest), /not valid JSON/);
    expectInvalid(() => parseManifest(body([1]), MediaType.OciManifest), /JSON object/);
    expectInvalid(
      () => parseManifest(body({ schemaVersion: 1, name: 'x', fsLayers: [] }), MediaType.DockerSchema1Signed),
      /schema1/,
    );
    expectInvalid(
      () => parseManifest(body({ schemaVersion: 2, config, layers: [] }), 'application/x-unknown'),
      /unsupported manifest media type/,
    );
    expectInvalid(
      () =>
        parseManifest(
          body({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] }),
          MediaType.OciManifest,
        ),
      /does not match Content-Type/,
    );
    expectInvalid(
      () =>
        parseManifest(
          body({ schemaVersion: 2, mediaType: MediaType.OciManifest, layers: [] }),
          MediaType.OciManifest,
        ),
      /config must be a descriptor/,
    );
    expectInvalid(
      () =>
        parseManifest(
          body({
            schemaVersion: 2,
            mediaType: MediaType.OciManifest,
            config: { ...config, digest: 'sha256:xyz' },
            layers: [],
          }),
          MediaType.OciManifest,
        ),
      /digest is not a valid digest/,
    );
    expectInvalid(
      () =>
        parseManifest(
          body({
            schemaVersion: 2,
            mediaType: MediaType.OciManifest,
            config: { ...config, size: -1 },
            layers: [],
          }),
          MediaType.OciManifest,
        ),
      /size must be a non-negative integer/,
    );
  });
});
