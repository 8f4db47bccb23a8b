import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, linkTarget } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { actor, adminClient, RegistryClient, Role, suffix, TestDb, type Actor } from './projects-fixtures.js';

describe('project members API', () => {
  let core: CoreProcess;
  let db: TestDb;
  let admin: ApiClient;
  let anonymous: ApiClient;
  let project: string;
  let projectId: number;
  let owner: Actor;
  let maintainer: Actor;
  let developer: Actor;
  let guest: Actor;
  let limitedGuest: Actor;
  let outsider: Actor;

  const members = (key: string | number = project) => `/projects/${key}/members`;

  async function newUser(prefix: string): Promise<Actor> {
    return actor(core, db, prefix);
  }

  beforeAll(async () => {
    core = await startCore();
    db = TestDb.open(core);
    admin = adminClient(core);
    anonymous = new ApiClient(core.url, null);
    owner = await newUser('owner');
    maintainer = await newUser('maintainer');
    developer = await newUser('developer');
    guest = await newUser('guest');
    limitedGuest = await newUser('limited');
    outsider = await newUser('outsider');
    project = `team-${suffix()}`;
    expect((await owner.client.post('/projects', { project_name: project })).status).toBe(201);
    projectId = await db.projectId(project);
    for (const [member, role] of [
      [maintainer, Role.Maintainer],
      [developer, Role.Developer],
      [guest, Role.Guest],
      [limitedGuest, Role.LimitedGuest],
    ] as const) {
      const response = await owner.client.post(members(), {
        role_id: role,
        member_user: { username: member.name },
      });
      expect(response.status, response.text).toBe(201);
    }
  });

  afterAll(async () => {
    await db?.close();
    await core?.stop();
  });

  describe('GET /projects/{p}/members', () => {
    it('lists members with Harbor’s entity shape', async () => {
      const response = await guest.client.get(`${members()}?page_size=50`);
      expect(response.status).toBe(200);
      assertHarborResponse('listProjectMembers', 200, response.body);
      expect(response.headers.get('x-total-count')).toBe('5');
      const byName = Object.fromEntries(
        response.body.map((m: { entity_name: string }) => [m.entity_name, m]),
      ) as Record<string, Record<string, unknown>>;
      expect(byName[owner.name]).toMatchObject({
        project_id: projectId,
        role_id: Role.ProjectAdmin,
        role_name: 'projectAdmin',
        entity_id: owner.id,
        entity_type: 'u',
        repository_scopes: [],
      });
      expect(byName[maintainer.name]).toMatchObject({ role_id: Role.Maintainer, role_name: 'maintainer' });
      expect(byName[developer.name]).toMatchObject({ role_id: Role.Developer, role_name: 'developer' });
      expect(byName[guest.name]).toMatchObject({ role_id: Role.Guest, role_name: 'guest' });
      expect(byName[limitedGuest.name]).toMatchObject({
        role_id: Role.LimitedGuest,
        role_name: 'limitedGuest',
      });
    });

    it('filters by entity name and pages', async () => {
      const filtered = await owner.client.get(`${members()}?entityname=${guest.name}`);
      expect(filtered.body.map((m: { entity_name: string }) => m.entity_name)).toEqual([guest.name]);
      const first = await owner.client.get(`${members(projectId)}?page=1&page_size=2`);
      expect(first.body).toHaveLength(2);
      expect(first.headers.get('x-total-count')).toBe('5');
      expect(linkTarget(first.headers, 'next')).toContain('page=2');
      expect((await owner.client.get(`${members()}?page_size=1000`)).status).toBe(400);
      expect((await owner.client.get(`${members()}?role=1`)).status).toBe(400);
    });

    it('is refused to those who may not list members', async () => {
      expect((await limitedGuest.client.get(members())).status).toBe(403);
      expect((await outsider.client.get(members())).status).toBe(403);
      expect((await anonymous.get(members())).status).toBe(401);
      expect((await outsider.client.get(members(`nothing-${suffix()}`))).status).toBe(404);
    });
  });

  describe('POST /projects/{p}/members', () => {
    it('adds a user by name or id, with Location', async () => {
      const byName = await newUser('byname');
      const created = await owner.client.post(members(), {
        role_id: Role.Developer,
        member_user: { username: byName.name },
      });
      expect(created.status, created.text).toBe(201);
      const location = created.headers.get('location')!;
      expect(location).toMatch(new RegExp(`^/api/v2.0/projects/${project}/members/\\d+$`));
      const got = await owner.client.get(location);
      expect(got.status).toBe(200);
      assertHarborResponse('getProjectMember', 200, got.body);
      expect(got.body).toMatchObject({
        entity_name: byName.name,
        role_id: Role.Developer,
        project_id: projectId,
      });

      const byId = await newUser('byid');
      const viaId = await owner.client.post(members(projectId), {
        role_id: Role.Guest,
        member_user: { user_id: byId.id },
      });
      expect(viaId.status).toBe(201);
      expect(viaId.headers.get('location')).toMatch(
        new RegExp(`^/api/v2.0/projects/${projectId}/members/\\d+$`),
      );
      // Now a member, the user sees the private project.
      expect((await byId.client.get(`/projects/${project}`)).status).toBe(200);
    });

    it('answers 409 for a user who is a member already', async () => {
      const response = await owner.client.post(members(), {
        role_id: Role.Guest,
        member_user: { username: guest.name },
      });
      expect(response.status).toBe(409);
      expect(response.body.errors[0].message).toContain(guest.name);
    });

    it('answers 404 for an unknown user', async () => {
      const response = await owner.client.post(members(), {
        role_id: Role.Guest,
        member_user: { username: `ghost-${suffix()}` },
      });
      expect(response.status).toBe(404);
      expect(
        (await owner.client.post(members(), { role_id: 1, member_user: { user_id: 99999999 } })).status,
      ).toBe(404);
    });

    it('refuses a group that does not exist, and a user and a group at once (usergroups-api tests groups)', async () => {
      const missing = await owner.client.post(members(), {
        role_id: Role.Guest,
        member_group: { group_name: `devs-${suffix()}`, group_type: 1 },
      });
      expect(missing.status).toBe(404);
      expect(missing.body.errors[0].message).toMatch(/group/);
      const both = await owner.client.post(members(), {
        role_id: Role.Guest,
        member_user: { username: outsider.name },
        member_group: { group_name: 'devs' },
      });
      expect(both.status).toBe(400);
    });

    it('refuses bad bodies', async () => {
      const user = await newUser('bad');
      for (const body of [
        { role_id: 9, member_user: { username: user.name } },
        { role_id: 0, member_user: { username: user.name } },
        { role_id: '1', member_user: { username: user.name } },
        { member_user: { username: user.name } },
        { role_id: 2 },
        { role_id: 2, member_user: {} },
        { role_id: 2, member_user: { username: user.name, password: 'x' } },
        { role_id: 2, member_user: { username: user.name }, admin: true },
        { role_id: 2, member_user: { username: user.name }, repository_scopes: 'team-a/**' },
        { role_id: 2, member_user: { username: user.name }, repository_scopes: ['../other/**'] },
        { role_id: 2, member_user: { username: user.name }, repository_scopes: ['/abs/**'] },
        { role_id: 2, member_user: { username: user.name }, repository_scopes: ['Upper/**'] },
        {
          role_id: 2,
          member_user: { username: user.name },
          repository_scopes: ["x'; DROP TABLE project_member;--"],
        },
        { role_id: 2, member_user: { username: user.name }, repository_scopes: [''] },
        { role_id: 2, member_user: { username: user.name }, repository_scopes: ['[unclosed'] },
        {
          role_id: 2,
          member_user: { username: user.name },
          repository_scopes: Array.from({ length: 51 }, (_, i) => `r${i}/**`),
        },
      ]) {
        const response = await owner.client.post(members(), body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.errors[0].code).toBe('BAD_REQUEST');
      }
      expect((await owner.client.post(members(), '{"role_id":', { raw: true })).status).toBe(400);
    });

    it('is refused to every role but project admin', async () => {
      const user = await newUser('candidate');
      const body = { role_id: Role.Guest, member_user: { username: user.name } };
      for (const member of [maintainer, developer, guest, limitedGuest, outsider]) {
        const response = await member.client.post(members(), body);
        expect(response.status, member.name).toBe(403);
        expect(response.body.errors[0].code).toBe('FORBIDDEN');
      }
      expect((await anonymous.post(members(), body)).status).toBe(401);
      expect((await admin.post(members(), body)).status).toBe(201);
    });
  });

  describe('repository_scopes', () => {
    it('stores globs narrowing a member to some repositories', async () => {
      const scoped = await newUser('scoped');
      const created = await owner.client.post(members(), {
        role_id: Role.Developer,
        member_user: { username: scoped.name },
        repository_scopes: ['team-a/**', 'shared/{base,tools}'],
      });
      expect(created.status, created.text).toBe(201);
      const got = await owner.client.get(created.headers.get('location')!);
      expect(got.body.repository_scopes).toEqual(['team-a/**', 'shared/{base,tools}']);
      const mid = got.body.id as number;

      expect(
        (await owner.client.put(`${members()}/${mid}`, { repository_scopes: ['team-b/**'] })).status,
      ).toBe(200);
      expect((await owner.client.get(`${members()}/${mid}`)).body).toMatchObject({
        role_id: Role.Developer,
        repository_scopes: ['team-b/**'],
      });
      expect(
        (await owner.client.put(`${members()}/${mid}`, { role_id: Role.Guest, repository_scopes: [] }))
          .status,
      ).toBe(200);
      expect((await owner.client.get(`${members()}/${mid}`)).body).toMatchObject({
        role_id: Role.Guest,
        repository_scopes: [],
      });
    });

    it('lets a scoped developer push only inside the scope', async () => {
      const scoped = await newUser('pusher');
      expect(
        (
          await owner.client.post(members(), {
            role_id: Role.Developer,
            member_user: { username: scoped.name },
            repository_scopes: ['team-a/**'],
          })
        ).status,
      ).toBe(201);
      const registry = new RegistryClient(core.url, scoped.client.credentials);
      const inside = await registry.pushImage(`${project}/team-a/app`, 'v1', [64]);
      expect(inside.status, inside.text).toBe(201);
      await expect(registry.pushImage(`${project}/team-b/app`, 'v1', [64])).rejects.toThrow(/40[13]/);
    });
  });

  describe('PUT and DELETE /projects/{p}/members/{mid}', () => {
    async function addMember(role: number) {
      const user = await newUser('change');
      const created = await owner.client.post(members(), {
        role_id: role,
        member_user: { username: user.name },
      });
      const mid = Number(created.headers.get('location')!.split('/').pop());
      return { user, mid };
    }

    it('changes a member’s role, which changes what they may do', async () => {
      const { user, mid } = await addMember(Role.Guest);
      const candidate = await newUser('invitee');
      const invite = { role_id: Role.Guest, member_user: { username: candidate.name } };
      expect((await user.client.post(members(), invite)).status).toBe(403);

      const updated = await owner.client.put(`${members()}/${mid}`, { role_id: Role.ProjectAdmin });
      expect(updated.status, updated.text).toBe(200);
      expect((await owner.client.get(`${members()}/${mid}`)).body.role_name).toBe('projectAdmin');
      expect((await user.client.post(members(), invite)).status).toBe(201);
    });

    it('removes a member, who then loses access', async () => {
      const { user, mid } = await addMember(Role.Developer);
      expect((await user.client.get(`/projects/${project}`)).status).toBe(200);
      expect((await owner.client.delete(`${members()}/${mid}`)).status).toBe(200);
      expect((await owner.client.get(`${members()}/${mid}`)).status).toBe(404);
      expect((await owner.client.delete(`${members()}/${mid}`)).status).toBe(404);
      expect((await user.client.get(`/projects/${project}`)).status).toBe(403);
      // The outbox delivers audit entries after the commit: wait for them.
      const operations = async () =>
        (
          await db.query<{ operation: string }>(
            "SELECT operation FROM audit_log WHERE resource_type = 'member' AND resource = $1 ORDER BY id",
            [`${project}:${user.name}`],
          )
        ).map((row) => row.operation);
      await expect.poll(operations).toEqual(['create', 'delete']);
    });

    it('refuses bad ids and bodies', async () => {
      const { mid } = await addMember(Role.Guest);
      expect((await owner.client.put(`${members()}/${mid}`, { role_id: 7 })).status).toBe(400);
      expect((await owner.client.put(`${members()}/${mid}`, {})).status).toBe(400);
      expect((await owner.client.put(`${members()}/${mid}`, { role_id: 2, entity_name: 'x' })).status).toBe(
        400,
      );
      expect((await owner.client.put(`${members()}/abc`, { role_id: 2 })).status).toBe(400);
      expect((await owner.client.get(`${members()}/0`)).status).toBe(400);
      expect((await owner.client.get(`${members()}/${encodeURIComponent('1 OR 1=1')}`)).status).toBe(400);
      expect((await owner.client.get(`${members()}/99999999`)).status).toBe(404);
      expect((await owner.client.delete(`${members()}/-1`)).status).toBe(400);
    });

    it('does not reach members of another project', async () => {
      const other = `other-${suffix()}`;
      expect((await outsider.client.post('/projects', { project_name: other })).status).toBe(201);
      const list = await outsider.client.get(members(other));
      const foreignMid = list.body[0].id as number;
      expect((await owner.client.get(`${members()}/${foreignMid}`)).status).toBe(404);
      expect((await owner.client.put(`${members()}/${foreignMid}`, { role_id: Role.Guest })).status).toBe(
        404,
      );
      expect((await owner.client.delete(`${members()}/${foreignMid}`)).status).toBe(404);
      expect((await outsider.client.get(`${members(other)}/${foreignMid}`)).body.role_id).toBe(
        Role.ProjectAdmin,
      );
    });

    it('is refused to every role but project admin', async () => {
      const { mid } = await addMember(Role.Guest);
      for (const member of [maintainer, developer, guest, limitedGuest, outsider]) {
        expect(
          (await member.client.put(`${members()}/${mid}`, { role_id: Role.Developer })).status,
          member.name,
        ).toBe(403);
        expect((await member.client.delete(`${members()}/${mid}`)).status, member.name).toBe(403);
      }
      expect((await limitedGuest.client.get(`${members()}/${mid}`)).status).toBe(403);
      expect((await guest.client.get(`${members()}/${mid}`)).status).toBe(200);
      expect((await anonymous.delete(`${members()}/${mid}`)).status).toBe(401);
    });

    it('lets the last project admin go, as Harbor does', async () => {
      const lone = await newUser('lone');
      const name = `lone-${suffix()}`;
      expect((await lone.client.post('/projects', { project_name: name })).status).toBe(201);
      const [self] = (await lone.client.get(members(name))).body as { id: number }[];
      expect((await lone.client.put(`${members(name)}/${self!.id}`, { role_id: Role.Guest })).status).toBe(
        200,
      );
      expect(
        (await lone.client.put(`${members(name)}/${self!.id}`, { role_id: Role.ProjectAdmin })).status,
      ).toBe(403);
      expect((await admin.delete(`${members(name)}/${self!.id}`)).status).toBe(200);
      expect((await admin.get(members(name))).body).toEqual([]);
    });
  });
});
