import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { BullMqJobQueue } from '@berth/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, RegistryClient, suffix, TestDb } from '../api/projects-fixtures.js';
import { expectedSignature, waitFor, WebhookReceiver } from '../api/webhooks-support.js';
import { startCore, type CoreProcess } from '../support/core-process.js';

const REDIS_URL = process.env.BERTH_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const WORKER_MAIN = fileURLToPath(new URL('../../../worker/dist/main.js', import.meta.url));

/**
 * Production's shape for webhooks: the core (REDIS_URL set) turns the outbox's events into
 * deliveries, apps/worker sends them on BullMQ, opening the policy's sealed secrets with the
 * instance key the two share (BERTH_SECRET_KEY).
 */
describe('webhook deliveries sent by apps/worker', () => {
  const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
  const secretKey = randomBytes(32).toString('hex');
  const shared = {
    REDIS_URL,
    BERTH_QUEUE_PREFIX: prefix,
    BERTH_SECRET_KEY: secretKey,
    BERTH_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8',
  };
  let core: CoreProcess;
  let worker: ChildProcess;
  let workerLog = '';
  let db: TestDb;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN)) {
      throw new Error(
        `${WORKER_MAIN} does not exist: build first (pnpm turbo run build --filter @berth/worker...)`,
      );
    }
    receiver = await new WebhookReceiver().start();
    core = await startCore({ env: shared });
    worker = spawn(process.execPath, [WORKER_MAIN], {
      env: { ...process.env, NO_COLOR: '1', DATABASE_URL: core.databaseUrl, ...shared },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.setEncoding('utf8').on('data', (chunk: string) => (workerLog += chunk));
    worker.stderr!.setEncoding('utf8').on('data', (chunk: string) => (workerLog += chunk));
    await waitFor('the worker to run', () => workerLog.includes('Berth worker running'), 30_000);
    db = TestDb.open(core);
  });

  afterAll(async () => {
    await db?.close();
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await core?.stop();
    await receiver?.stop();
    await BullMqJobQueue.deleteAllUnder(REDIS_URL, prefix);
  });

  it('retries on the worker and delivers signed with the secret the core sealed', async () => {
    const admin = adminClient(core);
    const project = `redis-hooks-${suffix()}`;
    expect((await admin.post('/projects', { project_name: project })).status).toBe(201);
    receiver.on('/worker', { kind: 'fail-then-accept', failures: 1, status: 503 });
    const created = await admin.post(`/projects/${project}/webhook/policies`, {
      name: 'on the worker',
      targets: [{ type: 'http', address: receiver.url('/worker'), auth_header: 'Token xyz' }],
      event_types: ['PUSH_ARTIFACT'],
      enabled: true,
    });
    expect(created.status, created.text).toBe(201);
    const secret = created.headers.get('x-berth-webhook-secret')!;
    const registry = new RegistryClient(core.url, admin.credentials);
    expect((await registry.pushImage(`${project}/app`, 'v1', [256])).status).toBe(201);

    const attempts = await waitFor(
      'two attempts',
      () => receiver.at('/worker').length >= 2 && receiver.at('/worker'),
    );
    expect(attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(attempts[1]!.headers.authorization).toBe('Token xyz');
    expect(attempts[1]!.headers['x-harbor-signature']).toBe(expectedSignature(secret, attempts[1]!.body));

    const rows = await waitFor('the task to succeed', async () => {
      const found = await db.query<{ status: string; worker_log: string }>(
        `SELECT t.status, (SELECT string_agg(message, E'\\n') FROM task_log l WHERE l.task_id = t.id) AS worker_log
         FROM task t JOIN execution e ON e.id = t.execution_id
         WHERE e.vendor_type = 'WEBHOOK' AND t.status = 'Success'`,
      );
      return found.length > 0 && found;
    });
    // The worker ran it, not the core: the core has no job worker with REDIS_URL set.
    expect(rows[0]!.worker_log).toMatch(/on worker/);
    const workers = await db.query<{ pid: number }>('SELECT pid FROM job_worker');
    expect(workers).toEqual([{ pid: worker.pid }]);
  });
});
