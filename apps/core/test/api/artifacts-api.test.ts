import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import {
  AMD64,
  ARM64,
  content,
  cosignSignature,
  descriptorOf,
  imageManifest,
  randomBlob,
  helmChart,
  imageIndex,
  randomImage,
  sbom,
  unknownDigest,
  wasmModule,
  type Manifest,
} from '../support/oci-fixtures.js';
import {
  ADMIN,
  api,
  repoParam,
  Seeder,
  uniqueName,
  ProjectRole,
  type Credentials,
} from './artifacts-support.js';

const NEVER = '0001-01-01T00:00:00.000Z';

function manifestBytes(manifest: Manifest): number {
  return manifest.size + manifest.blobs.reduce((sum, blob) => sum + blob.size, 0);
}

describe('artifacts API', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let project: string;
  let projectId: bigint;
  let other: string;
  let otherProjectId: bigint;
  let guest: Credentials & { id: bigint };
  const image1 = randomImage({ platform: AMD64 });
  const image2 = randomImage();
  const image3 = randomImage();
  const amd = randomImage({ platform: AMD64 });
  const arm = randomImage({ platform: ARM64 });
  const index = imageIndex([
    { manifest: amd, platform: AMD64 },
    { manifest: arm, platform: ARM64 },
  ]);
  const signature = cosignSignature(descriptorOf(image1));
  const bom = sbom(descriptorOf(image1));
  const chart = helmChart('demo', '0.1.0');
  const wasm = wasmModule();
  const model = imageManifest({
    config: content('{}', 'application/vnd.example.model.config.v1+json'),
    layers: [randomBlob(64)],
  });

  const artifactsPath = (repo = 'app') => `/projects/${project}/repositories/${repoParam(repo)}/artifacts`;

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    project = uniqueName('art');
    other = uniqueName('art-other');
    projectId = await seed.project(project);
    otherProjectId = await seed.project(other);
    guest = await seed.user('guest');
    await seed.member(projectId, guest.id, ProjectRole.Guest);

    await seed.push(`${project}/app`, image1, 'v1');
    await seed.push(`${project}/app`, image2, 'v2');
    await seed.push(`${project}/app`, image3);
    await seed.push(`${project}/app`, index, 'multi');
    await seed.push(`${project}/app`, signature);
    await seed.push(`${project}/app`, bom);
    await seed.push(`${project}/charts/demo`, chart, '0.1.0');
    await seed.push(`${project}/wasm`, wasm, 'v1');
    await seed.push(`${project}/wasm`, model, 'model');
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  describe('listing', () => {
    it('lists top-level artifacts newest first, with tags, headers and Harbor shapes', async () => {
      const reply = await api(core.url, 'GET', artifactsPath(), { as: ADMIN });
      expect(reply.status).toBe(200);
      assertHarborResponse('listArtifacts', 200, reply.body);
      expect(reply.headers.get('x-total-count')).toBe('4');
      const digests = reply.body.map((a: { digest: string }) => a.digest);
      expect(digests).toEqual([index.digest, image3.digest, image2.digest, image1.digest]);
      const first = reply.body.find((a: { digest: string }) => a.digest === image1.digest);
      expect(first).toMatchObject({
        type: 'IMAGE',
        media_type: 'application/vnd.oci.image.config.v1+json',
        manifest_media_type: 'application/vnd.oci.image.manifest.v1+json',
        project_id: Number(projectId),
        repository_name: `${project}/app`,
        size: manifestBytes(image1),
        pull_time: NEVER,
      });
      expect(first.tags.map((t: { name: string }) => t.name)).toEqual(['v1']);
      expect(first.labels).toBeUndefined();
      expect(first.accessories).toBeUndefined();
    });

    it('pages with page and page_size and sets Link', async () => {
      const one = await api(core.url, 'GET', `${artifactsPath()}?page_size=2`, { as: ADMIN });
      expect(one.body).toHaveLength(2);
      expect(one.headers.get('link')).toContain('rel="next"');
      expect(one.headers.get('link')).not.toContain('rel="prev"');
      const two = await api(core.url, 'GET', `${artifactsPath()}?page=2&page_size=2`, { as: ADMIN });
      expect(two.body.map((a: { digest: string }) => a.digest)).toEqual([image2.digest, image1.digest]);
      expect(two.headers.get('link')).toContain('rel="prev"');
      expect(two.headers.get('link')).not.toContain('rel="next"');
      const beyond = await api(core.url, 'GET', `${artifactsPath()}?page=9&page_size=2`, { as: ADMIN });
      expect(beyond.body).toEqual([]);
      expect(beyond.headers.get('x-total-count')).toBe('4');
    });

    it('sorts by push_time ascending when asked', async () => {
      const reply = await api(core.url, 'GET', `${artifactsPath()}?sort=push_time`, { as: ADMIN });
      expect(reply.body.map((a: { digest: string }) => a.digest)).toEqual([
        image1.digest,
        image2.digest,
        image3.digest,
        index.digest,
      ]);
    });

    it('filters with q', async () => {
      const digestsOf = async (q: string) => {
        const reply = await api(core.url, 'GET', `${artifactsPath()}?q=${encodeURIComponent(q)}`, {
          as: ADMIN,
        });
        expect(reply.status, reply.text).toBe(200);
        return reply.body.map((a: { digest: string }) => a.digest).sort();
      };
      expect(await digestsOf('tags=nil')).toEqual([image3.digest]);
      expect(await digestsOf('tags=*')).toEqual([image1.digest, image2.digest, index.digest].sort());
      expect(await digestsOf('tags=~v')).toEqual([image1.digest, image2.digest].sort());
      expect(await digestsOf(`digest=${image2.digest}`)).toEqual([image2.digest]);
      expect(await digestsOf('media_type=application/vnd.oci.image.index.v1+json')).toEqual([index.digest]);
      expect(await digestsOf('type=IMAGE,tags=v2')).toEqual([image2.digest]);
      const all = await digestsOf('base=*');
      expect(all).toHaveLength(8);
      expect(all).toEqual(expect.arrayContaining([amd.digest, arm.digest, signature.digest, bom.digest]));
    });

    it('includes accessories and labels when asked', async () => {
      const reply = await api(
        core.url,
        'GET',
        `${artifactsPath()}?with_accessory=true&with_label=true&with_scan_overview=true`,
        {
          as: ADMIN,
        },
      );
      expect(reply.status).toBe(200);
      assertHarborResponse('listArtifacts', 200, reply.body);
      const first = reply.body.find((a: { digest: string }) => a.digest === image1.digest);
      expect(first.labels).toEqual([]);
      const accessories = first.accessories.map((a: { digest: string; type: string }) => [a.digest, a.type]);
      expect(accessories).toEqual(
        expect.arrayContaining([
          [signature.digest, 'signature.cosign'],
          [bom.digest, 'subject.accessory'],
        ]),
      );
      expect(first.accessories[0]).toMatchObject({
        subject_artifact_digest: image1.digest,
        subject_artifact_repo: `${project}/app`,
        subject_artifact_id: first.id,
      });
    });

    it('types charts, signatures, SBOMs and vendor artifacts as Harbor does', async () => {
      const typeOf = async (repo: string, reference: string) => {
        const reply = await api(core.url, 'GET', `${artifactsPath(repo)}/${reference}`, { as: ADMIN });
        expect(reply.status, reply.text).toBe(200);
        assertHarborResponse('getArtifact', 200, reply.body);
        return reply.body.type;
      };
      expect(await typeOf('charts/demo', '0.1.0')).toBe('CHART');
      expect(await typeOf('app', signature.digest)).toBe('SIGNATURE');
      expect(await typeOf('app', bom.digest)).toBe('SBOM');
      expect(await typeOf('wasm', 'v1')).toBe('WASM');
      expect(await typeOf('wasm', 'model')).toBe('MODEL');
      expect(await typeOf('app', 'multi')).toBe('IMAGE');
    });
  });

  describe('one artifact', () => {
    it('answers by tag and by digest', async () => {
      const byTag = await api(core.url, 'GET', `${artifactsPath()}/v1`, { as: ADMIN });
      expect(byTag.status).toBe(200);
      assertHarborResponse('getArtifact', 200, byTag.body);
      expect(byTag.body.digest).toBe(image1.digest);
      const byDigest = await api(core.url, 'GET', `${artifactsPath()}/${image1.digest}?with_accessory=true`, {
        as: ADMIN,
      });
      expect(byDigest.body.id).toBe(byTag.body.id);
      expect(byDigest.body.accessories).toHaveLength(2);
    });

    it('lists the children of an index with their platforms, and sums their sizes', async () => {
      const reply = await api(core.url, 'GET', `${artifactsPath()}/multi`, { as: ADMIN });
      expect(reply.status).toBe(200);
      assertHarborResponse('getArtifact', 200, reply.body);
      expect(reply.body.size).toBe(index.size + manifestBytes(amd) + manifestBytes(arm));
      expect(reply.body.references).toHaveLength(2);
      expect(reply.body.references[0]).toMatchObject({
        parent_id: reply.body.id,
        child_digest: amd.digest,
        platform: { architecture: 'amd64', os: 'linux' },
      });
      expect(reply.body.references[1].platform).toMatchObject({ architecture: 'arm64', variant: 'v8' });
      expect(typeof reply.body.references[0].child_id).toBe('number');
    });

    it('answers 404 for an unknown reference and 400 for a malformed one', async () => {
      expect((await api(core.url, 'GET', `${artifactsPath()}/nope`, { as: ADMIN })).status).toBe(404);
      expect(
        (await api(core.url, 'GET', `${artifactsPath()}/${unknownDigest()}`, { as: ADMIN })).status,
      ).toBe(404);
      const bad = await api(core.url, 'GET', `${artifactsPath()}/sha256:zz`, { as: ADMIN });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].code).toBe('BAD_REQUEST');
      expect((await api(core.url, 'GET', `${artifactsPath('nope')}/v1`, { as: ADMIN })).status).toBe(404);
    });

    it('serves the build history addition of an image and 404 for the others', async () => {
      const history = await api(core.url, 'GET', `${artifactsPath()}/v1/additions/build_history`, {
        as: ADMIN,
      });
      expect(history.status).toBe(200);
      expect(Array.isArray(history.body)).toBe(true);
      expect(
        (await api(core.url, 'GET', `${artifactsPath()}/v1/additions/values.yaml`, { as: ADMIN })).status,
      ).toBe(404);
    });

    it('lists accessories', async () => {
      const reply = await api(core.url, 'GET', `${artifactsPath()}/v1/accessories`, { as: ADMIN });
      expect(reply.status).toBe(200);
      assertHarborResponse('listAccessories', 200, reply.body);
      expect(reply.headers.get('x-total-count')).toBe('2');
      const filtered = await api(
        core.url,
        'GET',
        `${artifactsPath()}/v1/accessories?q=type%3Dsignature.cosign`,
        {
          as: ADMIN,
        },
      );
      expect(filtered.body.map((a: { digest: string }) => a.digest)).toEqual([signature.digest]);
    });
  });

  describe('tags', () => {
    it('creates, lists and deletes a tag', async () => {
      const created = await api(core.url, 'POST', `${artifactsPath()}/v2/tags`, {
        as: ADMIN,
        body: { name: 'release' },
      });
      expect(created.status, created.text).toBe(201);
      expect(created.headers.get('location')).toContain('/tags/release');

      const list = await api(core.url, 'GET', `${artifactsPath()}/${image2.digest}/tags?sort=name`, {
        as: ADMIN,
      });
      expect(list.status).toBe(200);
      assertHarborResponse('listTags', 200, list.body);
      expect(list.body.map((t: { name: string }) => t.name)).toEqual(['release', 'v2']);
      expect(list.headers.get('x-total-count')).toBe('2');
      const tagged = await api(core.url, 'GET', `${artifactsPath()}/release`, { as: ADMIN });
      expect(tagged.body.digest).toBe(image2.digest);

      const fuzzy = await api(core.url, 'GET', `${artifactsPath()}/v2/tags?q=name%3D~rel`, { as: ADMIN });
      expect(fuzzy.body.map((t: { name: string }) => t.name)).toEqual(['release']);

      const removed = await api(core.url, 'DELETE', `${artifactsPath()}/v2/tags/release`, { as: ADMIN });
      expect(removed.status).toBe(200);
      expect((await api(core.url, 'GET', `${artifactsPath()}/release`, { as: ADMIN })).status).toBe(404);
    });

    it('refuses a tag that exists, a bad name and bad bodies', async () => {
      const exists = await api(core.url, 'POST', `${artifactsPath()}/v2/tags`, {
        as: ADMIN,
        body: { name: 'v1' },
      });
      expect(exists.status).toBe(409);
      expect(exists.body.errors[0].code).toBe('CONFLICT');
      for (const body of [
        { name: 'bad tag' },
        { name: '../../etc' },
        { name: "x';drop table tag;--" },
        {},
        { name: 'ok', extra: 1 },
      ]) {
        const reply = await api(core.url, 'POST', `${artifactsPath()}/v2/tags`, { as: ADMIN, body });
        expect(reply.status, JSON.stringify(body)).toBe(400);
      }
      const malformed = await api(core.url, 'POST', `${artifactsPath()}/v2/tags`, {
        as: ADMIN,
        raw: '{"name":',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].code).toBe('BAD_REQUEST');
    });

    it('answers 404 deleting a tag that is not on the artifact', async () => {
      expect((await api(core.url, 'DELETE', `${artifactsPath()}/v2/tags/v1`, { as: ADMIN })).status).toBe(
        404,
      );
      expect((await api(core.url, 'DELETE', `${artifactsPath()}/v2/tags/nope`, { as: ADMIN })).status).toBe(
        404,
      );
    });
  });

  describe('labels', () => {
    it('adds and removes global and project labels', async () => {
      const global = await seed.label(uniqueName('g'), 'g');
      const mine = await seed.label(uniqueName('p'), 'p', projectId);
      const foreign = await seed.label(uniqueName('f'), 'p', otherProjectId);
      const labels = `${artifactsPath()}/v1/labels`;

      expect((await api(core.url, 'POST', labels, { as: ADMIN, body: { id: Number(global) } })).status).toBe(
        200,
      );
      expect(
        (await api(core.url, 'POST', labels, { as: ADMIN, body: { id: Number(mine), name: 'x' } })).status,
      ).toBe(200);
      expect((await api(core.url, 'POST', labels, { as: ADMIN, body: { id: Number(global) } })).status).toBe(
        409,
      );
      expect((await api(core.url, 'POST', labels, { as: ADMIN, body: { id: Number(foreign) } })).status).toBe(
        400,
      );
      expect((await api(core.url, 'POST', labels, { as: ADMIN, body: { id: 999999 } })).status).toBe(404);
      expect((await api(core.url, 'POST', labels, { as: ADMIN, body: { id: 'x' } })).status).toBe(400);
      expect((await api(core.url, 'POST', labels, { as: ADMIN, body: { id: 1, bogus: true } })).status).toBe(
        400,
      );

      const listed = await api(core.url, 'GET', `${artifactsPath()}/v1?with_label=true`, { as: ADMIN });
      assertHarborResponse('getArtifact', 200, listed.body);
      expect(listed.body.labels.map((l: { id: number }) => l.id).sort()).toEqual(
        [Number(global), Number(mine)].sort(),
      );

      const byLabel = await api(
        core.url,
        'GET',
        `${artifactsPath()}?q=${encodeURIComponent(`labels=(${global} ${mine})`)}`,
        {
          as: ADMIN,
        },
      );
      expect(byLabel.body.map((a: { digest: string }) => a.digest)).toEqual([image1.digest]);

      expect((await api(core.url, 'DELETE', `${labels}/${global}`, { as: ADMIN })).status).toBe(200);
      expect((await api(core.url, 'DELETE', `${labels}/${global}`, { as: ADMIN })).status).toBe(404);
      expect((await api(core.url, 'DELETE', `${labels}/abc`, { as: ADMIN })).status).toBe(400);
    });
  });

  describe('copy', () => {
    it('copies an artifact with its tags and accessories into another repository', async () => {
      const reply = await api(
        core.url,
        'POST',
        `${artifactsPath('copies/app')}?from=${encodeURIComponent(`${project}/app:v1`)}`,
        { as: ADMIN },
      );
      expect(reply.status, reply.text).toBe(201);
      expect(reply.headers.get('location')).toBe(
        `/api/v2.0/projects/${project}/repositories/copies%252Fapp/artifacts/${image1.digest}`,
      );

      const copied = await api(core.url, 'GET', `${artifactsPath('copies/app')}/v1?with_accessory=true`, {
        as: ADMIN,
      });
      expect(copied.status).toBe(200);
      expect(copied.body.digest).toBe(image1.digest);
      expect(copied.body.accessories).toHaveLength(2);
      const pulled = await seed.registry.get(`/v2/${project}/copies/app/manifests/v1`);
      expect(pulled.status).toBe(200);
      expect(pulled.body.equals(image1.bytes)).toBe(true);

      const indexCopy = await api(
        core.url,
        'POST',
        `${artifactsPath('copies/app')}?from=${encodeURIComponent(`${project}/app@${index.digest}`)}`,
        { as: ADMIN },
      );
      expect(indexCopy.status, indexCopy.text).toBe(201);
      const children = await api(core.url, 'GET', `${artifactsPath('copies/app')}/${amd.digest}`, {
        as: ADMIN,
      });
      expect(children.status).toBe(200);
    });

    it('refuses a bad or unknown source, and a source the caller may not pull', async () => {
      for (const from of [
        'nope',
        `${project}/app`,
        `${project}/app@sha256:zz`,
        "x/y:'; drop",
        `${project}/../app:v1`,
      ]) {
        const reply = await api(
          core.url,
          'POST',
          `${artifactsPath('copies/x')}?from=${encodeURIComponent(from)}`,
          {
            as: ADMIN,
          },
        );
        expect(reply.status, from).toBe(400);
      }
      const missing = await api(
        core.url,
        'POST',
        `${artifactsPath('copies/x')}?from=${encodeURIComponent(`${project}/app:nope`)}`,
        {
          as: ADMIN,
        },
      );
      expect(missing.status).toBe(404);
      expect((await api(core.url, 'POST', `${artifactsPath('copies/x')}`, { as: ADMIN })).status).toBe(400);

      // A developer of `other` may push there but not pull from `project`, where they are no member.
      const developer = await seed.user('dev');
      await seed.member(otherProjectId, developer.id, ProjectRole.Developer);
      const denied = await api(
        core.url,
        'POST',
        `/projects/${other}/repositories/app/artifacts?from=${encodeURIComponent(`${project}/app:v1`)}`,
        { as: developer },
      );
      expect(denied.status).toBe(403);
    });
  });

  describe('pull statistics', () => {
    it('counts manifest pulls asynchronously as pull_time and pull_count', async () => {
      for (let i = 0; i < 3; i++)
        expect((await seed.registry.get(`/v2/${project}/app/manifests/v2`)).status).toBe(200);
      let artifact: { pull_time: string } | undefined;
      for (let attempt = 0; attempt < 50; attempt++) {
        artifact = (await api(core.url, 'GET', `${artifactsPath()}/v2`, { as: ADMIN })).body;
        if (artifact!.pull_time !== NEVER) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(artifact!.pull_time).not.toBe(NEVER);
      const repository = await api(core.url, 'GET', `/projects/${project}/repositories/app`, { as: ADMIN });
      expect(repository.body.pull_count).toBeGreaterThanOrEqual(3);
      const tags = await api(core.url, 'GET', `${artifactsPath()}/v2/tags`, { as: ADMIN });
      expect(tags.body[0].pull_time).toBe(artifact!.pull_time);
    });
  });

  describe('delete', () => {
    it('refuses to delete a child an index lists', async () => {
      const reply = await api(core.url, 'DELETE', `${artifactsPath()}/${amd.digest}`, { as: ADMIN });
      expect(reply.status).toBe(412);
    });

    it('deletes an artifact with its accessories', async () => {
      const reply = await api(core.url, 'DELETE', `${artifactsPath()}/v1`, { as: ADMIN });
      expect(reply.status).toBe(200);
      for (const digest of [image1.digest, signature.digest, bom.digest]) {
        expect((await api(core.url, 'GET', `${artifactsPath()}/${digest}`, { as: ADMIN })).status).toBe(404);
      }
      expect((await seed.registry.get(`/v2/${project}/app/manifests/v1`)).status).toBe(404);
      // The push through /v2/ is audited too (as `create`); this checks the API's delete entry,
      // which the outbox delivers right after the commit.
      const deletions = async () =>
        (
          await seed.pool.query(
            `SELECT operation, resource_type, resource, username FROM audit_log WHERE resource = $1 AND operation = 'delete'`,
            [`${project}/app:v1`],
          )
        ).rows;
      await expect.poll(deletions).toEqual([
        {
          operation: 'delete',
          resource_type: 'artifact',
          resource: `${project}/app:v1`,
          username: 'admin',
        },
      ]);
    });

    it('deletes an index with the children nothing else uses', async () => {
      const reply = await api(core.url, 'DELETE', `${artifactsPath()}/multi`, { as: ADMIN });
      expect(reply.status).toBe(200);
      for (const digest of [index.digest, amd.digest, arm.digest]) {
        expect((await api(core.url, 'GET', `${artifactsPath()}/${digest}`, { as: ADMIN })).status).toBe(404);
      }
      expect((await api(core.url, 'DELETE', `${artifactsPath()}/multi`, { as: ADMIN })).status).toBe(404);
    });
  });

  describe('bad input', () => {
    it('rejects bad query strings', async () => {
      for (const query of [
        'page_size=1000',
        'page_size=0',
        'page=-1',
        'page=abc',
        'bogus=1',
        'with_tag=maybe',
        'q=nosuchkey%3D1',
        'q=tags%3D%5B1~2%5D',
        'q=labels%3D(a)',
        'q=push_time%3D%5Bnot-a-date~%5D',
        'sort=size',
        'sort=push_time;drop table manifest',
      ]) {
        const reply = await api(core.url, 'GET', `${artifactsPath()}?${query}`, { as: ADMIN });
        expect(reply.status, query).toBe(400);
        expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
      }
    });

    it('rejects SQL-ish and path-ish repository names', async () => {
      for (const name of ["app';DROP TABLE manifest;--", '../etc/passwd', 'a//b', 'UPPER', '%2e%2e']) {
        const reply = await api(
          core.url,
          'GET',
          `/projects/${project}/repositories/${repoParam(name)}/artifacts`,
          {
            as: ADMIN,
          },
        );
        expect(reply.status, name).toBe(400);
      }
    });

    it('answers 404 for an unknown project', async () => {
      expect(
        (
          await api(core.url, 'GET', `/projects/${uniqueName('none')}/repositories/app/artifacts`, {
            as: ADMIN,
          })
        ).status,
      ).toBe(404);
    });

    it('lets a guest read but not change', async () => {
      expect((await api(core.url, 'GET', artifactsPath(), { as: guest })).status).toBe(200);
      expect((await api(core.url, 'DELETE', `${artifactsPath()}/v2`, { as: guest })).status).toBe(403);
      expect((await api(core.url, 'GET', artifactsPath())).status).toBe(401);
    });
  });
});
