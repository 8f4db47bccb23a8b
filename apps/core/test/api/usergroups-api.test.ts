/**
 * Harbor's `/usergroups` (local groups), Berth's `/usergroups/{id}/members`, groups as project
 * members (`member_group`, entity_type `g`), and a group's role reaching the registry: a user who
 * is a developer of a private project only through a group pushes with a real token, and cannot
 * once taken out of the group (the token issued before is refused at once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, linkTarget } from '../support/api-client.js';
import { fetchToken } from '../support/auth-seed.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import {
  actor,
  adminClient,
  imageManifest,
  OCI_MANIFEST,
  PASSWORD,
  RegistryClient,
  Role,
  sha256,
  suffix,
  TestDb,
  type Actor,
} from './projects-fixtures.js';

let core: CoreProcess;
let db: TestDb;
let admin: ApiClient;
let anonymous: ApiClient;
let outsider: Actor;

function groupIdFrom(reply: { status: number; headers: Headers; text: string }): number {
  expect(reply.status, reply.text).toBe(201);
  const location = reply.headers.get('location') ?? '';
  expect(location).toMatch(/^\/api\/v2\.0\/usergroups\/\d+$/);
  return Number(location.split('/').pop());
}

async function newGroup(prefix: string): Promise<{ id: number; name: string }> {
  const name = `${prefix}-${suffix()}`;
  return { id: groupIdFrom(await admin.post('/usergroups', { group_name: name, group_type: 2 })), name };
}

beforeAll(async () => {
  core = await startCore();
  db = TestDb.open(core);
  admin = adminClient(core);
  anonymous = new ApiClient(core.url, null);
  outsider = await actor(core, db, 'outsider');
});

afterAll(async () => {
  await db?.close();
  await core?.stop();
});

describe('/usergroups', () => {
  it('creates, reads, renames and deletes a group in Harbor’s shapes', async () => {
    const name = `devs-${suffix()}`;
    const id = groupIdFrom(await admin.post('/usergroups', { group_name: name, group_type: 2 }));

    const got = await admin.get(`/usergroups/${id}`);
    expect(got.status).toBe(200);
    assertHarborResponse('getUserGroup', 200, got.body);
    expect(got.body).toEqual({ id, group_name: name, group_type: 2, ldap_group_dn: '' });

    const renamed = `${name}-renamed`;
    const put = await admin.put(`/usergroups/${id}`, { group_name: renamed });
    expect(put.status, put.text).toBe(200);
    expect((await admin.get(`/usergroups/${id}`)).body.group_name).toBe(renamed);

    expect((await admin.delete(`/usergroups/${id}`)).status).toBe(200);
    expect((await admin.get(`/usergroups/${id}`)).status).toBe(404);
    expect((await admin.delete(`/usergroups/${id}`)).status).toBe(404);
  });

  it('defaults to a local (HTTP) group and refuses LDAP, OIDC, duplicates and bad bodies', async () => {
    const name = `plain-${suffix()}`;
    const id = groupIdFrom(await admin.post('/usergroups', { group_name: name }));
    expect((await admin.get(`/usergroups/${id}`)).body.group_type).toBe(2);

    const duplicate = await admin.post('/usergroups', { group_name: name, group_type: 2 });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors[0].code).toBe('CONFLICT');

    for (const body of [
      { group_name: `ldap-${suffix()}`, group_type: 1, ldap_group_dn: 'cn=devs,dc=example,dc=com' },
      { group_name: `oidc-${suffix()}`, group_type: 3 },
      { group_name: '' },
      { group_name: 'x'.repeat(256) },
      { group_name: 'tab\tname' },
      { group_type: 2 },
      { group_name: `extra-${suffix()}`, admin: true },
    ]) {
      const reply = await admin.post('/usergroups', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
    }
    const other = await newGroup('other');
    expect((await admin.put(`/usergroups/${other.id}`, { group_name: name })).status).toBe(409);
    expect((await admin.put(`/usergroups/${other.id}`, { group_name: name, group_type: 1 })).status).toBe(
      400,
    );
    expect((await admin.get('/usergroups/abc')).status).toBe(400);
    expect((await admin.get('/usergroups/99999999')).status).toBe(404);
  });

  it('lists with paging, X-Total-Count, Link and a fuzzy group_name filter', async () => {
    const tag = `page${suffix()}`;
    for (let i = 0; i < 3; i++) await newGroup(`${tag}-${i}`);
    const first = await admin.get(`/usergroups?group_name=${tag}&page=1&page_size=2`);
    expect(first.status).toBe(200);
    assertHarborResponse('listUserGroups', 200, first.body);
    expect(first.headers.get('x-total-count')).toBe('3');
    expect(first.body).toHaveLength(2);
    expect(linkTarget(first.headers, 'next')).toContain('page=2');
    const second = await admin.get(`/usergroups?group_name=${tag.toUpperCase()}&page=2&page_size=2`);
    expect(second.body).toHaveLength(1);
    expect((await admin.get('/usergroups?page_size=101')).status).toBe(400);
    expect((await admin.get('/usergroups?unknown=1')).status).toBe(400);
  });

  it('searches by name for any signed-in user', async () => {
    const group = await newGroup('searchable');
    const found = await outsider.client.get(`/usergroups/search?groupname=${group.name.slice(0, -2)}`);
    expect(found.status).toBe(200);
    assertHarborResponse('searchUserGroups', 200, found.body);
    expect(found.body).toContainEqual({ id: group.id, group_name: group.name, group_type: 2 });
    expect(found.headers.get('x-total-count')).toBe('1');
    expect((await outsider.client.get('/usergroups/search')).status).toBe(400);
    expect((await anonymous.get(`/usergroups/search?groupname=x`)).status).toBe(401);
  });

  it('is for system administrators only, apart from search', async () => {
    const group = await newGroup('guarded');
    expect((await outsider.client.get('/usergroups')).status).toBe(403);
    expect((await outsider.client.get(`/usergroups/${group.id}`)).status).toBe(403);
    expect((await outsider.client.post('/usergroups', { group_name: `x-${suffix()}` })).status).toBe(403);
    expect((await outsider.client.put(`/usergroups/${group.id}`, { group_name: 'y' })).status).toBe(403);
    expect((await outsider.client.delete(`/usergroups/${group.id}`)).status).toBe(403);
    expect(
      (await outsider.client.post(`/usergroups/${group.id}/members`, { user_id: outsider.id })).status,
    ).toBe(403);
    expect((await anonymous.get('/usergroups')).status).toBe(401);
  });
});

describe('/usergroups/{id}/members (local groups)', () => {
  it('adds users by id or name, lists them with paging, and removes them', async () => {
    const group = await newGroup('crew');
    const alice = await actor(core, db, 'alice');
    const bob = await actor(core, db, 'bob');
    const added = await admin.post(`/usergroups/${group.id}/members`, { user_id: alice.id });
    expect(added.status, added.text).toBe(201);
    expect(added.headers.get('location')).toBe(`/api/v2.0/usergroups/${group.id}/members/${alice.id}`);
    expect((await admin.post(`/usergroups/${group.id}/members`, { username: bob.name })).status).toBe(201);
    expect((await admin.post(`/usergroups/${group.id}/members`, { username: bob.name })).status).toBe(409);
    expect(
      (await admin.post(`/usergroups/${group.id}/members`, { username: `nobody-${suffix()}` })).status,
    ).toBe(404);
    expect((await admin.post(`/usergroups/${group.id}/members`, {})).status).toBe(400);
    expect((await admin.post('/usergroups/99999999/members', { user_id: alice.id })).status).toBe(404);

    const page = await admin.get(`/usergroups/${group.id}/members?page_size=1`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-total-count')).toBe('2');
    expect(page.body).toEqual([{ user_id: alice.id, username: alice.name }]);

    expect((await admin.delete(`/usergroups/${group.id}/members/${alice.id}`)).status).toBe(200);
    expect((await admin.delete(`/usergroups/${group.id}/members/${alice.id}`)).status).toBe(404);
    const left = await admin.get(`/usergroups/${group.id}/members`);
    expect(left.body).toEqual([{ user_id: bob.id, username: bob.name }]);

    // The audit log is written from the outbox, moments after each change commits.
    await expect
      .poll(
        () =>
          db.query<{ operation: string; resource: string }>(
            `SELECT operation, resource FROM audit_log WHERE resource_type = 'user_group_member' AND resource LIKE $1
           ORDER BY id`,
            [`${group.name}:%`],
          ),
        { timeout: 10_000 },
      )
      .toEqual([
        { operation: 'create', resource: `${group.name}:${alice.name}` },
        { operation: 'create', resource: `${group.name}:${bob.name}` },
        { operation: 'delete', resource: `${group.name}:${alice.name}` },
      ]);
  });
});

describe('groups as project members', () => {
  let project: string;
  let group: { id: number; name: string };
  let member: Actor;
  let memberId: number;

  beforeAll(async () => {
    project = `grp-${suffix()}`;
    expect(
      (await admin.post('/projects', { project_name: project, metadata: { public: 'false' } })).status,
    ).toBe(201);
    group = await newGroup('builders');
    member = await actor(core, db, 'builder');
    expect((await admin.post(`/usergroups/${group.id}/members`, { user_id: member.id })).status).toBe(201);
    const created = await admin.post(`/projects/${project}/members`, {
      role_id: Role.Developer,
      member_group: { id: group.id },
    });
    expect(created.status, created.text).toBe(201);
    memberId = Number(created.headers.get('location')!.split('/').pop());
  });

  it('are listed with entity_type g and found by name', async () => {
    const listed = await admin.get(`/projects/${project}/members?entityname=${group.name}`);
    expect(listed.status).toBe(200);
    assertHarborResponse('listProjectMembers', 200, listed.body);
    expect(listed.body).toEqual([
      {
        id: memberId,
        project_id: await db.projectId(project),
        entity_name: group.name,
        role_name: 'developer',
        role_id: Role.Developer,
        entity_id: group.id,
        entity_type: 'g',
        repository_scopes: [],
      },
    ]);
    const one = await admin.get(`/projects/${project}/members/${memberId}`);
    assertHarborResponse('getProjectMember', 200, one.body);
    expect(one.body.entity_type).toBe('g');
  });

  it('are added by group name too; a missing group is 404, a duplicate 409, user and group together 400', async () => {
    const named = await newGroup('named');
    const byName = await admin.post(`/projects/${project}/members`, {
      role_id: Role.Guest,
      member_group: { group_name: named.name, group_type: 2 },
    });
    expect(byName.status, byName.text).toBe(201);
    const again = await admin.post(`/projects/${project}/members`, {
      role_id: Role.Guest,
      member_group: { id: named.id },
    });
    expect(again.status).toBe(409);
    const missing = await admin.post(`/projects/${project}/members`, {
      role_id: Role.Guest,
      member_group: { group_name: `missing-${suffix()}` },
    });
    expect(missing.status).toBe(404);
    const both = await admin.post(`/projects/${project}/members`, {
      role_id: Role.Guest,
      member_user: { username: member.name },
      member_group: { id: named.id },
    });
    expect(both.status).toBe(400);
  });

  it('give their role through the same permission evaluation as direct members', async () => {
    const permissions = await member.client.get(
      `/users/current/permissions?scope=/project/${project}&relative=true`,
    );
    expect(permissions.status).toBe(200);
    expect(permissions.body).toContainEqual({ resource: 'repository', action: 'push' });
    expect(permissions.body).not.toContainEqual({ resource: 'member', action: 'create' });
    expect((await member.client.get(`/projects/${project}/members`)).status).toBe(200);
    expect((await member.client.get(`/projects/${project}/logs`)).status).toBe(200);

    // Listings that span projects count group memberships too.
    const projects = await member.client.get<{ name: string; current_user_role_id: number }[]>(
      `/projects?name=${project}`,
    );
    expect(projects.body.map((entry) => [entry.name, entry.current_user_role_id])).toEqual([
      [project, Role.Developer],
    ]);
    const statistics = await member.client.get('/statistics');
    expect(statistics.body.private_project_count).toBe(1);
  });

  it('the highest role wins when a user is a member directly and through a group', async () => {
    const both = await actor(core, db, 'both');
    const admins = await newGroup('admins');
    expect((await admin.post(`/usergroups/${admins.id}/members`, { user_id: both.id })).status).toBe(201);
    await db.addMember(project, both.id, Role.Guest);
    expect((await both.client.get(`/projects/${project}/members`)).status).toBe(200);
    expect(
      (
        await both.client.post(`/projects/${project}/members`, {
          role_id: 3,
          member_user: { user_id: outsider.id },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await admin.post(`/projects/${project}/members`, {
          role_id: Role.ProjectAdmin,
          member_group: { id: admins.id },
        })
      ).status,
    ).toBe(201);
    const added = await both.client.post(`/projects/${project}/members`, {
      role_id: Role.Guest,
      member_user: { user_id: outsider.id },
    });
    expect(added.status, added.text).toBe(201);
  });

  it('a group member pushes with a real token; out of the group, the old token is refused and a new one grants nothing', async () => {
    const repository = `${project}/app`;
    const registry = new RegistryClient(core.url, { username: member.name, password: PASSWORD });
    const pushed = await registry.pushImage(repository, 'v1', [256]);
    expect(pushed.status, pushed.text).toBe(201);
    const repositories = await member.client.get<{ name: string }[]>('/repositories?page_size=100');
    expect(repositories.body.map((entry) => entry.name)).toContain(repository);

    const before = await fetchToken(core.url, { username: member.name, password: PASSWORD }, [
      `repository:${repository}:pull,push`,
    ]);
    expect(before.status).toBe(200);
    expect(before.claims?.access).toEqual([
      { type: 'repository', name: repository, actions: ['pull', 'push'] },
    ]);
    const token = before.body.token!;
    const blob = Buffer.from(`blob-${suffix()}`);
    const pushWith = (bearer: string, content: Buffer) =>
      fetch(`${core.url}/v2/${repository}/blobs/uploads/?digest=${sha256(content)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/octet-stream' },
        body: content,
      });
    expect((await pushWith(token, blob)).status).toBe(201);

    expect((await admin.delete(`/usergroups/${group.id}/members/${member.id}`)).status).toBe(200);

    const refused = await pushWith(token, Buffer.from(`after-${suffix()}`));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(JSON.stringify(await refused.json())).toContain('revoked');

    const after = await fetchToken(core.url, { username: member.name, password: PASSWORD }, [
      `repository:${repository}:pull,push`,
    ]);
    expect(after.status).toBe(200);
    expect(after.claims?.access).toEqual([{ type: 'repository', name: repository, actions: [] }]);
    const fresh = new RegistryClient(core.url, { username: member.name, password: PASSWORD });
    const config = Buffer.from(`{"nonce":"${suffix()}"}`);
    await expect(fresh.pushBlob(repository, config)).rejects.toThrow(/403/);
    const manifest = imageManifest(config, []);
    expect((await fresh.putManifest(repository, 'v2', manifest, OCI_MANIFEST)).status).toBe(403);
  });

  it('deleting a group removes its memberships', async () => {
    const doomed = await newGroup('doomed');
    expect(
      (
        await admin.post(`/projects/${project}/members`, {
          role_id: Role.Guest,
          member_group: { id: doomed.id },
        })
      ).status,
    ).toBe(201);
    expect((await admin.delete(`/usergroups/${doomed.id}`)).status).toBe(200);
    const rows = await db.query('SELECT 1 FROM project_member WHERE group_id = $1', [doomed.id]);
    expect(rows).toEqual([]);
  });
});
