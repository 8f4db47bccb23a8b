import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookPolicyRepository } from '@berth/db';
import { JOB_KINDS } from '@berth/jobs';
import { waitFor } from '@berth/jobs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OutboundTargetGuard,
  SecretBox,
  WebhookSubscriber,
  createProductProcessors,
  type JobRuntime,
  type SecretOpener,
} from '../../src/index.js';
import { JobFixture } from '../jobs/job-fixture.js';

/**
 * The webhook processor on the job runtime: what ends a delivery at once (a policy disabled or
 * deleted since the event, secrets it cannot open) and what is retried (a target that does not
 * answer in time), each said in the task's log.
 */
describe('webhook processor', () => {
  let fixture: JobFixture;
  let policies: WebhookPolicyRepository;
  let server: Server;
  let port = 0;
  let hits = 0;
  const box = new SecretBox(randomBytes(32));

  async function runtimeWith(secrets: SecretOpener | null): Promise<JobRuntime> {
    return fixture.runtime(
      JOB_KINDS,
      createProductProcessors({
        ...fixture.productDeps(),
        webhooks: {
          policies,
          secrets,
          guard: new OutboundTargetGuard({
            allowPrivateTargets: [{ address: '127.0.0.0', prefixLength: 8 }],
          }),
          timeoutMs: 300,
        },
      }),
    );
  }

  /** A project with a policy to `path` on the local server, and one push event delivered to it. */
  async function deliver(runtime: JobRuntime, path: string, options: { sealedSecret?: string } = {}) {
    const name = `processor-${randomUUID().slice(0, 8)}`;
    const [row] = await fixture.query<{ id: string }>('INSERT INTO project (name) VALUES ($1) RETURNING id', [
      name,
    ]);
    const policy = await policies.create(undefined, {
      projectId: BigInt(row!.id),
      name: 'p',
      description: '',
      targets: [
        {
          type: 'http',
          address: `http://127.0.0.1:${port}${path}`,
          authHeaderSealed: null,
          skipCertVerify: false,
          payloadFormat: 'Default',
        },
      ],
      eventTypes: ['PUSH_ARTIFACT'],
      creator: 'admin',
      enabled: true,
      signingSecretSealed: options.sealedSecret ?? box.seal('secret'),
    });
    const subscriber = new WebhookSubscriber({
      database: fixture.database,
      policies,
      jobs: runtime.service,
      externalUrl: 'https://registry.example.com',
    });
    await subscriber.handle([
      {
        sequence: 1n,
        partitionKey: 'x',
        attempts: 0,
        topic: 'registry',
        events: [
          {
            id: randomUUID(),
            timestamp: new Date().toISOString(),
            action: 'push',
            scope: 'artifact',
            target: { repository: `${name}/app`, digest: `sha256:${'c'.repeat(64)}`, tag: 'v1' },
            request: { id: 'r', addr: '', host: '', method: 'PUT', useragent: '' },
            actor: { name: 'alice' },
            source: { addr: '', instanceID: 'i' },
          },
        ],
      },
    ]);
    const [task] = await fixture.query<{ id: string }>(
      `SELECT t.id FROM task t JOIN execution e ON e.id = t.execution_id WHERE e.vendor_id = $1`,
      [policy.id],
    );
    return { policy, taskId: BigInt(task!.id) };
  }

  /** The task once it has the status and its run's last line is logged (the log flushes last). */
  async function settled(runtime: JobRuntime, taskId: bigint, status: string) {
    let log = '';
    await waitFor(
      `task ${taskId} ${status}`,
      async () => {
        if ((await runtime.service.getTask(taskId))?.status !== status) return false;
        log = (await runtime.service.taskLog(taskId)) ?? '';
        return /run \d+ (failed: |succeeded)/.test(log);
      },
      30_000,
    );
    return { task: (await runtime.service.getTask(taskId))!, log };
  }

  beforeAll(async () => {
    fixture = await JobFixture.open();
    policies = new WebhookPolicyRepository(fixture.database);
    server = createServer((req, res) => {
      hits += 1;
      if (req.url === '/silent') return; // never answers
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await fixture?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('ends at once when the policy was disabled or deleted before the delivery ran', async () => {
    const client = await fixture.runtime(JOB_KINDS, [], { role: 'client' });
    const disabled = await deliver(client, '/disabled');
    await policies.update(undefined, disabled.policy.id, {
      name: 'p',
      description: '',
      targets: disabled.policy.targets,
      eventTypes: ['PUSH_ARTIFACT'],
      enabled: false,
    });
    const deleted = await deliver(client, '/deleted');
    await fixture.query('DELETE FROM notification_policy WHERE id = $1', [deleted.policy.id]);
    const before = hits;
    const worker = await runtimeWith(box);
    const first = await settled(worker, disabled.taskId, 'Error');
    expect(first.task.runCount).toBe(1);
    expect(first.log).toMatch(/webhook policy p is disabled/);
    const second = await settled(worker, deleted.taskId, 'Error');
    expect(second.log).toMatch(/no longer exists/);
    expect(hits).toBe(before);
    await worker.stop();
  });

  it('ends at once, saying why, when it cannot open the policy’s secrets', async () => {
    // One worker at a time: the task goes to the one under test.
    const worker = await runtimeWith(null);
    const { taskId } = await deliver(worker, '/no-key');
    expect((await settled(worker, taskId, 'Error')).log).toMatch(/no instance key/);
    await worker.stop();

    const other = await runtimeWith(new SecretBox(randomBytes(32)));
    const sealedElsewhere = await deliver(other, '/other-key');
    expect((await settled(other, sealedElsewhere.taskId, 'Error')).log).toMatch(
      /instance key is not the core's/,
    );
    await other.stop();
  });

  it('retries a target that does not answer in time', async () => {
    const worker = await runtimeWith(box);
    const { taskId } = await deliver(worker, '/silent');
    await waitFor(
      'a second attempt',
      async () => ((await worker.service.getTask(taskId))?.runCount ?? 0) >= 2,
      30_000,
    );
    const log = (await worker.service.taskLog(taskId))!;
    expect(log).toMatch(/failed after \d+ ms: timed out/);
    const task = (await worker.service.getTask(taskId))!;
    expect(task.extraAttrs.deliveries).toEqual(
      expect.arrayContaining([expect.objectContaining({ attempt: 1, error: 'timed out' })]),
    );
  });
});
