import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configAttributes,
  HELM_CONFIG_MEDIA_TYPE,
  MAX_CONFIG_BYTES,
  readConfigAttributes,
} from './config-attributes.js';
import { digestOf } from './digest.js';
import { FilesystemBlobDriver } from './filesystem-blob-driver.js';

const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

describe(configAttributes.name, () => {
  it('keeps what Harbor shows of an image config, the author falling back to labels', () => {
    const sut = configAttributes(OCI_CONFIG, {
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: { Labels: { 'org.opencontainers.image.authors': 'team@example.com' } },
      history: [{ created_by: 'x' }],
      rootfs: { type: 'layers', diff_ids: [] },
    });
    expect(sut).toEqual({
      architecture: 'amd64',
      os: 'linux',
      author: 'team@example.com',
      created: '2024-01-01T00:00:00Z',
      config: { Labels: { 'org.opencontainers.image.authors': 'team@example.com' } },
    });
    expect(configAttributes(OCI_CONFIG, { author: 'me', config: 'odd' })).toMatchObject({
      author: 'me',
      config: {},
      created: null,
    });
  });

  it('keeps every field of a chart config', () => {
    const chart = { name: 'demo', version: '1.0.0', apiVersion: 'v2' };
    expect(configAttributes(HELM_CONFIG_MEDIA_TYPE, chart)).toEqual(chart);
  });
});

describe(readConfigAttributes.name, () => {
  let root: string;
  let sut: FilesystemBlobDriver;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-config-'));
    sut = new FilesystemBlobDriver(root);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function store(bytes: Buffer, digest = digestOf(bytes)): Promise<string> {
    const id = `upload-${Math.random().toString(16).slice(2)}`;
    await sut.createUpload(id);
    await sut.append(id, 0, Readable.from([bytes]));
    await sut.commit(id, digest);
    return digest;
  }

  const manifest = (mediaType: string, digest: string, size: number) =>
    Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType, digest, size }, layers: [] }));

  it('reads an image config from storage', async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux' }));
    const digest = await store(config);
    expect(await readConfigAttributes(sut, manifest(OCI_CONFIG, digest, config.length))).toMatchObject({
      architecture: 'arm64',
      os: 'linux',
    });
  });

  it('answers null for other kinds and for a config not stored yet', async () => {
    const config = Buffer.from('{}');
    expect(
      await readConfigAttributes(sut, manifest('application/vnd.oci.empty.v1+json', digestOf(config), 2)),
    ).toBeNull();
    expect(
      await readConfigAttributes(sut, manifest(OCI_CONFIG, digestOf(Buffer.from('absent')), 6)),
    ).toBeNull();
    expect(await readConfigAttributes(sut, Buffer.from('not json'))).toBeNull();
  });

  it('answers {} for a config that is there but unusable, so nobody reads it again', async () => {
    const notJson = Buffer.from('definitely not json');
    const digest = await store(notJson);
    expect(await readConfigAttributes(sut, manifest(OCI_CONFIG, digest, notJson.length))).toEqual({});

    // Bytes under a digest they do not hash to are not trusted.
    const real = Buffer.from(JSON.stringify({ architecture: 'amd64' }));
    const forged = await store(real, digestOf(Buffer.from('something else')));
    expect(await readConfigAttributes(sut, manifest(OCI_CONFIG, forged, real.length))).toEqual({});

    const huge = Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20);
    const hugeDigest = await store(huge);
    expect(await readConfigAttributes(sut, manifest(OCI_CONFIG, hugeDigest, 10))).toEqual({});
    expect(await readConfigAttributes(sut, manifest(OCI_CONFIG, hugeDigest, huge.length))).toEqual({});
  });
});
