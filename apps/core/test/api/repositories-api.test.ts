import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import {
  cosignSignature,
  descriptorOf,
  randomImage,
  randomMultiPlatformIndex,
} from '../support/oci-fixtures.js';
import {
  ADMIN,
  api,
  ProjectRole,
  repoParam,
  Seeder,
  uniqueName,
  type Credentials,
} from './artifacts-support.js';

describe('repositories API', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let project: string;
  let projectId: bigint;
  let publicProject: string;
  let privateOther: string;
  let member: Credentials & { id: bigint };

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    project = uniqueName('repos');
    publicProject = uniqueName('repos-public');
    privateOther = uniqueName('repos-hidden');
    projectId = await seed.project(project);
    await seed.project(publicProject, true);
    await seed.project(privateOther);
    member = await seed.user('member');
    await seed.member(projectId, member.id, ProjectRole.Developer);

    const image = randomImage();
    await seed.push(`${project}/alpha`, image, 'v1');
    await seed.push(`${project}/alpha`, randomImage(), 'v2');
    await seed.push(`${project}/alpha`, cosignSignature(descriptorOf(image)));
    await seed.push(`${project}/team/beta`, randomMultiPlatformIndex(), 'latest');
    await seed.push(`${project}/gamma`, randomImage(), 'v1');
    await seed.push(`${publicProject}/open`, randomImage(), 'v1');
    await seed.push(`${privateOther}/secret`, randomImage(), 'v1');
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  it('lists a project’s repositories newest first with counts and headers', async () => {
    const reply = await api(core.url, 'GET', `/projects/${project}/repositories`, { as: member });
    expect(reply.status).toBe(200);
    assertHarborResponse('listRepositories', 200, reply.body);
    expect(reply.headers.get('x-total-count')).toBe('3');
    expect(reply.body.map((r: { name: string }) => r.name)).toEqual([
      `${project}/gamma`,
      `${project}/team/beta`,
      `${project}/alpha`,
    ]);
    const alpha = reply.body.find((r: { name: string }) => r.name === `${project}/alpha`);
    // The signature is an accessory and the index's children are hidden: neither counts.
    expect(alpha).toMatchObject({
      artifact_count: 2,
      pull_count: 0,
      project_id: Number(projectId),
      description: '',
    });
    const beta = reply.body.find((r: { name: string }) => r.name === `${project}/team/beta`);
    expect(beta.artifact_count).toBe(1);
  });

  it('pages, sorts and filters by name', async () => {
    const page = await api(
      core.url,
      'GET',
      `/projects/${project}/repositories?page_size=1&page=2&sort=name`,
      {
        as: member,
      },
    );
    expect(page.body.map((r: { name: string }) => r.name)).toEqual([`${project}/gamma`]);
    expect(page.headers.get('link')).toContain('rel="prev"');
    expect(page.headers.get('link')).toContain('rel="next"');
    const fuzzy = await api(
      core.url,
      'GET',
      `/projects/${project}/repositories?q=${encodeURIComponent('name=~team')}`,
      {
        as: member,
      },
    );
    expect(fuzzy.body.map((r: { name: string }) => r.name)).toEqual([`${project}/team/beta`]);
    const exact = await api(
      core.url,
      'GET',
      `/projects/${project}/repositories?q=${encodeURIComponent(`name=${project}/alpha`)}`,
      { as: member },
    );
    expect(exact.body).toHaveLength(1);
    const like = await api(
      core.url,
      'GET',
      `/projects/${project}/repositories?q=${encodeURIComponent('name=~%')}`,
      {
        as: member,
      },
    );
    expect(like.body).toEqual([]);
  });

  it('gets one repository, its path encoded twice or once', async () => {
    const twice = await api(core.url, 'GET', `/projects/${project}/repositories/${repoParam('team/beta')}`, {
      as: member,
    });
    expect(twice.status).toBe(200);
    assertHarborResponse('getRepository', 200, twice.body);
    expect(twice.body.name).toBe(`${project}/team/beta`);
    const once = await api(core.url, 'GET', `/projects/${project}/repositories/team%2Fbeta`, { as: member });
    expect(once.body.id).toBe(twice.body.id);
    expect(
      (await api(core.url, 'GET', `/projects/${project}/repositories/nope`, { as: member })).status,
    ).toBe(404);
  });

  it('updates the description', async () => {
    const reply = await api(core.url, 'PUT', `/projects/${project}/repositories/alpha`, {
      as: member,
      body: { description: 'The **alpha** service' },
    });
    expect(reply.status).toBe(200);
    const fetched = await api(core.url, 'GET', `/projects/${project}/repositories/alpha`, { as: member });
    expect(fetched.body.description).toBe('The **alpha** service');
    // Harbor's console sends the repository back whole.
    const whole = await api(core.url, 'PUT', `/projects/${project}/repositories/alpha`, {
      as: member,
      body: { ...fetched.body, description: 'again' },
    });
    expect(whole.status).toBe(200);
  });

  it('refuses bad update bodies', async () => {
    const path = `/projects/${project}/repositories/alpha`;
    for (const body of [
      {},
      { description: 5 },
      { description: 'x', bogus: 1 },
      { description: 'x'.repeat(70_000) },
    ]) {
      const reply = await api(core.url, 'PUT', path, { as: member, body });
      expect(reply.status, JSON.stringify(body).slice(0, 50)).toBe(400);
    }
    const malformed = await api(core.url, 'PUT', path, { as: member, raw: '{description' });
    expect(malformed.status).toBe(400);
  });

  it('lists every repository for the system administrator and the visible ones for others', async () => {
    const all = await api(core.url, 'GET', '/repositories?page_size=100', { as: ADMIN });
    expect(all.status).toBe(200);
    assertHarborResponse('listAllRepositories', 200, all.body);
    const names = all.body.map((r: { name: string }) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([`${privateOther}/secret`, `${publicProject}/open`, `${project}/alpha`]),
    );

    const mine = await api(core.url, 'GET', '/repositories?page_size=100', { as: member });
    const visible = mine.body.map((r: { name: string }) => r.name);
    expect(visible).toEqual(expect.arrayContaining([`${publicProject}/open`, `${project}/alpha`]));
    expect(visible).not.toContain(`${privateOther}/secret`);

    const byProject = await api(core.url, 'GET', `/repositories?q=project_id%3D${projectId}`, { as: member });
    expect(byProject.headers.get('x-total-count')).toBe('3');
    expect((await api(core.url, 'GET', '/repositories')).status).toBe(401);
  });

  it('rejects bad queries and names', async () => {
    for (const query of ['page_size=101', 'sort=bogus', 'q=owner%3D1', 'q=project_id%3Dx', 'extra=1']) {
      const reply = await api(core.url, 'GET', `/projects/${project}/repositories?${query}`, { as: member });
      expect(reply.status, query).toBe(400);
    }
    for (const name of ["alpha';--", '..%2F..%2Fetc', 'a%2F%2Fb']) {
      const reply = await api(core.url, 'GET', `/projects/${project}/repositories/${name}`, { as: member });
      expect(reply.status, name).toBe(400);
    }
  });

  it('denies deletion to a developer and deletes every artifact as project admin', async () => {
    expect(
      (await api(core.url, 'DELETE', `/projects/${project}/repositories/alpha`, { as: member })).status,
    ).toBe(403);
    const admin = await seed.user('padmin');
    await seed.member(projectId, admin.id, ProjectRole.ProjectAdmin);
    const reply = await api(core.url, 'DELETE', `/projects/${project}/repositories/alpha`, { as: admin });
    expect(reply.status).toBe(200);
    expect(
      (await api(core.url, 'GET', `/projects/${project}/repositories/alpha`, { as: admin })).status,
    ).toBe(404);
    expect((await seed.registry.get(`/v2/${project}/alpha/manifests/v1`)).status).toBe(404);
    const left = await seed.pool.query(
      `SELECT count(*)::int AS n FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.name = $1`,
      [`${project}/alpha`],
    );
    expect(left.rows[0].n).toBe(0);
    expect(
      (await api(core.url, 'DELETE', `/projects/${project}/repositories/alpha`, { as: admin })).status,
    ).toBe(404);
  });
});
