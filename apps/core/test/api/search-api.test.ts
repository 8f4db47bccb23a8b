import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { randomImage } from '../support/oci-fixtures.js';
import { ADMIN, api, ProjectRole, Seeder, uniqueName, type Credentials } from './artifacts-support.js';

describe('search API', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let word: string;
  let open: string;
  let closed: string;
  let mine: string;
  let member: Credentials & { id: bigint };

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    word = uniqueName('findme');
    open = `${word}-open`;
    closed = `${word}-closed`;
    mine = `${word}-mine`;
    await seed.project(open, true);
    await seed.project(closed, false);
    const mineId = await seed.project(mine, false);
    member = await seed.user('searcher');
    await seed.member(mineId, member.id, ProjectRole.Guest);
    for (const project of [open, closed, mine])
      await seed.push(`${project}/${word}-repo`, randomImage(), 'v1');
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  const names = (body: { project: { name: string }[]; repository: { repository_name: string }[] }) => ({
    projects: body.project.map((p) => p.name).sort(),
    repositories: body.repository.map((r) => r.repository_name).sort(),
  });

  it('finds everything for the system administrator', async () => {
    const reply = await api(core.url, 'GET', `/search?q=${word}`, { as: ADMIN });
    expect(reply.status).toBe(200);
    assertHarborResponse('search', 200, reply.body);
    expect(names(reply.body)).toEqual({
      projects: [closed, mine, open].sort(),
      repositories: [closed, mine, open].map((p) => `${p}/${word}-repo`).sort(),
    });
    const repository = reply.body.repository.find((r: { project_name: string }) => r.project_name === open);
    expect(repository).toMatchObject({ project_public: true, artifact_count: 1, pull_count: 0 });
  });

  it('finds public projects and the member’s own for a member', async () => {
    const reply = await api(core.url, 'GET', `/search?q=${word}`, { as: member });
    expect(reply.status).toBe(200);
    assertHarborResponse('search', 200, reply.body);
    expect(names(reply.body)).toEqual({
      projects: [mine, open].sort(),
      repositories: [mine, open].map((p) => `${p}/${word}-repo`).sort(),
    });
    const project = reply.body.project.find((p: { name: string }) => p.name === mine);
    expect(project).toMatchObject({
      current_user_role_id: ProjectRole.Guest,
      repo_count: 1,
      metadata: { public: 'false' },
    });
  });

  it('counts group memberships in the role, the highest winning', async () => {
    const group = await api<void>(core.url, 'POST', '/usergroups', {
      as: ADMIN,
      body: { group_name: uniqueName('searchers') },
    });
    expect(group.status).toBe(201);
    const groupId = Number(group.headers.get('location')!.split('/').pop());
    const joined = await api(core.url, 'POST', `/usergroups/${groupId}/members`, {
      as: ADMIN,
      body: { user_id: Number(member.id) },
    });
    expect(joined.status).toBe(201);
    // The user is a guest of `mine` directly and a maintainer through the group; `closed` only
    // through the group.
    for (const project of [mine, closed]) {
      const added = await api(core.url, 'POST', `/projects/${project}/members`, {
        as: ADMIN,
        body: { role_id: ProjectRole.Maintainer, member_group: { id: groupId } },
      });
      expect(added.status).toBe(201);
    }
    const reply = await api(core.url, 'GET', `/search?q=${word}`, { as: member });
    expect(reply.status).toBe(200);
    assertHarborResponse('search', 200, reply.body);
    const byName = new Map(reply.body.project.map((p: { name: string }) => [p.name, p]));
    expect(byName.get(mine)).toMatchObject({
      current_user_role_id: ProjectRole.Maintainer,
      current_user_role_ids: [ProjectRole.Guest, ProjectRole.Maintainer],
      togglable: false,
    });
    expect(byName.get(closed)).toMatchObject({
      current_user_role_id: ProjectRole.Maintainer,
      current_user_role_ids: [ProjectRole.Maintainer],
    });
  });

  it('finds only public content for anonymous callers', async () => {
    const reply = await api(core.url, 'GET', `/search?q=${word}`);
    expect(reply.status).toBe(200);
    expect(names(reply.body)).toEqual({ projects: [open], repositories: [`${open}/${word}-repo`] });
  });

  it('treats LIKE wildcards and SQL-ish text literally', async () => {
    for (const q of ['%', '_', "x'; DROP TABLE project; --", '../..']) {
      const reply = await api(core.url, 'GET', `/search?q=${encodeURIComponent(q)}`, { as: ADMIN });
      expect(reply.status, q).toBe(200);
      expect(reply.body).toEqual({ project: [], repository: [] });
    }
  });

  it('requires q and refuses unknown parameters', async () => {
    expect((await api(core.url, 'GET', '/search', { as: ADMIN })).status).toBe(400);
    expect((await api(core.url, 'GET', `/search?q=${word}&page=1`, { as: ADMIN })).status).toBe(400);
    expect((await api(core.url, 'GET', `/search?q=${'x'.repeat(300)}`, { as: ADMIN })).status).toBe(400);
  });
});
