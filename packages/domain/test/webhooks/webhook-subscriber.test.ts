import { randomUUID } from 'node:crypto';
import { WebhookPolicyRepository, type OutboxEntry } from '@berth/db';
import type { RegistryEvent } from '@berth/distribution';
import { JOB_KINDS } from '@berth/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSubscriber, tagRetentionNotice, type JobRuntime } from '../../src/index.js';
import { JobFixture } from '../jobs/job-fixture.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

describe(WebhookSubscriber.name, () => {
  let fixture: JobFixture;
  let runtime: JobRuntime;
  let policies: WebhookPolicyRepository;
  let sut: WebhookSubscriber;
  let sequence = 0n;

  async function newProject(): Promise<{ id: bigint; name: string }> {
    const name = `subscriber-${randomUUID().slice(0, 8)}`;
    const [row] = await fixture.query<{ id: string }>(
      `INSERT INTO project (name, metadata) VALUES ($1, '{"public":"true"}') RETURNING id`,
      [name],
    );
    return { id: BigInt(row!.id), name };
  }

  function newPolicy(
    projectId: bigint,
    eventTypes: string[],
    options: { enabled?: boolean; targets?: number } = {},
  ) {
    return policies.create(undefined, {
      projectId,
      name: randomUUID(),
      description: '',
      targets: Array.from({ length: options.targets ?? 1 }, (_, i) => ({
        type: 'http',
        address: `https://hooks.example.com/${i}`,
        authHeaderSealed: null,
        skipCertVerify: false,
        payloadFormat: i === 1 ? 'CloudEvents' : 'Default',
      })),
      eventTypes,
      creator: 'admin',
      enabled: options.enabled ?? true,
      signingSecretSealed: 'v1.x',
    });
  }

  function registryEntry(events: Partial<RegistryEvent>[], repository: string): OutboxEntry {
    sequence += 1n;
    return {
      sequence,
      partitionKey: `repository:${repository}`,
      attempts: 0,
      topic: 'registry',
      events: events.map((event) => ({
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        action: 'push',
        scope: 'artifact',
        request: { id: 'r', addr: '', host: 'registry.example.com:5000', method: 'PUT', useragent: '' },
        actor: { name: 'alice' },
        source: { addr: '', instanceID: 'i' },
        ...event,
        target: {
          repository,
          digest: DIGEST,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          tag: 'v1',
          ...event.target,
        },
      })),
    };
  }

  async function deliveries(policyId: bigint) {
    return fixture.query<{
      dedupe_key: string;
      extra_attrs: Record<string, string>;
      payload: Record<string, unknown>;
    }>(
      `SELECT e.dedupe_key, e.extra_attrs, t.payload FROM execution e JOIN task t ON t.execution_id = e.id
       WHERE e.vendor_type = 'WEBHOOK' AND e.vendor_id = $1 ORDER BY e.id`,
      [policyId],
    );
  }

  beforeAll(async () => {
    fixture = await JobFixture.open();
    // A client: tasks are queued, nothing runs them (the processor is not under test here).
    runtime = await fixture.runtime(JOB_KINDS, [], { role: 'client' });
    policies = new WebhookPolicyRepository(fixture.database);
    sut = new WebhookSubscriber({
      database: fixture.database,
      policies,
      jobs: runtime.service,
      externalUrl: null,
    });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('creates a delivery per subscribed policy and target, once however often the event comes', async () => {
    const project = await newProject();
    const policy = await newPolicy(project.id, ['PUSH_ARTIFACT'], { targets: 2 });
    const entry = registryEntry([{}], `${project.name}/app`);
    await sut.handle([entry]);
    await sut.handle([entry]);
    const rows = await deliveries(policy.id);
    const eventId = entry.topic === 'registry' ? entry.events[0]!.id : '';
    expect(rows.map((row) => row.dedupe_key)).toEqual([
      `webhook:${policy.id}:0:${eventId}`,
      `webhook:${policy.id}:1:${eventId}`,
    ]);
    expect(rows[0]!.payload).toEqual({
      policyId: Number(policy.id),
      eventType: 'PUSH_ARTIFACT',
      eventId,
      address: 'https://hooks.example.com/0',
    });
    expect(rows[0]!.extra_attrs).toMatchObject({
      event_type: 'PUSH_ARTIFACT',
      notify_type: 'http',
      payload_format: 'Default',
      content_type: 'application/json',
    });
    expect(JSON.parse(rows[0]!.extra_attrs.payload!)).toMatchObject({
      type: 'PUSH_ARTIFACT',
      operator: 'alice',
      event_data: {
        resources: [
          { digest: DIGEST, tag: 'v1', resource_url: `registry.example.com:5000/${project.name}/app:v1` },
        ],
        repository: { name: 'app', namespace: project.name, repo_type: 'public' },
      },
    });
    expect(rows[1]!.extra_attrs).toMatchObject({
      payload_format: 'CloudEvents',
      content_type: 'application/cloudevents+json',
    });
    expect((await policies.findById(policy.id))!.lastTriggered.has('PUSH_ARTIFACT')).toBe(true);
    // Queued for a worker.
    const [task] = await fixture.query<{ enqueued_at: Date | null }>(
      `SELECT t.enqueued_at FROM task t JOIN execution e ON e.id = t.execution_id WHERE e.vendor_id = $1`,
      [policy.id],
    );
    expect(task!.enqueued_at).not.toBeNull();
  });

  it('leaves out disabled policies, other projects, other event types and tags alone', async () => {
    const project = await newProject();
    const other = await newProject();
    const disabled = await newPolicy(project.id, ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'], { enabled: false });
    const pulls = await newPolicy(project.id, ['PULL_ARTIFACT']);
    const elsewhere = await newPolicy(other.id, ['PUSH_ARTIFACT', 'DELETE_ARTIFACT']);
    const deletes = await newPolicy(project.id, ['DELETE_ARTIFACT']);
    await sut.handle([
      registryEntry(
        [
          { action: 'push' },
          { action: 'push', scope: 'tag' },
          { action: 'delete', scope: 'tag' },
          { action: 'delete', scope: 'artifact' },
          {
            action: 'delete',
            scope: 'blob',
            target: { repository: `${project.name}/app`, mediaType: 'application/octet-stream' },
          },
        ],
        `${project.name}/app`,
      ),
    ]);
    expect(await deliveries(disabled.id)).toEqual([]);
    expect(await deliveries(pulls.id)).toEqual([]);
    expect(await deliveries(elsewhere.id)).toEqual([]);
    expect((await deliveries(deletes.id)).map((row) => row.extra_attrs.event_type)).toEqual([
      'DELETE_ARTIFACT',
    ]);
  });

  it('delivers notices: a finished retention run in Harbor’s shape', async () => {
    const project = await newProject();
    const policy = await newPolicy(project.id, ['TAG_RETENTION']);
    const notice = tagRetentionNotice({
      projectName: project.name,
      policyId: 12n,
      operator: 'admin',
      total: 3,
      retained: 1,
      status: 'SUCCESS',
      deleted: [
        { repository: `${project.name}/app`, digest: DIGEST, tag: 'old' },
        { repository: `${project.name}/app`, digest: DIGEST },
      ],
      rules: [{ template: 'latestPushedK', params: { latestPushedK: 1 } }],
      registryHost: 'registry.example.com:5000',
    });
    if (notice.topic !== 'notification') throw new Error('a notice is a notification');
    sequence += 1n;
    await sut.handle([{ ...notice, sequence, partitionKey: `project-name:${project.name}`, attempts: 0 }]);
    const [row] = await deliveries(policy.id);
    expect(JSON.parse(row!.extra_attrs.payload!)).toEqual({
      type: 'TAG_RETENTION',
      occur_at: expect.any(Number),
      operator: 'admin',
      event_data: {
        retention: {
          total: 3,
          retained: 1,
          harbor_hostname: 'registry.example.com',
          project_name: project.name,
          retention_policy_id: 12,
          retention_rule: [{ template: 'latestPushedK', params: { latestPushedK: 1 } }],
          result: 'SUCCESS',
          deleted_artifact: [
            { type: 'image', status: 'SUCCESS', name_tag: `${project.name}/app:old`, references: [] },
            { type: 'image', status: 'SUCCESS', name_tag: `${project.name}/app@${DIGEST}`, references: [] },
          ],
        },
      },
    });
  });
});
