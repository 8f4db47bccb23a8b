import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import {
  AMD64,
  ARM64,
  cosignSignature,
  descriptorOf,
  helmChart,
  imageIndex,
  randomImage,
  type Manifest,
} from '../support/oci-fixtures.js';
import {
  ADMIN,
  api,
  ProjectRole,
  Seeder,
  uniqueName,
  type ApiReply,
  type Credentials,
} from './artifacts-support.js';

const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';

describe('GET /projects/{project}/artifacts', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let project: string;
  let projectId: bigint;
  let scoped: Credentials & { id: bigint };
  let outsider: Credentials & { id: bigint };

  const app1 = randomImage();
  const app2 = randomImage();
  const amd = randomImage({ platform: AMD64 });
  const arm = randomImage({ platform: ARM64 });
  const multi = imageIndex([
    { manifest: amd, platform: AMD64 },
    { manifest: arm, platform: ARM64 },
  ]);
  const signature = cosignSignature(descriptorOf(app1));
  const web = randomImage();
  const chartA1 = helmChart('a', '0.1.0');
  const chartA2 = helmChart('a', '0.2.0');
  const chartB1 = helmChart('b', '1.0.0');
  const elsewhere = randomImage();

  /** Pushed in this order, so push times rise in it. */
  const pushes: [string, Manifest, string | undefined][] = [];

  const list = (query = '', as: Credentials | null = ADMIN): Promise<ApiReply> =>
    api(core.url, 'GET', `/projects/${project}/artifacts${query}`, { as });
  const digests = (reply: ApiReply): string[] => reply.body.map((a: { digest: string }) => a.digest);

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    project = uniqueName('plist');
    projectId = await seed.project(project);
    const other = uniqueName('plist-other');
    await seed.project(other);
    scoped = await seed.user('scoped');
    await seed.member(projectId, scoped.id, ProjectRole.Developer, ['team/**']);
    outsider = await seed.user('outsider');

    pushes.push(
      [`${project}/team/app`, app1, 'v1'],
      [`${project}/team/app`, app2, 'v2'],
      [`${project}/team/app`, multi, 'multi'],
      [`${project}/team/app`, signature, undefined],
      [`${project}/web`, web, 'latest'],
      [`${project}/charts/a`, chartA1, '0.1.0'],
      [`${project}/charts/a`, chartA2, '0.2.0'],
      [`${project}/charts/b`, chartB1, '1.0.0'],
      [`${other}/app`, elsewhere, 'v1'],
    );
    for (const [repository, manifest, tag] of pushes) await seed.push(repository, manifest, tag);
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  it("lists every repository's artifacts, newest first, without index children or accessories", async () => {
    const reply = await list();
    expect(reply.status).toBe(200);
    assertHarborResponse('listArtifactsOfProject', 200, reply.body);
    expect(reply.headers.get('x-total-count')).toBe('7');
    expect(digests(reply)).toEqual([
      chartB1.digest,
      chartA2.digest,
      chartA1.digest,
      web.digest,
      multi.digest,
      app2.digest,
      app1.digest,
    ]);
    const names = new Map(
      reply.body.map((a: { digest: string; repository_name: string }) => [a.digest, a.repository_name]),
    );
    expect(names.get(web.digest)).toBe(`${project}/web`);
    expect(names.get(app1.digest)).toBe(`${project}/team/app`);
    expect(reply.body.every((a: { project_id: number }) => a.project_id === Number(projectId))).toBe(true);

    const byId = await api(core.url, 'GET', `/projects/${projectId}/artifacts`, { as: ADMIN });
    expect(byId.status).toBe(200);
    expect(digests(byId)).toEqual(digests(reply));
  });

  it('pages on the server with X-Total-Count and Link', async () => {
    const first = await list('?page_size=3');
    expect(digests(first)).toEqual([chartB1.digest, chartA2.digest, chartA1.digest]);
    expect(first.headers.get('x-total-count')).toBe('7');
    expect(first.headers.get('link')).toContain('rel="next"');
    const last = await list('?page=3&page_size=3');
    expect(digests(last)).toEqual([app1.digest]);
    expect(last.headers.get('link')).toContain('rel="prev"');
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });

  it('filters with q, sorts, and includes what the with_ flags ask for', async () => {
    const charts = await list(`?q=${encodeURIComponent('type=CHART')}&sort=push_time`);
    expect(digests(charts)).toEqual([chartA1.digest, chartA2.digest, chartB1.digest]);
    expect(charts.headers.get('x-total-count')).toBe('3');
    const tagged = await list(`?q=${encodeURIComponent('tags=v2')}`);
    expect(digests(tagged)).toEqual([app2.digest]);
    const withAccessory = await list(`?q=${encodeURIComponent(`digest=${app1.digest}`)}&with_accessory=true`);
    expect(withAccessory.body[0].accessories.map((a: { digest: string }) => a.digest)).toEqual([
      signature.digest,
    ]);
    const noTags = await list('?with_tag=false&page_size=1');
    expect(noTags.body[0].tags).toBeUndefined();
    const all = await list(`?q=${encodeURIComponent('base=*')}`);
    expect(all.headers.get('x-total-count')).toBe('10');
  });

  it('keeps the newest match of each repository with latest_in_repository', async () => {
    const reply = await list(
      `?q=${encodeURIComponent(`media_type=${HELM_CONFIG}`)}&latest_in_repository=true`,
    );
    expect(reply.status).toBe(200);
    assertHarborResponse('listArtifactsOfProject', 200, reply.body);
    expect(digests(reply)).toEqual([chartB1.digest, chartA2.digest]);
    expect(reply.headers.get('x-total-count')).toBe('2');
    const paged = await list(
      `?q=${encodeURIComponent(`media_type=${HELM_CONFIG}`)}&latest_in_repository=true&page=2&page_size=1`,
    );
    expect(digests(paged)).toEqual([chartA2.digest]);
    expect(paged.headers.get('x-total-count')).toBe('2');
  });

  it('refuses latest_in_repository without exactly one of media_type and artifact_type', async () => {
    for (const query of [
      '?latest_in_repository=true',
      `?latest_in_repository=true&q=${encodeURIComponent(`media_type=${HELM_CONFIG},artifact_type=${HELM_CONFIG}`)}`,
    ]) {
      const reply = await list(query);
      expect(reply.status, query).toBe(400);
      expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
    }
  });

  it('refuses bad parameters in Harbor’s shape', async () => {
    for (const query of ['?q=nope=1', '?sort=size', '?page_size=1000', '?with_tag=maybe', '?unknown=1']) {
      const reply = await list(query);
      expect(reply.status, query).toBe(400);
      expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
    }
  });

  it('shows a glob-scoped member only the repositories their globs match', async () => {
    const reply = await list('', scoped);
    expect(reply.status).toBe(200);
    expect(digests(reply)).toEqual([multi.digest, app2.digest, app1.digest]);
    expect(reply.headers.get('x-total-count')).toBe('3');
  });

  it('is refused to anonymous callers and non-members of a private project', async () => {
    expect((await list('', null)).status).toBe(401);
    expect((await list('', outsider)).status).toBe(403);
  });
});
