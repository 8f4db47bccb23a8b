/**
 * Harbor's webhook policy API through the built core, with no private target allowed (the
 * default): CRUD in Harbor's shapes, the SSRF guard at creation (loopback, link-local, private,
 * a name resolving to loopback), bad input answered 400/404/409 with nothing written, and who may
 * do what (project admins manage policies, maintainers only list them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { actor, adminClient, Role, suffix, TestDb, type Actor } from './projects-fixtures.js';

const PUBLIC_TARGET = 'https://hooks.example.com/berth?token=abc';

describe('webhook policy API', () => {
  let core: CoreProcess;
  let db: TestDb;
  let admin: ApiClient;
  let project: string;
  let projectId: number;

  const policies = (path = '', inProject = project) => `/projects/${inProject}/webhook/policies${path}`;

  function policyBody(overrides: Record<string, unknown> = {}) {
    return {
      name: `policy-${suffix()}`,
      description: 'notify the CI',
      targets: [{ type: 'http', address: PUBLIC_TARGET, auth_header: 'Bearer abc', skip_cert_verify: true }],
      event_types: ['PUSH_ARTIFACT', 'PULL_ARTIFACT'],
      enabled: true,
      ...overrides,
    };
  }

  async function create(body: Record<string, unknown>, client = admin, inProject = project): Promise<number> {
    const response = await client.post(policies('', inProject), body);
    expect(response.status, response.text).toBe(201);
    return Number(response.headers.get('location')!.split('/').pop());
  }

  async function count(): Promise<number> {
    const rows = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM notification_policy WHERE project_id = $1',
      [projectId],
    );
    return Number(rows[0]!.n);
  }

  beforeAll(async () => {
    core = await startCore();
    db = TestDb.open(core);
    admin = adminClient(core);
    project = `webhooks-${suffix()}`;
    expect((await admin.post('/projects', { project_name: project })).status).toBe(201);
    projectId = await db.projectId(project);
  });

  afterAll(async () => {
    await db?.close();
    await core?.stop();
  });

  describe('CRUD', () => {
    it('creates, reads, lists, updates and deletes a policy in Harbor’s shapes', async () => {
      const body = policyBody({ name: 'ci' });
      const response = await admin.post(policies(), body);
      expect(response.status, response.text).toBe(201);
      const id = Number(response.headers.get('location')!.split('/').pop());
      expect(response.headers.get('location')).toBe(`/api/v2.0/projects/${project}/webhook/policies/${id}`);
      expect(response.headers.get('x-berth-webhook-secret')).toMatch(/^[0-9a-f]{64}$/);

      const got = await admin.get(policies(`/${id}`));
      expect(got.status).toBe(200);
      assertHarborResponse('GetWebhookPolicyOfProject', 200, got.body);
      expect(got.body).toEqual({
        id,
        name: 'ci',
        description: 'notify the CI',
        project_id: projectId,
        targets: [
          {
            type: 'http',
            address: PUBLIC_TARGET,
            auth_header: 'Bearer abc',
            skip_cert_verify: true,
            payload_format: 'Default',
          },
        ],
        event_types: ['PUSH_ARTIFACT', 'PULL_ARTIFACT'],
        creator: 'admin',
        creation_time: expect.any(String),
        update_time: expect.any(String),
        enabled: true,
      });
      // Secrets are sealed at rest: neither the auth header nor the signing secret is stored plain.
      const [row] = await db.query<{ targets: unknown; signing_secret: string }>(
        'SELECT targets, signing_secret FROM notification_policy WHERE id = $1',
        [id],
      );
      expect(JSON.stringify(row!.targets)).not.toContain('Bearer abc');
      expect(row!.signing_secret).not.toBe(response.headers.get('x-berth-webhook-secret'));
      expect(row!.signing_secret).toMatch(/^v1\./);

      // Harbor's console sends the whole policy back, read-only fields included.
      const update = await admin.put(policies(`/${id}`), {
        ...got.body,
        name: 'ci-renamed',
        targets: [{ type: 'slack', address: 'https://hooks.slack.com/services/T0/B0/XYZ' }],
        event_types: ['DELETE_ARTIFACT'],
        enabled: false,
      });
      expect(update.status, update.text).toBe(200);
      const updated = await admin.get(policies(`/${id}`));
      expect(updated.body).toMatchObject({
        name: 'ci-renamed',
        description: 'notify the CI',
        targets: [
          { type: 'slack', address: 'https://hooks.slack.com/services/T0/B0/XYZ', skip_cert_verify: false },
        ],
        event_types: ['DELETE_ARTIFACT'],
        enabled: false,
      });
      expect(updated.body.targets[0].payload_format).toBeUndefined();

      const listed = await admin.get(policies('?page_size=100'));
      expect(listed.status).toBe(200);
      assertHarborResponse('ListWebhookPoliciesOfProject', 200, listed.body);
      expect(listed.body.map((p: { id: number }) => p.id)).toContain(id);

      const removed = await admin.delete(policies(`/${id}`));
      expect(removed.status).toBe(200);
      expect((await admin.get(policies(`/${id}`))).status).toBe(404);
      expect((await admin.delete(policies(`/${id}`))).status).toBe(404);
    });

    it('paginates, filters by name and sorts on the server', async () => {
      const listProject = `webhook-list-${suffix()}`;
      expect((await admin.post('/projects', { project_name: listProject })).status).toBe(201);
      for (const name of ['alpha', 'beta', 'gamma']) await create(policyBody({ name }), admin, listProject);
      const page = await admin.get(policies('?page=2&page_size=1&sort=name', listProject));
      expect(page.status).toBe(200);
      expect(page.headers.get('x-total-count')).toBe('3');
      expect(page.body.map((p: { name: string }) => p.name)).toEqual(['beta']);
      expect(page.headers.get('link')).toContain('rel="prev"');
      expect(page.headers.get('link')).toContain('rel="next"');
      const fuzzy = await admin.get(policies('?q=name%3D~amm', listProject));
      expect(fuzzy.body.map((p: { name: string }) => p.name)).toEqual(['gamma']);
      const newest = await admin.get(policies('', listProject));
      expect(newest.body.map((p: { name: string }) => p.name)).toEqual(['gamma', 'beta', 'alpha']);
    });

    it('answers the supported event types, notify types and payload formats', async () => {
      const response = await admin.get(`/projects/${project}/webhook/events`);
      expect(response.status).toBe(200);
      assertHarborResponse('GetSupportedEventTypes', 200, response.body);
      expect(response.body).toEqual({
        event_type: [
          'PUSH_ARTIFACT',
          'PULL_ARTIFACT',
          'DELETE_ARTIFACT',
          'QUOTA_EXCEED',
          'QUOTA_WARNING',
          'SCANNING_FAILED',
          'SCANNING_STOPPED',
          'SCANNING_COMPLETED',
          'REPLICATION',
          'TAG_RETENTION',
        ],
        notify_type: ['http', 'slack'],
        payload_formats: [{ notify_type: 'http', formats: ['Default', 'CloudEvents'] }],
      });
    });

    it('lists last triggers per policy and event type, never fired ones without a time', async () => {
      const id = await create(
        policyBody({ name: 'never-fired', event_types: ['QUOTA_EXCEED', 'TAG_RETENTION'] }),
      );
      const response = await admin.get(`/projects/${project}/webhook/lasttrigger`);
      expect(response.status).toBe(200);
      assertHarborResponse('LastTrigger', 200, response.body);
      const mine = response.body.filter((t: { policy_name: string }) => t.policy_name === 'never-fired');
      expect(mine).toEqual([
        {
          policy_name: 'never-fired',
          event_type: 'QUOTA_EXCEED',
          enabled: true,
          creation_time: expect.any(String),
        },
        {
          policy_name: 'never-fired',
          event_type: 'TAG_RETENTION',
          enabled: true,
          creation_time: expect.any(String),
        },
      ]);
      const executions = await admin.get(policies(`/${id}/executions`));
      expect(executions.status).toBe(200);
      expect(executions.body).toEqual([]);
      expect(executions.headers.get('x-total-count')).toBe('0');
    });

    it('regenerates the signing secret, answered once', async () => {
      const response = await admin.post(policies(), policyBody());
      const id = Number(response.headers.get('location')!.split('/').pop());
      const first = response.headers.get('x-berth-webhook-secret');
      const regenerated = await admin.post(policies(`/${id}/secret`));
      expect(regenerated.status, regenerated.text).toBe(200);
      expect(regenerated.body.secret).toMatch(/^[0-9a-f]{64}$/);
      expect(regenerated.body.secret).not.toBe(first);
      expect(JSON.stringify((await admin.get(policies(`/${id}`))).body)).not.toContain(
        regenerated.body.secret,
      );
    });
  });

  describe('the SSRF guard', () => {
    it.each([
      ['loopback', 'http://127.0.0.1:8080/hook', /127\.0\.0\.1 is a loopback address/],
      [
        'a name resolving to loopback',
        'http://localhost:8080/hook',
        /localhost resolves to 127\.0\.0\.1 is a loopback/,
      ],
      ['IPv6 loopback', 'http://[::1]/hook', /::1 is a loopback address/],
      ['the metadata service', 'http://169.254.169.254/latest/meta-data', /link-local/],
      ['a private address', 'https://10.1.2.3/hook', /10\.1\.2\.3 is a private address/],
      ['RFC 1918 172.16/12', 'http://172.20.0.1/hook', /private address/],
      ['the unspecified address', 'http://0.0.0.0/hook', /unspecified/],
      ['an IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook', /127\.0\.0\.1 is a loopback/],
      ['a decimal loopback', 'http://2130706433/hook', /127\.0\.0\.1 is a loopback/],
      ['ftp', 'ftp://files.example.com/hook', /not an http or https URL/],
      ['a file', 'file:///etc/passwd', /not an http or https URL/],
      ['credentials in the URL', 'http://user:pass@hooks.example.com/', /must not carry credentials/],
      ['no URL at all', 'hooks.example.com/hook', /not a valid URL/],
    ])('refuses %s with 400 and writes nothing', async (_what, address, message) => {
      const before = await count();
      const response = await admin.post(policies(), policyBody({ targets: [{ type: 'http', address }] }));
      expect(response.status, response.text).toBe(400);
      expect(response.body.errors[0].code).toBe('BAD_REQUEST');
      expect(response.body.errors[0].message).toMatch(message);
      expect(await count()).toBe(before);
    });

    it('refuses an update to a forbidden target and keeps the policy as it was', async () => {
      const id = await create(policyBody());
      const before = (await admin.get(policies(`/${id}`))).body;
      const response = await admin.put(
        policies(`/${id}`),
        policyBody({ name: before.name, targets: [{ type: 'http', address: 'http://127.0.0.1/x' }] }),
      );
      expect(response.status).toBe(400);
      expect((await admin.get(policies(`/${id}`))).body).toEqual(before);
    });

    it('accepts a public name that does not resolve yet: each delivery checks again', async () => {
      await create(
        policyBody({ targets: [{ type: 'http', address: 'https://not-resolvable.invalid/hook' }] }),
      );
    });
  });

  describe('bad input', () => {
    it.each([
      ['no targets', { targets: [] }, /at least one target/],
      ['no event types', { event_types: [] }, /at least one event type/],
      ['an unknown event type', { event_types: ['PUSH_IMAGE'] }, /event types must be among/],
      ['an event type twice', { event_types: ['PUSH_ARTIFACT', 'PUSH_ARTIFACT'] }, /twice/],
      [
        'an unknown target type',
        { targets: [{ type: 'teams', address: PUBLIC_TARGET }] },
        /type must be one of/,
      ],
      [
        'a payload format for slack',
        { targets: [{ type: 'slack', address: PUBLIC_TARGET, payload_format: 'CloudEvents' }] },
        /not allowed for slack/,
      ],
      [
        'an unknown payload format',
        { targets: [{ type: 'http', address: PUBLIC_TARGET, payload_format: 'XML' }] },
        /payload_format/,
      ],
      [
        'a target listed twice',
        { targets: [{ address: PUBLIC_TARGET }, { address: PUBLIC_TARGET }] },
        /listed twice/,
      ],
      [
        'an auth header on two lines',
        { targets: [{ address: PUBLIC_TARGET, auth_header: 'a\r\nX-Evil: 1' }] },
        /one line/,
      ],
      ['an empty name', { name: '  ' }, /name must be/],
      ['an unknown field', { color: 'red' }, /color/],
    ])('refuses %s with 400 and writes nothing', async (_what, overrides, message) => {
      const before = await count();
      const response = await admin.post(policies(), policyBody(overrides));
      expect(response.status, response.text).toBe(400);
      expect(response.body.errors[0].message).toMatch(message);
      expect(await count()).toBe(before);
    });

    it('answers 409 for a name the project has, on create and on rename', async () => {
      await create(policyBody({ name: 'taken' }));
      const other = await create(policyBody({ name: 'other' }));
      const clash = await admin.post(policies(), policyBody({ name: 'taken' }));
      expect(clash.status).toBe(409);
      expect(clash.body.errors[0].code).toBe('CONFLICT');
      const rename = await admin.put(policies(`/${other}`), policyBody({ name: 'taken' }));
      expect(rename.status).toBe(409);
      expect((await admin.get(policies(`/${other}`))).body.name).toBe('other');
    });

    it('answers 404 for a policy of another project, an unknown one, and deliveries not of the policy', async () => {
      const elsewhere = `webhook-other-${suffix()}`;
      expect((await admin.post('/projects', { project_name: elsewhere })).status).toBe(201);
      const foreign = await create(policyBody(), admin, elsewhere);
      for (const [method, path] of [
        ['GET', policies(`/${foreign}`)],
        ['PUT', policies(`/${foreign}`)],
        ['DELETE', policies(`/${foreign}`)],
        ['GET', policies(`/${foreign}/executions`)],
        ['GET', policies('/999999999')],
        ['GET', policies(`/${foreign}/executions/1/tasks`)],
        ['GET', policies(`/${foreign}/executions/1/tasks/1/log`)],
        ['GET', `/projects/${project}/webhook/jobs?policy_id=${foreign}`],
      ] as const) {
        const response = await admin.request(method, path, method === 'PUT' ? policyBody() : undefined);
        expect(response.status, `${method} ${path}: ${response.text}`).toBe(404);
        expect(response.body.errors[0].code).toBe('NOT_FOUND');
      }
      expect((await admin.get(policies(`/${foreign}`, elsewhere))).status).toBe(200);
      const mine = await create(policyBody());
      const unknownExecution = await admin.get(policies(`/${mine}/executions/424242/tasks`));
      expect(unknownExecution.status).toBe(404);
    });

    it.each([
      ['a policy id that is no number', () => policies('/abc')],
      ['a bad sort', () => policies('?sort=password')],
      ['an unknown q key', () => policies('?q=secret%3Dx')],
      ['webhook jobs without policy_id', () => `/projects/${project}/webhook/jobs`],
      ['page_size over 100', () => policies('?page_size=500')],
    ])('answers 400 for %s', async (_what, path) => {
      const response = await admin.get(path());
      expect(response.status, response.text).toBe(400);
      expect(response.body.errors[0].code).toBe('BAD_REQUEST');
    });

    it('answers 400 for a delivery sort or filter it cannot honour', async () => {
      const id = await create(policyBody());
      for (const query of ['sort=start_time', 'sort=name', 'q=status%3DExploded', 'q=event_type%3Dx']) {
        const response = await admin.get(policies(`/${id}/executions?${query}`));
        expect(response.status, `${query}: ${response.text}`).toBe(400);
      }
      expect(
        (await admin.get(policies(`/${id}/executions?sort=-start_time&q=status%3D{Success Error}`))).status,
      ).toBe(200);
    });

    it('answers 400 for an unknown job status', async () => {
      const id = await create(policyBody());
      const response = await admin.get(`/projects/${project}/webhook/jobs?policy_id=${id}&status=Exploded`);
      expect(response.status).toBe(400);
      const good = await admin.get(
        `/projects/${project}/webhook/jobs?policy_id=${id}&status=Success&status=Error`,
      );
      expect(good.status).toBe(200);
      expect(good.body).toEqual([]);
    });
  });

  describe('permissions', () => {
    let projectAdmin: Actor;
    let maintainer: Actor;
    let developer: Actor;
    let outsider: Actor;
    let policyId: number;

    beforeAll(async () => {
      projectAdmin = await actor(core, db, 'hook-admin');
      maintainer = await actor(core, db, 'hook-maintainer');
      developer = await actor(core, db, 'hook-developer');
      outsider = await actor(core, db, 'hook-outsider');
      await db.addMember(project, projectAdmin.id, Role.ProjectAdmin);
      await db.addMember(project, maintainer.id, Role.Maintainer);
      await db.addMember(project, developer.id, Role.Developer);
      policyId = await create(policyBody({ name: 'guarded' }));
    });

    it('lets a project admin do everything', async () => {
      const id = await create(policyBody(), projectAdmin.client);
      expect((await projectAdmin.client.get(policies(`/${id}`))).status).toBe(200);
      expect((await projectAdmin.client.put(policies(`/${id}`), policyBody())).status).toBe(200);
      expect((await projectAdmin.client.get(policies(`/${id}/executions`))).status).toBe(200);
      expect((await projectAdmin.client.get(`/projects/${project}/webhook/lasttrigger`)).status).toBe(200);
      expect((await projectAdmin.client.get(`/projects/${project}/webhook/events`)).status).toBe(200);
      expect((await projectAdmin.client.post(policies(`/${id}/secret`))).status).toBe(200);
      expect((await projectAdmin.client.delete(policies(`/${id}`))).status).toBe(200);
    });

    it('lets a maintainer list policies and webhook jobs, nothing else', async () => {
      expect((await maintainer.client.get(policies())).status).toBe(200);
      expect(
        (await maintainer.client.get(`/projects/${project}/webhook/jobs?policy_id=${policyId}`)).status,
      ).toBe(200);
      for (const [method, path] of [
        ['GET', policies(`/${policyId}`)],
        ['POST', policies()],
        ['PUT', policies(`/${policyId}`)],
        ['DELETE', policies(`/${policyId}`)],
        ['POST', policies(`/${policyId}/secret`)],
        ['GET', policies(`/${policyId}/executions`)],
        ['GET', `/projects/${project}/webhook/lasttrigger`],
        ['GET', `/projects/${project}/webhook/events`],
      ] as const) {
        const response = await maintainer.client.request(
          method,
          path,
          method === 'GET' ? undefined : policyBody(),
        );
        expect(response.status, `${method} ${path}`).toBe(403);
      }
    });

    it('refuses developers, non-members and anonymous callers, and changes nothing', async () => {
      const before = await count();
      for (const client of [developer.client, outsider.client, admin.as(null)]) {
        const expected = client === outsider.client || client.credentials === null ? [401, 403, 404] : [403];
        for (const [method, path] of [
          ['GET', policies()],
          ['POST', policies()],
          ['DELETE', policies(`/${policyId}`)],
          ['GET', `/projects/${project}/webhook/events`],
        ] as const) {
          const response = await client.request(method, path, method === 'POST' ? policyBody() : undefined);
          expect(expected, `${method} ${path}`).toContain(response.status);
        }
      }
      expect(await count()).toBe(before);
      expect((await admin.get(policies(`/${policyId}`))).status).toBe(200);
    });
  });
});
