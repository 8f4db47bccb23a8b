import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import {
  AMD64,
  ARM64,
  content,
  imageConfig,
  imageIndex,
  imageManifest,
  jsonBytes,
  MediaType,
  randomBlob,
  randomImage,
  unknownDigest,
  type Manifest,
} from '../support/oci-fixtures.js';
import { ADMIN, api, repoParam, Seeder, uniqueName } from './artifacts-support.js';

/** One ustar entry: header, content, padding to the 512-byte block. */
function tarEntry(name: string, data: Buffer | string, type = '0'): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write(type, 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([header, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

function pax(path: string): Buffer {
  const record = (length: number) => `${length} path=${path}\n`;
  let length = record(0).length;
  while (record(length).length !== length) length = record(length).length;
  return Buffer.from(record(length));
}

function chartArchive(files: [string, string | Buffer][]): Buffer {
  return gzipSync(Buffer.concat([...files.map(([name, data]) => tarEntry(name, data)), Buffer.alloc(1024)]));
}

const VALUES = 'replicaCount: 2\nimage:\n  repository: nginx\n';
const README = '# Demo chart\n\nInstalls the demo.\n';
const DEPENDENCIES = [
  { name: 'redis', version: '17.x', repository: 'oci://registry-1.docker.io/bitnamicharts' },
];

function chart(
  name: string,
  version: string,
  archive: Buffer,
  extra: Record<string, unknown> = {},
): Manifest {
  const config = content(
    jsonBytes({ name, version, apiVersion: 'v2', appVersion: '1.2.3', type: 'application', ...extra }),
    MediaType.HelmConfig,
  );
  return imageManifest({ config, layers: [content(archive, MediaType.HelmChart)] });
}

describe('artifact extra_attrs, addition_links and additions', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let project: string;

  const layers = [randomBlob(512), randomBlob(512)];
  const image = imageManifest({
    config: imageConfig({ diffIds: layers.map(() => unknownDigest()), env: ['A=1'], cmd: ['/run'] }),
    layers,
  });
  const dockerImage = imageManifest({
    config: content(
      jsonBytes({
        architecture: 'arm64',
        os: 'linux',
        created: '2025-02-03T04:05:06Z',
        config: { Labels: { maintainer: 'Jane <jane@example.com>' } },
        rootfs: { type: 'layers', diff_ids: [] },
      }),
      MediaType.DockerConfig,
    ),
    layers: [randomBlob(256, MediaType.DockerLayerGzip)],
    mediaType: MediaType.DockerManifest,
  });
  const older = randomImage();
  const index = imageIndex([
    { manifest: randomImage({ platform: AMD64 }), platform: AMD64 },
    { manifest: randomImage({ platform: ARM64 }), platform: ARM64 },
  ]);
  const fullChart = chart(
    'demo',
    '1.0.0',
    chartArchive([
      ['demo/Chart.yaml', 'name: demo\nversion: 1.0.0\n'],
      ['demo/templates/deployment.yaml', 'kind: Deployment\n'.repeat(2000)],
      ['demo/charts/redis/values.yaml', 'not: the top-level values\n'],
      ['demo/values.yaml', VALUES],
      ['demo/README.md', README],
    ]),
    { dependencies: DEPENDENCIES },
  );
  // A long path carried by a PAX header, and no README at all.
  const longName = `bare/${'t'.repeat(120)}.yaml`;
  const bareChart = chart(
    'bare',
    '0.1.0',
    gzipSync(
      Buffer.concat([
        tarEntry('PaxHeader', pax(longName), 'x'),
        tarEntry('placeholder', 'long: name\n'),
        tarEntry('bare/values.yaml', 'bare: true\n'),
        Buffer.alloc(1024),
      ]),
    ),
  );
  const brokenChart = chart('broken', '0.0.1', Buffer.from('this is not a gzip archive'));

  const artifactPath = (repo: string, reference: string) =>
    `/projects/${project}/repositories/${repoParam(repo)}/artifacts/${reference}`;
  const addition = (repo: string, reference: string, name: string) =>
    api(core.url, 'GET', `${artifactPath(repo, reference)}/additions/${name}`, { as: ADMIN });

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    project = uniqueName('extra');
    await seed.project(project);
    await seed.push(`${project}/team/app`, image, 'v1');
    await seed.push(`${project}/team/app`, dockerImage, 'docker');
    await seed.push(`${project}/team/app`, older, 'older');
    await seed.push(`${project}/team/app`, index, 'multi');
    await seed.push(`${project}/charts/demo`, fullChart, '1.0.0');
    await seed.push(`${project}/charts/bare`, bareChart, '0.1.0');
    await seed.push(`${project}/charts/broken`, brokenChart, '0.0.1');
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  const storedAttrs = async (digest: string) => {
    const { rows } = await seed.pool.query<{ extra_attrs: unknown }>(
      'SELECT extra_attrs FROM manifest WHERE digest = $1',
      [digest],
    );
    return rows.map((row) => row.extra_attrs);
  };

  describe('extra_attrs', () => {
    it('are captured from the config when the image is pushed', async () => {
      expect(await storedAttrs(image.digest)).toEqual([
        {
          architecture: 'amd64',
          os: 'linux',
          author: '',
          created: '2024-01-01T00:00:00Z',
          config: { Env: ['A=1'], Cmd: ['/run'] },
        },
      ]);
      const reply = await api(core.url, 'GET', artifactPath('team/app', 'v1'), { as: ADMIN });
      expect(reply.status).toBe(200);
      assertHarborResponse('getArtifact', 200, reply.body);
      expect(reply.body.extra_attrs).toEqual((await storedAttrs(image.digest))[0]);
    });

    it('read a Docker config and take the author from the maintainer label', async () => {
      const reply = await api(core.url, 'GET', artifactPath('team/app', 'docker'), { as: ADMIN });
      expect(reply.body.extra_attrs).toEqual({
        architecture: 'arm64',
        os: 'linux',
        author: 'Jane <jane@example.com>',
        created: '2025-02-03T04:05:06Z',
        config: { Labels: { maintainer: 'Jane <jane@example.com>' } },
      });
    });

    it('are the chart metadata for a Helm chart', async () => {
      const reply = await api(core.url, 'GET', artifactPath('charts/demo', '1.0.0'), { as: ADMIN });
      expect(reply.body.type).toBe('CHART');
      expect(reply.body.extra_attrs).toEqual({
        name: 'demo',
        version: '1.0.0',
        apiVersion: 'v2',
        appVersion: '1.2.3',
        type: 'application',
        dependencies: DEPENDENCIES,
      });
    });

    it('are never read or written by a listing, even for artifacts stored before they were captured', async () => {
      await seed.pool.query('UPDATE manifest SET extra_attrs = NULL WHERE digest = $1', [older.digest]);
      const reply = await api(
        core.url,
        'GET',
        `/projects/${project}/repositories/${repoParam('team/app')}/artifacts?page_size=100`,
        { as: ADMIN },
      );
      assertHarborResponse('listArtifacts', 200, reply.body);
      const listed = reply.body.find((a: { digest: string }) => a.digest === older.digest);
      // The backfill at the next start fills them (artifacts-extra-attrs-backfill.test.ts).
      expect(listed.extra_attrs).toBeUndefined();
      expect(await storedAttrs(older.digest)).toEqual([null]);
    });

    it('are absent for an index', async () => {
      const reply = await api(core.url, 'GET', artifactPath('team/app', 'multi'), { as: ADMIN });
      expect(reply.body.extra_attrs).toBeUndefined();
      expect(reply.body.addition_links).toBeUndefined();
      expect(await storedAttrs(index.digest)).toEqual([null]);
    });
  });

  describe('addition_links', () => {
    it('link an image to its build history and a chart to its files, as Harbor writes them', async () => {
      const imageReply = await api(core.url, 'GET', artifactPath('team/app', 'v1'), { as: ADMIN });
      expect(imageReply.body.addition_links).toEqual({
        build_history: {
          href: `/api/v2.0/projects/${project}/repositories/team%252Fapp/artifacts/${image.digest}/additions/build_history`,
          absolute: false,
        },
      });
      const chartReply = await api(core.url, 'GET', artifactPath('charts/demo', '1.0.0'), { as: ADMIN });
      expect(Object.keys(chartReply.body.addition_links).sort()).toEqual([
        'dependencies',
        'readme.md',
        'values.yaml',
      ]);
    });

    it('are links that answer', async () => {
      const reply = await api(core.url, 'GET', artifactPath('charts/demo', '1.0.0'), { as: ADMIN });
      for (const link of Object.values(reply.body.addition_links) as { href: string }[]) {
        const followed = await api(core.url, 'GET', link.href, { as: ADMIN });
        expect(followed.status, link.href).toBe(200);
      }
    });
  });

  describe('additions', () => {
    it('answer the build history of an image from its config', async () => {
      const reply = await addition('team/app', 'v1', 'build_history');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toContain('application/json');
      expect(reply.body).toEqual([
        { created: '2024-01-01T00:00:00Z', created_by: 'berth test layer 0' },
        { created: '2024-01-01T00:00:00Z', created_by: 'berth test layer 1' },
      ]);
    });

    it("answer a chart's values.yaml, README.md and dependencies", async () => {
      const values = await addition('charts/demo', '1.0.0', 'values.yaml');
      expect(values.status).toBe(200);
      expect(values.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(values.text).toBe(VALUES);
      const readme = await addition('charts/demo', fullChart.digest, 'readme.md');
      expect(readme.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      expect(readme.text).toBe(README);
      const dependencies = await addition('charts/demo', '1.0.0', 'dependencies');
      expect(dependencies.body).toEqual(DEPENDENCIES);
    });

    it('read past long PAX names, and answer empty for a file the chart lacks', async () => {
      expect((await addition('charts/bare', '0.1.0', 'values.yaml')).text).toBe('bare: true\n');
      const readme = await addition('charts/bare', '0.1.0', 'readme.md');
      expect(readme.status).toBe(200);
      expect(readme.text).toBe('');
      expect((await addition('charts/bare', '0.1.0', 'dependencies')).body).toEqual([]);
    });

    it('are 404 in Harbor’s shape for unknown names, other kinds and unreadable charts', async () => {
      for (const [repo, reference, name] of [
        ['team/app', 'v1', 'values.yaml'],
        ['team/app', 'v1', 'nonsense'],
        ['team/app', 'multi', 'build_history'],
        ['charts/demo', '1.0.0', 'build_history'],
        ['charts/broken', '0.0.1', 'values.yaml'],
        ['team/app', 'missing', 'build_history'],
      ] as const) {
        const reply = await addition(repo, reference, name);
        expect(reply.status, `${repo}:${reference} ${name}`).toBe(404);
        expect(reply.body.errors[0].code).toBe('NOT_FOUND');
      }
    });

    it('answer vulnerabilities as Harbor does without a scanner', async () => {
      const reply = await addition('team/app', 'v1', 'vulnerabilities');
      expect(reply.status).toBe(404);
      expect(reply.body.errors[0]).toEqual({
        code: 'NOT_FOUND',
        message: expect.stringContaining('no scanner registration configured for project'),
      });
    });

    it('are refused to anonymous callers of a private project', async () => {
      const reply = await api(core.url, 'GET', `${artifactPath('team/app', 'v1')}/additions/build_history`, {
        as: null,
      });
      expect(reply.status).toBe(401);
    });
  });
});
