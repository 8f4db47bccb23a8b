/**
 * Revocations that stand or fall with the change causing them (one transaction), and those a
 * project causes: made private, it stops the pulls tokens held there only because it was public;
 * deleted, it stops every token for its repositories, even once a project of the same name exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { fetchToken, type Credentials } from '../support/auth-seed.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { RegistryClient, Role, suffix, TestDb } from './projects-fixtures.js';

/** Subjects whose revocation the trigger below refuses: their change must not happen either. */
const DOOMED = 'doomed';

let core: CoreProcess;
let db: TestDb;
let admin: ApiClient;
let pusher: RegistryClient;

async function tags(repository: string, token: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${core.url}/v2/${repository}/tags/list`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, text: await response.text() };
}

async function token(credentials: Credentials | null, scope: string): Promise<string> {
  const reply = await fetchToken(core.url, credentials, [scope]);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.token!;
}

async function newProject(isPublic: boolean, image = true): Promise<string> {
  const name = `scope-${suffix()}`;
  const created = await admin.post('/projects', {
    project_name: name,
    metadata: { public: String(isPublic) },
  });
  expect(created.status, created.text).toBe(201);
  if (image) expect((await pusher.pushImage(`${name}/app`, 'v1', [64])).status).toBe(201);
  return name;
}

beforeAll(async () => {
  core = await startCore();
  db = TestDb.open(core);
  admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
  pusher = new RegistryClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
  // Stands in for a revocation write that fails (a full disk, a lost connection) for some subjects.
  await db.query(`
    CREATE FUNCTION refuse_doomed_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.subject LIKE '%${DOOMED}%' THEN RAISE EXCEPTION 'revocation refused for %', NEW.subject; END IF;
      RETURN NEW;
    END $$`);
  await db.query(`
    CREATE TRIGGER refuse_doomed_revocation BEFORE INSERT OR UPDATE ON token_revocation
    FOR EACH ROW EXECUTE FUNCTION refuse_doomed_revocation()`);
});

afterAll(async () => {
  await db?.close();
  await core?.stop();
});

describe('a revocation that cannot be written undoes its change', () => {
  it('a robot stays enabled, and its token keeps working, when its revocation fails', async () => {
    const project = await newProject(false);
    const created = await admin.post<{ id: number; name: string; secret: string }>('/robots', {
      name: `${DOOMED}-${suffix()}`,
      level: 'project',
      duration: -1,
      permissions: [
        { kind: 'project', namespace: project, access: [{ resource: 'repository', action: 'pull' }] },
      ],
    });
    expect(created.status, created.text).toBe(201);
    const robotToken = await token(
      { username: created.body.name, password: created.body.secret },
      `repository:${project}/app:pull`,
    );
    const robot = await admin.get<Record<string, unknown>>(`/robots/${created.body.id}`);
    const disabled = await admin.put(`/robots/${created.body.id}`, { ...robot.body, disable: true });
    expect(disabled.status, disabled.text).toBe(500);
    const after = await admin.get<{ disable: boolean }>(`/robots/${created.body.id}`);
    expect(after.body.disable).toBe(false);
    expect((await tags(`${project}/app`, robotToken)).status).toBe(200);

    const refreshed = await admin.patch(`/robots/${created.body.id}`, {});
    expect(refreshed.status, refreshed.text).toBe(500);
    // The old secret still logs in: the new one was never stored.
    const login = await fetchToken(core.url, { username: created.body.name, password: created.body.secret });
    expect(login.status).toBe(200);
    expect((await admin.delete(`/robots/${created.body.id}`)).status).toBe(500);
    expect((await admin.get(`/robots/${created.body.id}`)).status).toBe(200);
  });

  it('a password stays as it was, and the user stays, when the revocation fails', async () => {
    const user = await db.createUser(`${DOOMED}-${suffix()}`);
    const changed = await admin.put(`/users/${user.id}/password`, { new_password: 'N3w-Passw0rd-X' });
    expect(changed.status, changed.text).toBe(500);
    expect((await fetchToken(core.url, user.credentials)).status).toBe(200);
    const withNew = await fetchToken(core.url, {
      username: user.credentials.username,
      password: 'N3w-Passw0rd-X',
    });
    expect(withNew.status).toBe(401);
    expect((await admin.delete(`/users/${user.id}`)).status).toBe(500);
    expect((await admin.get(`/users/${user.id}`)).status).toBe(200);
  });

  it('a CLI secret is not set, nor a sysadmin demoted, when the revocation fails', async () => {
    const user = await db.createUser(`${DOOMED}-${suffix()}`, { sysadmin: true });
    const secret = await admin.put(`/users/${user.id}/cli_secret`, { secret: 'Cli-Secret-Passw0rd' });
    expect(secret.status, secret.text).toBe(500);
    const cliLogin = await fetchToken(core.url, {
      username: user.credentials.username,
      password: 'Cli-Secret-Passw0rd',
    });
    expect(cliLogin.status).toBe(401);
    const demoted = await admin.put(`/users/${user.id}/sysadmin`, { sysadmin_flag: false });
    expect(demoted.status, demoted.text).toBe(500);
    const after = await admin.get<{ sysadmin_flag: boolean }>(`/users/${user.id}`);
    expect(after.body.sysadmin_flag).toBe(true);
  });

  it('a membership stays as it was when the revocation of its user fails', async () => {
    const project = await newProject(false, false);
    const user = await db.createUser(`${DOOMED}-${suffix()}`);
    await db.addMember(project, user.id, Role.Developer);
    const members = await admin.get<{ id: number; entity_id: number }[]>(`/projects/${project}/members`);
    const member = members.body.find((entry) => entry.entity_id === user.id)!;
    expect((await admin.delete(`/projects/${project}/members/${member.id}`)).status).toBe(500);
    const demoted = await admin.put(`/projects/${project}/members/${member.id}`, { role_id: Role.Guest });
    expect(demoted.status).toBe(500);
    const kept = await admin.get<{ role_id: number }>(`/projects/${project}/members/${member.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.role_id).toBe(Role.Developer);
  });

  it('a group and its member stay when the revocation fails', async () => {
    const group = await admin.post('/usergroups', { group_name: `grp-${suffix()}` });
    expect(group.status).toBe(201);
    const groupId = Number(group.headers.get('location')!.split('/').pop());
    const user = await db.createUser(`${DOOMED}-${suffix()}`);
    expect((await admin.post(`/usergroups/${groupId}/members`, { user_id: user.id })).status).toBe(201);
    expect((await admin.delete(`/usergroups/${groupId}/members/${user.id}`)).status).toBe(500);
    expect((await admin.delete(`/usergroups/${groupId}`)).status).toBe(500);
    const members = await admin.get<{ user_id: number }[]>(`/usergroups/${groupId}/members`);
    expect(members.body.map((entry) => entry.user_id)).toEqual([user.id]);
  });

  it('a revocation that can be written commits with its change', async () => {
    const user = await db.createUser(`fine-${suffix()}`);
    const changed = await admin.put(`/users/${user.id}/password`, { new_password: 'N3w-Passw0rd-X' });
    expect(changed.status, changed.text).toBe(200);
    const rows = await db.query('SELECT 1 FROM token_revocation WHERE subject = $1', [
      user.credentials.username,
    ]);
    expect(rows.length).toBe(1);
  });
});

describe('a project made private or deleted', () => {
  it('stops the anonymous token that pulled it while public', async () => {
    const project = await newProject(true);
    const anonymous = await token(null, `repository:${project}/app:pull`);
    expect((await tags(`${project}/app`, anonymous)).status).toBe(200);

    const hidden = await admin.put(`/projects/${project}`, { metadata: { public: 'false' } });
    expect(hidden.status, hidden.text).toBe(200);
    const refused = await tags(`${project}/app`, anonymous);
    expect(refused.status, refused.text).toBe(401);
    expect(refused.text).toContain('revoked');
    // A new anonymous token grants nothing there any more.
    const again = await fetchToken(core.url, null, [`repository:${project}/app:pull`]);
    expect(again.claims?.access).toEqual([{ type: 'repository', name: `${project}/app`, actions: [] }]);
  });

  it('stops a non-member’s token, not a member’s, when made private through its metadata', async () => {
    const project = await newProject(true);
    const outsider = await db.createUser(`outsider-${suffix()}`);
    const guest = await db.createUser(`guest-${suffix()}`);
    await db.addMember(project, guest.id, Role.Guest);
    const outsiderToken = await token(outsider.credentials, `repository:${project}/app:pull`);
    const guestToken = await token(guest.credentials, `repository:${project}/app:pull`);
    expect((await tags(`${project}/app`, outsiderToken)).status).toBe(200);
    const other = await newProject(true);
    const otherToken = await token(null, `repository:${other}/app:pull`);

    const hidden = await admin.put(`/projects/${project}/metadatas/public`, { public: 'false' });
    expect(hidden.status, hidden.text).toBe(200);
    expect((await tags(`${project}/app`, outsiderToken)).status).toBe(401);
    expect((await tags(`${project}/app`, guestToken)).status).toBe(200);
    // Tokens for other public projects are untouched.
    expect((await tags(`${other}/app`, otherToken)).status).toBe(200);
  });

  it('stops the public pulls when the public key is removed from the metadata', async () => {
    const project = await newProject(true);
    const anonymous = await token(null, `repository:${project}/app:pull`);
    expect((await admin.delete(`/projects/${project}/metadatas/public`)).status).toBe(200);
    expect((await tags(`${project}/app`, anonymous)).status).toBe(401);
  });

  it('lets a token issued after the project became public again work', async () => {
    const project = await newProject(true);
    expect((await admin.put(`/projects/${project}`, { metadata: { public: 'false' } })).status).toBe(200);
    expect((await admin.put(`/projects/${project}`, { metadata: { public: 'true' } })).status).toBe(200);
    const fresh = await token(null, `repository:${project}/app:pull`);
    expect((await tags(`${project}/app`, fresh)).status).toBe(200);
  });

  it('stops a member’s token once the project is deleted, even after one of that name is created', async () => {
    const project = await newProject(false, false);
    const developer = await db.createUser(`dev-${suffix()}`);
    await db.addMember(project, developer.id, Role.Developer);
    const pushToken = await token(developer.credentials, `repository:${project}/app:pull,push`);
    // Nothing is pushed yet: an allowed request finds no repository (404), a refused one is 401.
    expect((await tags(`${project}/app`, pushToken)).status).toBe(404);

    expect((await admin.delete(`/projects/${project}`)).status).toBe(200);
    const created = await admin.post('/projects', { project_name: project, metadata: { public: 'false' } });
    expect(created.status).toBe(201);
    const refused = await tags(`${project}/app`, pushToken);
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('revoked');
    // A token issued for the new project works.
    const adminToken = await token(
      { username: 'admin', password: ADMIN_PASSWORD },
      `repository:${project}/app:pull`,
    );
    expect((await tags(`${project}/app`, adminToken)).status).toBe(404);
  });
});
