/**
 * Webhooks end to end through the built core (jobs in-process on pg-boss, BERTH_ALLOW_PRIVATE_TARGETS
 * letting deliveries reach a receiver on 127.0.0.1): a `docker push`-equivalent through `/v2/` and
 * API changes fire alike; a receiver that fails twice gets the third attempt with a valid
 * signature, the auth header and Harbor's payload (CloudEvents for another policy); executions,
 * tasks and logs show the attempts; pulls, quota refusals and warnings fire; a redirect to a
 * forbidden address and a target made forbidden after creation are refused at delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { adminClient, OCI_MANIFEST, RegistryClient, suffix, TestDb } from './projects-fixtures.js';
import { expectedSignature, waitFor, WebhookReceiver, type Json } from './webhooks-support.js';

describe('webhook deliveries', () => {
  let core: CoreProcess;
  let db: TestDb;
  let admin: ApiClient;
  let registry: RegistryClient;
  let receiver: WebhookReceiver;
  let project: string;
  let projectId: number;
  let host: string;

  /** Creates a policy; answers its id and signing secret. */
  async function createPolicy(body: Record<string, unknown>, inProject = project) {
    const response = await admin.post(`/projects/${inProject}/webhook/policies`, {
      enabled: true,
      ...body,
    });
    expect(response.status, response.text).toBe(201);
    const location = response.headers.get('location')!;
    expect(location).toMatch(new RegExp(`/api/v2.0/projects/${inProject}/webhook/policies/\\d+$`));
    const secret = response.headers.get('x-berth-webhook-secret')!;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    return { id: Number(location.split('/').pop()), secret };
  }

  async function executions(policyId: number) {
    const response = await admin.get(
      `/projects/${project}/webhook/policies/${policyId}/executions?page_size=100`,
    );
    expect(response.status, response.text).toBe(200);
    assertHarborResponse('ListExecutionsOfWebhookPolicy', 200, response.body);
    return response.body as Json[];
  }

  async function onlyTask(policyId: number, executionId: number) {
    const response = await admin.get(
      `/projects/${project}/webhook/policies/${policyId}/executions/${executionId}/tasks`,
    );
    expect(response.status, response.text).toBe(200);
    assertHarborResponse('ListTasksOfWebhookExecution', 200, response.body);
    expect(response.body).toHaveLength(1);
    return response.body[0];
  }

  /** A task's log once its run's last line is in (the log is flushed after the status is set). */
  async function taskLog(policyId: number, executionId: number, taskId: number): Promise<string> {
    return waitFor(`the log of task ${taskId}`, async () => {
      const response = await admin.get(
        `/projects/${project}/webhook/policies/${policyId}/executions/${executionId}/tasks/${taskId}/log`,
      );
      expect(response.status, response.text).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      return /run \d+ (failed: |succeeded)/.test(response.text) && response.text;
    });
  }

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    core = await startCore({ env: { BERTH_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8' } });
    db = TestDb.open(core);
    admin = adminClient(core);
    registry = new RegistryClient(core.url, admin.credentials);
    host = new URL(core.url).host;
    project = `hooks-${suffix()}`;
    expect((await admin.post('/projects', { project_name: project })).status).toBe(201);
    projectId = await db.projectId(project);
  });

  afterAll(async () => {
    await db?.close();
    await core?.stop();
    await receiver?.stop();
  });

  it('delivers a push after two failed attempts, signed, with the auth header and Harbor’s payload', async () => {
    receiver.on('/harbor', { kind: 'fail-then-accept', failures: 2 });
    const harbor = await createPolicy({
      name: 'harbor format',
      description: 'the default payload',
      targets: [{ type: 'http', address: receiver.url('/harbor'), auth_header: 'Bearer s3cret-token' }],
      event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
    });
    const cloud = await createPolicy({
      name: 'cloudevents',
      targets: [{ type: 'http', address: receiver.url('/cloud'), payload_format: 'CloudEvents' }],
      event_types: ['PUSH_ARTIFACT'],
    });

    const pushed = await registry.pushImage(`${project}/app`, 'v1', [512]);
    expect(pushed.status, pushed.text).toBe(201);

    const attempts = await waitFor('three attempts at /harbor', () => {
      const got = receiver.at('/harbor');
      return got.length >= 3 && got;
    });
    expect(attempts.map((request) => request.status)).toEqual([500, 500, 200]);
    for (const attempt of attempts) {
      expect(attempt.method).toBe('POST');
      expect(attempt.headers['content-type']).toBe('application/json');
      expect(attempt.headers.authorization).toBe('Bearer s3cret-token');
      // Every attempt sends the same bytes, signed with the policy's secret.
      expect(attempt.body.equals(attempts[0]!.body)).toBe(true);
      expect(attempt.headers['x-harbor-signature']).toBe(expectedSignature(harbor.secret, attempt.body));
    }
    expect(attempts[2]!.headers['x-harbor-signature']).not.toBe(
      expectedSignature(cloud.secret, attempts[2]!.body),
    );
    const payload = JSON.parse(attempts[2]!.body.toString('utf8'));
    expect(payload).toEqual({
      type: 'PUSH_ARTIFACT',
      occur_at: expect.any(Number),
      operator: 'admin',
      event_data: {
        resources: [{ digest: pushed.digest, tag: 'v1', resource_url: `${host}/${project}/app:v1` }],
        repository: {
          date_created: expect.any(Number),
          name: 'app',
          namespace: project,
          repo_full_name: `${project}/app`,
          repo_type: 'private',
        },
      },
    });
    expect(Math.abs(payload.occur_at - Date.now() / 1000)).toBeLessThan(120);

    const [cloudRequest] = await waitFor(
      'the CloudEvents delivery',
      () => receiver.at('/cloud').length > 0 && receiver.at('/cloud'),
    );
    expect(cloudRequest!.headers['content-type']).toBe('application/cloudevents+json');
    expect(cloudRequest!.headers.authorization).toBeUndefined();
    expect(cloudRequest!.headers['x-harbor-signature']).toBe(
      expectedSignature(cloud.secret, cloudRequest!.body),
    );
    const event = JSON.parse(cloudRequest!.body.toString('utf8'));
    expect(event).toMatchObject({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: `/projects/${projectId}/webhook/policies/${cloud.id}`,
      type: 'harbor.artifact.pushed',
      datacontenttype: 'application/json',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      operator: 'admin',
      requestid: expect.any(String),
      data: payload.event_data,
    });

    // The attempts, as the API shows them: one execution, one task run three times, a log.
    const [execution] = await waitFor('the execution to succeed', async () => {
      const list = await executions(harbor.id);
      return list[0]?.status === 'Success' && list;
    });
    expect(execution).toMatchObject({
      vendor_type: 'WEBHOOK',
      vendor_id: harbor.id,
      trigger: 'EVENT',
      status: 'Success',
      metrics: { task_count: 1, success_task_count: 1 },
      extra_attrs: { event_type: 'PUSH_ARTIFACT', notify_type: 'http', payload_format: 'Default' },
    });
    expect(execution.extra_attrs.payload).toBe(attempts[0]!.body.toString('utf8'));
    const task = await onlyTask(harbor.id, execution.id);
    expect(task).toMatchObject({ execution_id: execution.id, status: 'Success', run_count: 3 });
    expect(task.extra_attrs.deliveries.map((d: { status_code: number }) => d.status_code)).toEqual([
      500, 500, 200,
    ]);
    const log = await taskLog(harbor.id, execution.id, task.id);
    expect(log).toMatch(/attempt 1 of 8: POST PUSH_ARTIFACT/);
    expect(log).toMatch(/the target answered 500/);
    expect(log).toMatch(/attempt 3 of 8/);
    expect(log).toMatch(/delivered: the target answered 200/);
    expect(log).not.toContain('s3cret-token');
    expect(log).not.toContain(harbor.secret);

    // Harbor's deprecated listing of the same deliveries.
    const jobs = await admin.get(`/projects/${project}/webhook/jobs?policy_id=${harbor.id}&status=Success`);
    expect(jobs.status, jobs.text).toBe(200);
    assertHarborResponse('ListWebhookJobs', 200, jobs.body);
    expect(jobs.body).toEqual([
      expect.objectContaining({
        id: execution.id,
        policy_id: harbor.id,
        event_type: 'PUSH_ARTIFACT',
        notify_type: 'http',
        status: 'Success',
        job_detail: execution.extra_attrs.payload,
      }),
    ]);

    const triggers = await admin.get(`/projects/${project}/webhook/lasttrigger`);
    expect(triggers.status).toBe(200);
    assertHarborResponse('LastTrigger', 200, triggers.body);
    const byKey = new Map(
      (triggers.body as Json[]).map((t) => [`${t.policy_name}:${t.event_type}`, t] as const),
    );
    expect(byKey.get('harbor format:PUSH_ARTIFACT')?.last_trigger_time).toEqual(expect.any(String));
    expect(byKey.get('harbor format:DELETE_ARTIFACT')?.last_trigger_time).toBeUndefined();
    expect(byKey.get('cloudevents:PUSH_ARTIFACT')).toMatchObject({ enabled: true });
  });

  it('fires for API changes as for registry clients: a copy pushes, a delete deletes, a tag alone does not', async () => {
    receiver.on('/api', { kind: 'accept' });
    await createPolicy({
      name: 'api changes',
      targets: [{ type: 'http', address: receiver.url('/api') }],
      event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
    });
    const pushed = await registry.pushImage(`${project}/source`, 'one', [256]);
    expect(pushed.status).toBe(201);
    await waitFor(
      'the push',
      () => receiver.json('/api', (b) => b.event_data.repository.name === 'source').length === 1,
    );

    const copy = await admin.post(
      `/projects/${project}/repositories/copied/artifacts?from=${project}/source@${pushed.digest}`,
    );
    expect(copy.status, copy.text).toBe(201);
    const copied = await waitFor('the copy', () => {
      const found = receiver.json('/api', (b) => b.event_data.repository.name === 'copied');
      return found.length > 0 && found;
    });
    // The copy brings the artifact's tags along, as Harbor's does.
    expect(copied[0]).toMatchObject({
      type: 'PUSH_ARTIFACT',
      operator: 'admin',
      event_data: {
        resources: [{ digest: pushed.digest, tag: 'one', resource_url: `${host}/${project}/copied:one` }],
        repository: { name: 'copied', repo_full_name: `${project}/copied` },
      },
    });

    // A tag added and removed through the API: Harbor sends no webhook for tags alone.
    expect(
      (await admin.post(`/projects/${project}/repositories/source/artifacts/one/tags`, { name: 'two' }))
        .status,
    ).toBe(201);
    expect(
      (await admin.delete(`/projects/${project}/repositories/source/artifacts/one/tags/two`)).status,
    ).toBe(200);

    const deleted = await admin.delete(`/projects/${project}/repositories/source/artifacts/${pushed.digest}`);
    expect(deleted.status, deleted.text).toBe(200);
    const deletion = await waitFor('the delete', () => {
      const found = receiver.json('/api', (b) => b.type === 'DELETE_ARTIFACT');
      return found.length > 0 && found;
    });
    expect(deletion[0]).toMatchObject({
      operator: 'admin',
      event_data: {
        resources: [{ digest: pushed.digest }],
        repository: { name: 'source', repo_full_name: `${project}/source` },
      },
    });
    // Nothing came of the tag changes: a push per repository and the deletion, no more.
    expect(
      receiver
        .json('/api')
        .map((b) => `${b.type}:${b.event_data.repository.name}`)
        .sort(),
    ).toEqual(['DELETE_ARTIFACT:source', 'PUSH_ARTIFACT:copied', 'PUSH_ARTIFACT:source']);
  });

  it('fires PULL_ARTIFACT from the batched pulls', async () => {
    receiver.on('/pulls', { kind: 'accept' });
    const pushed = await registry.pushImage(`${project}/pulled`, 'latest', [128]);
    expect(pushed.status).toBe(201);
    await createPolicy({
      name: 'pulls',
      targets: [{ type: 'http', address: receiver.url('/pulls') }],
      event_types: ['PULL_ARTIFACT'],
    });
    const pull = await registry.fetch(`/v2/${project}/pulled/manifests/latest`, {
      method: 'GET',
      headers: { accept: OCI_MANIFEST },
    });
    expect(pull.status).toBe(200);
    await pull.arrayBuffer();
    const [pulled] = await waitFor(
      'the pull',
      () => receiver.json('/pulls').length > 0 && receiver.json('/pulls'),
    );
    expect(pulled).toMatchObject({
      type: 'PULL_ARTIFACT',
      operator: 'admin',
      event_data: {
        resources: [
          { digest: pushed.digest, tag: 'latest', resource_url: `${host}/${project}/pulled:latest` },
        ],
        repository: { name: 'pulled', namespace: project },
      },
    });
  });

  it('fires QUOTA_WARNING when a push crosses 85% of the quota and QUOTA_EXCEED when one is refused', async () => {
    const quotaProject = `quota-hooks-${suffix()}`;
    expect(
      (await admin.post('/projects', { project_name: quotaProject, storage_limit: 20_000 })).status,
    ).toBe(201);
    receiver.on('/quota', { kind: 'accept' });
    await createPolicy(
      {
        name: 'quota',
        targets: [{ type: 'http', address: receiver.url('/quota') }],
        event_types: ['QUOTA_WARNING', 'QUOTA_EXCEED', 'PUSH_ARTIFACT'],
      },
      quotaProject,
    );
    const small = await registry.pushImage(`${quotaProject}/app`, 'small', [8_000]);
    expect(small.status, small.text).toBe(201);
    const crossing = await registry.pushImage(`${quotaProject}/app`, 'crossing', [9_000]);
    expect(crossing.status, crossing.text).toBe(201);
    const refused = await registry.pushImage(`${quotaProject}/app`, 'refused', [10_000]);
    expect(refused.status).toBe(403);

    const received = await waitFor('the quota notices', () => {
      const types = receiver.json('/quota').map((b) => b.type);
      return types.includes('QUOTA_EXCEED') && types.includes('QUOTA_WARNING') && receiver.json('/quota');
    });
    const warning = received.filter((b) => b.type === 'QUOTA_WARNING');
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatchObject({
      operator: 'admin',
      event_data: {
        resources: [{ digest: crossing.digest, tag: 'crossing' }],
        repository: { name: 'app', namespace: quotaProject, repo_full_name: `${quotaProject}/app` },
        custom_attributes: { Details: expect.stringContaining('quota usage reach 85%') },
      },
    });
    const exceeded = received.filter((b) => b.type === 'QUOTA_EXCEED');
    expect(exceeded).toHaveLength(1);
    expect(exceeded[0]).toMatchObject({
      operator: 'admin',
      event_data: {
        resources: [{ digest: refused.digest, tag: 'refused' }],
        custom_attributes: { Details: expect.stringContaining('quota exceeded') },
      },
    });
    // The refused push was not announced as a push.
    expect(
      received
        .filter((b) => b.type === 'PUSH_ARTIFACT')
        .map((b) => b.event_data.resources[0].tag)
        .sort(),
    ).toEqual(['crossing', 'small']);
  });

  it('refuses at delivery a redirect to a forbidden address, and a target that became forbidden', async () => {
    receiver.on('/redirect', { kind: 'redirect', location: 'http://169.254.169.254/latest/meta-data' });
    const redirected = await createPolicy({
      name: 'redirect',
      targets: [{ type: 'http', address: receiver.url('/redirect') }],
      event_types: ['PUSH_ARTIFACT'],
    });
    receiver.on('/moved', { kind: 'accept' });
    const moved = await createPolicy({
      name: 'moved',
      targets: [{ type: 'http', address: receiver.url('/moved') }],
      event_types: ['PUSH_ARTIFACT'],
    });
    // Written behind the API's back, as if the check at creation had been passed some other way:
    // the delivery checks again.
    const sealed = await db.query<{ targets: Json[] }>(
      'SELECT targets FROM notification_policy WHERE id = $1',
      [moved.id],
    );
    const target = { ...sealed[0]!.targets[0], address: 'http://10.1.2.3:9/hook' };
    await db.query('UPDATE notification_policy SET targets = $2::jsonb WHERE id = $1', [
      moved.id,
      JSON.stringify([target]),
    ]);

    expect((await registry.pushImage(`${project}/guarded`, 'v1', [64])).status).toBe(201);
    for (const policy of [redirected, moved]) {
      const [execution] = await waitFor(`policy ${policy.id} to end in Error`, async () => {
        const list = await executions(policy.id);
        return list[0]?.status === 'Error' && list;
      });
      const task = await onlyTask(policy.id, execution.id);
      // Refused at once: no retry could make the address allowed.
      expect(task.run_count).toBe(1);
      const log = await taskLog(policy.id, execution.id, task.id);
      expect(log).toMatch(
        policy === redirected
          ? /redirected to a refused address.*169\.254\.169\.254/
          : /10\.1\.2\.3 is a private address/,
      );
    }
    expect(receiver.at('/redirect')).toHaveLength(1);
    expect(receiver.at('/moved')).toHaveLength(0);
  });

  it('deletes a policy with its deliveries', async () => {
    receiver.on('/gone', { kind: 'accept' });
    const policy = await createPolicy({
      name: 'short-lived',
      targets: [{ type: 'http', address: receiver.url('/gone') }],
      event_types: ['PUSH_ARTIFACT'],
    });
    expect((await registry.pushImage(`${project}/short`, 'v1', [64])).status).toBe(201);
    await waitFor('a delivery', () => receiver.at('/gone').length > 0);
    await waitFor('its execution', async () => (await executions(policy.id)).length > 0);
    const removed = await admin.delete(`/projects/${project}/webhook/policies/${policy.id}`);
    expect(removed.status).toBe(200);
    const left = await db.query(`SELECT id FROM execution WHERE vendor_type = 'WEBHOOK' AND vendor_id = $1`, [
      policy.id,
    ]);
    expect(left).toEqual([]);
    expect((await admin.get(`/projects/${project}/webhook/policies/${policy.id}/executions`)).status).toBe(
      404,
    );
  });
});
