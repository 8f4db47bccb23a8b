/**
 * Tokens already issued stop working on `/v2/` as soon as their subject loses what they were
 * issued for: a robot disabled or deleted, a user deleted, given a new password or no longer a
 * system administrator. Two cores share one database: one learns of revocations made before it
 * started (from the table), the other of those made while it runs (LISTEN/NOTIFY).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { fetchToken, type Credentials } from '../support/auth-seed.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { RegistryClient, Role, suffix, TestDb } from './projects-fixtures.js';

const SECRET_KEY = randomBytes(32).toString('hex');

let first: CoreProcess;
let second: CoreProcess | null = null;
let db: TestDb;
let admin: ApiClient;
let project: string;
let repository: string;

async function tags(
  core: CoreProcess,
  token: string,
): Promise<{ status: number; challenge: string; text: string }> {
  const response = await fetch(`${core.url}/v2/${repository}/tags/list`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate') ?? '',
    text: await response.text(),
  };
}

async function pullToken(core: CoreProcess, credentials: Credentials | null): Promise<string> {
  const reply = await fetchToken(core.url, credentials, [`repository:${repository}:pull`]);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.claims?.access[0]?.actions).toContain('pull');
  return reply.body.token!;
}

/** Waits (up to 5 s) for `core` to answer `status` to the token: notifications take a moment. */
async function expectStatus(core: CoreProcess, token: string, status: number): Promise<void> {
  const deadline = Date.now() + 5000;
  let last = await tags(core, token);
  while (last.status !== status && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await tags(core, token);
  }
  expect(last.status, last.text).toBe(status);
  if (status === 401) {
    expect(last.challenge).toContain('error="invalid_token"');
    expect(last.text).toContain('revoked');
  }
}

async function newRobot(name: string): Promise<{ id: number; credentials: Credentials }> {
  const created = await admin.post<{ id: number; name: string; secret: string }>('/robots', {
    name,
    level: 'project',
    duration: -1,
    permissions: [
      {
        kind: 'project',
        namespace: project,
        access: [
          { resource: 'repository', action: 'pull' },
          { resource: 'repository', action: 'push' },
        ],
      },
    ],
  });
  expect(created.status, created.text).toBe(201);
  return { id: created.body.id, credentials: { username: created.body.name, password: created.body.secret } };
}

async function setRobotDisabled(id: number, disable: boolean): Promise<void> {
  const robot = await admin.get<Record<string, unknown>>(`/robots/${id}`);
  expect(robot.status).toBe(200);
  const updated = await admin.put(`/robots/${id}`, { ...robot.body, disable });
  expect(updated.status, updated.text).toBe(200);
}

async function newUser(role: number): Promise<{ id: number; credentials: Credentials }> {
  const user = await db.createUser(`rev-${suffix()}`);
  await db.addMember(project, user.id, role);
  return user;
}

beforeAll(async () => {
  first = await startCore({ env: { BERTH_SECRET_KEY: SECRET_KEY } });
  db = TestDb.open(first);
  admin = new ApiClient(first.url, { username: 'admin', password: ADMIN_PASSWORD });
  project = `revoke-${suffix()}`;
  repository = `${project}/app`;
  expect(
    (await admin.post('/projects', { project_name: project, metadata: { public: 'false' } })).status,
  ).toBe(201);
  const pusher = new RegistryClient(first.url, { username: 'admin', password: ADMIN_PASSWORD });
  expect((await pusher.pushImage(repository, 'v1', [128])).status).toBe(201);
});

afterAll(async () => {
  await second?.stop();
  await db?.close();
  await first?.stop();
});

describe('token revocation', () => {
  it('a disabled robot’s token is refused at once; a core started later knows it too; re-enabled, new tokens work', async () => {
    const robot = await newRobot(`disabled-${suffix()}`);
    const token = await pullToken(first, robot.credentials);
    expect((await tags(first, token)).status).toBe(200);

    await setRobotDisabled(robot.id, true);
    await expectStatus(first, token, 401);
    expect((await fetchToken(first.url, robot.credentials, [`repository:${repository}:pull`])).status).toBe(
      401,
    );

    // Started after the revocation: it reads it from the table.
    second = await startCore({
      env: { BERTH_SECRET_KEY: SECRET_KEY, DATABASE_URL: first.databaseUrl },
    });
    await expectStatus(second, token, 401);

    await setRobotDisabled(robot.id, false);
    // Asked within the second of the revocation, the token service waits that second out.
    const fresh = await pullToken(first, robot.credentials);
    expect((await tags(first, fresh)).status).toBe(200);
    await expectStatus(second, fresh, 200);
    await expectStatus(first, token, 401);
  });

  it('a deleted robot’s token is refused on every core (LISTEN/NOTIFY)', async () => {
    const robot = await newRobot(`deleted-${suffix()}`);
    const token = await pullToken(first, robot.credentials);
    expect((await tags(second!, token)).status).toBe(200);
    expect((await admin.delete(`/robots/${robot.id}`)).status).toBe(200);
    await expectStatus(first, token, 401);
    await expectStatus(second!, token, 401);
  });

  it('a new password refuses the tokens of the old one; the new one works at once', async () => {
    const user = await newUser(Role.Developer);
    const token = await pullToken(second!, user.credentials);
    expect((await tags(first, token)).status).toBe(200);
    const changed = await admin.put(`/users/${user.id}/password`, { new_password: 'N3w-Passw0rd-X' });
    expect(changed.status, changed.text).toBe(200);
    await expectStatus(first, token, 401);
    await expectStatus(second!, token, 401);
    // The old password stops working on the other core too, though it was verified there moments ago.
    expect((await fetchToken(second!.url, user.credentials, [])).status).toBe(401);
    const renewed = await pullToken(second!, {
      username: user.credentials.username,
      password: 'N3w-Passw0rd-X',
    });
    await expectStatus(first, renewed, 200);
  });

  it('a deleted user’s token is refused on every core', async () => {
    const user = await newUser(Role.Guest);
    const token = await pullToken(first, user.credentials);
    expect((await admin.delete(`/users/${user.id}`)).status).toBe(200);
    await expectStatus(first, token, 401);
    await expectStatus(second!, token, 401);
  });

  it('a user no longer system administrator loses the tokens issued as one', async () => {
    const user = await db.createUser(`rev-admin-${suffix()}`, { sysadmin: true });
    const token = await pullToken(first, user.credentials);
    expect((await tags(second!, token)).status).toBe(200);
    expect((await admin.put(`/users/${user.id}/sysadmin`, { sysadmin_flag: false })).status).toBe(200);
    await expectStatus(second!, token, 401);
    // Now a non-member of the private project: a new token grants nothing there.
    const reply = await fetchToken(first.url, user.credentials, [`repository:${repository}:pull`]);
    expect(reply.claims?.access).toEqual([{ type: 'repository', name: repository, actions: [] }]);
  });

  it('a member removed from the project loses the tokens issued with the role; others keep theirs', async () => {
    const leaving = await newUser(Role.Developer);
    const staying = await newUser(Role.Developer);
    const leavingToken = await pullToken(first, leaving.credentials);
    const stayingToken = await pullToken(first, staying.credentials);
    const members = await admin.get<{ id: number; entity_id: number }[]>(
      `/projects/${project}/members?entityname=${leaving.credentials.username}`,
    );
    const member = members.body.find((entry) => entry.entity_id === leaving.id)!;
    expect((await admin.delete(`/projects/${project}/members/${member.id}`)).status).toBe(200);
    await expectStatus(second!, leavingToken, 401);
    expect((await tags(second!, stayingToken)).status).toBe(200);
    expect((await tags(first, stayingToken)).status).toBe(200);
  });

  it('a group removed from the project revokes every user in it, however many (NOTIFY in parts)', async () => {
    const group = await admin.post('/usergroups', { group_name: `crowd-${suffix()}` });
    const groupId = Number(group.headers.get('location')!.split('/').pop());
    const user = await db.createUser(`crowd-${suffix()}`);
    // Hundreds of members with long names: more revocations than one NOTIFY payload can carry.
    const prefix = `crowd-member-with-a-rather-long-name-${suffix()}`;
    await db.query(
      `WITH created AS (
         INSERT INTO "user" (username, email, password_hash)
         SELECT $1 || '-' || n, $1 || '-' || n || '@example.com', 'unusable' FROM generate_series(1, 400) AS n
         RETURNING id)
       INSERT INTO user_group_member (group_id, user_id) SELECT $2, id FROM created`,
      [prefix, groupId],
    );
    expect((await admin.post(`/usergroups/${groupId}/members`, { user_id: user.id })).status).toBe(201);
    const added = await admin.post(`/projects/${project}/members`, {
      role_id: Role.Guest,
      member_group: { id: groupId },
    });
    expect(added.status, added.text).toBe(201);
    const token = await pullToken(first, user.credentials);
    expect((await tags(second!, token)).status).toBe(200);

    const memberId = added.headers.get('location')!.split('/').pop();
    expect((await admin.delete(`/projects/${project}/members/${memberId}`)).status).toBe(200);
    await expectStatus(second!, token, 401);
    const [revoked] = await db.query<{ count: string }>(
      'SELECT count(*) FROM token_revocation WHERE subject LIKE $1',
      [`${prefix}-%`],
    );
    expect(Number(revoked!.count)).toBe(400);
  });

  it('a core whose listening connection was cut reconnects and catches up with what it missed', async () => {
    const user = await newUser(Role.Guest);
    const token = await pullToken(first, user.credentials);
    expect((await tags(second!, token)).status).toBe(200);
    const killed = await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND query = 'LISTEN berth_token_revocation'`,
    );
    expect(killed.length).toBe(2);
    // Revoked while neither core listens: they learn it when they reload after reconnecting.
    const changed = await admin.put(`/users/${user.id}/password`, { new_password: 'An0ther-Passw0rd' });
    expect(changed.status, changed.text).toBe(200);
    await expectStatus(second!, token, 401);
    // Listening again: a later revocation arrives by notification.
    const later = await newUser(Role.Guest);
    const laterToken = await pullToken(first, later.credentials);
    expect((await tags(second!, laterToken)).status).toBe(200);
    expect((await admin.delete(`/users/${later.id}`)).status).toBe(200);
    await expectStatus(second!, laterToken, 401);
  });

  it('tokens of subjects nobody revoked keep working on both cores', async () => {
    const adminToken = await pullToken(first, { username: 'admin', password: ADMIN_PASSWORD });
    expect((await tags(first, adminToken)).status).toBe(200);
    expect((await tags(second!, adminToken)).status).toBe(200);
  });
});
