import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  UniqueViolationError,
  WEBHOOK_VENDOR_TYPE,
  WebhookPolicyRepository,
  type NewWebhookPolicy,
} from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

describe(WebhookPolicyRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: WebhookPolicyRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new WebhookPolicyRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const create = (projectId: bigint, policy: Partial<NewWebhookPolicy> = {}) =>
    sut.create(undefined, {
      projectId,
      name: fixture.unique('policy'),
      description: '',
      targets: [
        {
          type: 'http',
          address: 'https://hooks.example.com/a',
          authHeaderSealed: 'v1.sealed',
          skipCertVerify: false,
          payloadFormat: 'Default',
        },
      ],
      eventTypes: ['PUSH_ARTIFACT'],
      creator: 'admin',
      enabled: true,
      signingSecretSealed: 'v1.secret',
      ...policy,
    });

  async function newExecution(policyId: bigint, status: string): Promise<bigint> {
    const [row] = await fixture.query<{ id: string }>(
      `INSERT INTO execution (vendor_type, vendor_id, job_kind, trigger, status)
       VALUES ($1, $2, 'webhook', 'EVENT', $3) RETURNING id`,
      [WEBHOOK_VENDOR_TYPE, policyId, status],
    );
    return BigInt(row!.id);
  }

  it('stores a policy as given and refuses a name its project has (UniqueViolationError)', async () => {
    const project = await fixture.newProject();
    const other = await fixture.newProject();
    const created = await create(project.id, { name: 'ci', description: 'd' });
    expect(await sut.findById(created.id)).toEqual(created);
    expect(created).toMatchObject({
      name: 'ci',
      description: 'd',
      targets: [{ type: 'http', authHeaderSealed: 'v1.sealed', payloadFormat: 'Default' }],
      eventTypes: ['PUSH_ARTIFACT'],
      signingSecretSealed: 'v1.secret',
      lastTriggered: new Map(),
    });
    await expect(create(project.id, { name: 'ci' })).rejects.toBeInstanceOf(UniqueViolationError);
    await create(other.id, { name: 'ci' });
    const second = await create(project.id, { name: 'cd' });
    await expect(
      sut.update(undefined, second.id, {
        name: 'ci',
        description: '',
        targets: second.targets,
        eventTypes: ['PUSH_ARTIFACT'],
        enabled: true,
      }),
    ).rejects.toBeInstanceOf(UniqueViolationError);
  });

  it('finds the enabled policies of the named projects subscribed to the event types, with their project', async () => {
    const open = await fixture.newProject({ public: true });
    const closed = await fixture.newProject();
    const pushes = await create(open.id, { eventTypes: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'] });
    await create(open.id, { eventTypes: ['PULL_ARTIFACT'] });
    await create(open.id, { eventTypes: ['PUSH_ARTIFACT'], enabled: false });
    const quota = await create(closed.id, { eventTypes: ['QUOTA_EXCEED'] });

    const found = await sut.subscriptions([open.name, closed.name], ['DELETE_ARTIFACT', 'QUOTA_EXCEED']);
    expect(found.map((s) => [s.policy.id, s.projectName, s.projectPublic])).toEqual([
      [pushes.id, open.name, true],
      [quota.id, closed.name, false],
    ]);
    expect(await sut.subscriptions([open.name], [])).toEqual([]);
    expect(await sut.subscriptions(['no-such-project'], ['PUSH_ARTIFACT'])).toEqual([]);
  });

  it('records when each event type last fired, moving forward only', async () => {
    const project = await fixture.newProject();
    const policy = await create(project.id, { eventTypes: ['PUSH_ARTIFACT', 'PULL_ARTIFACT'] });
    const early = new Date('2026-12-08T10:00:00Z');
    const late = new Date('2026-12-08T11:00:00Z');
    await sut.recordTriggers(undefined, [
      { policyId: policy.id, eventType: 'PUSH_ARTIFACT', at: late },
      { policyId: policy.id, eventType: 'PUSH_ARTIFACT', at: early },
      { policyId: policy.id, eventType: 'PULL_ARTIFACT', at: early },
    ]);
    const read = await sut.findById(policy.id);
    expect(read!.lastTriggered).toEqual(
      new Map([
        ['PUSH_ARTIFACT', late],
        ['PULL_ARTIFACT', early],
      ]),
    );
  });

  it('keeps the newest finished deliveries of each policy, and every unfinished one', async () => {
    const project = await fixture.newProject();
    const policy = await create(project.id);
    const other = await create(project.id);
    const ids: bigint[] = [];
    for (let i = 0; i < 5; i++) ids.push(await newExecution(policy.id, i === 0 ? 'Pending' : 'Success'));
    const kept = await newExecution(other.id, 'Success');
    expect(await sut.trimExecutions([policy.id, other.id], 2)).toBe(2);
    const left = await fixture.query<{ id: string }>(
      'SELECT id FROM execution WHERE vendor_type = $1 AND vendor_id = ANY($2::bigint[]) ORDER BY id',
      [WEBHOOK_VENDOR_TYPE, [policy.id.toString(), other.id.toString()]],
    );
    expect(left.map((row) => BigInt(row.id))).toEqual([ids[0], ids[3], ids[4], kept]);
  });

  it('deletes a policy with its deliveries, and a project with its policies', async () => {
    const project = await fixture.newProject();
    const policy = await create(project.id);
    const execution = await newExecution(policy.id, 'Success');
    await fixture.query(
      `INSERT INTO task (execution_id, job_id, payload, status) VALUES ($1, $2, '{}', 'Success')`,
      [execution, `task-for-${execution}`],
    );
    expect(await sut.delete(policy.id)).toBe(true);
    expect(await sut.delete(policy.id)).toBe(false);
    expect(await fixture.query('SELECT id FROM execution WHERE id = $1', [execution])).toEqual([]);
    expect(await fixture.query('SELECT id FROM task WHERE execution_id = $1', [execution])).toEqual([]);

    const survivor = await create(project.id);
    await fixture.query('DELETE FROM project WHERE id = $1', [project.id]);
    expect(await sut.findById(survivor.id)).toBeNull();
  });

  it('lists a project’s policies by name, sorted and paged', async () => {
    const project = await fixture.newProject();
    for (const name of ['beta', 'alpha', 'gamma']) await create(project.id, { name });
    const page = await sut.list({
      projectId: project.id,
      names: [{ contains: 'a' }],
      sort: [{ field: 'name', descending: false }],
      offset: 1,
      limit: 1,
    });
    expect(page.total).toBe(3);
    expect(page.items.map((p) => p.name)).toEqual(['beta']);
    const newest = await sut.list({ projectId: project.id, names: [], sort: [], offset: 0, limit: 10 });
    expect(newest.items.map((p) => p.name)).toEqual(['gamma', 'alpha', 'beta']);
    const wildcard = await sut.list({
      projectId: project.id,
      names: [{ contains: '%' }],
      sort: [],
      offset: 0,
      limit: 10,
    });
    expect(wildcard.total).toBe(0);
  });
});
