import { randomUUID } from 'node:crypto';
import type { RegistryEvent } from '@berth/distribution';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditLogRepository,
  Database,
  OutboxDispatcher,
  OutboxRepository,
  type OutboxEntry,
  type OutboxMessage,
  type OutboxSubscriber,
} from '../../src/index.js';
import { appendToOutbox } from '../../src/outbox/outbox.repository.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

function registryEvent(repository: string, tag: string): RegistryEvent {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    action: 'push',
    target: { repository, tag, digest: `sha256:${'0'.repeat(64)}` },
    request: { id: randomUUID(), addr: '10.0.0.1', host: 'registry', method: 'PUT', useragent: 'test' },
    actor: { name: 'alice' },
    source: { addr: '', instanceID: 'test' },
    scope: 'artifact',
  };
}

const message = (repository: string, tag: string): OutboxMessage => ({
  topic: 'registry',
  events: [registryEvent(repository, tag)],
});

/** Records what it is handed; fails while `failures` is positive. */
class RecordingSubscriber implements OutboxSubscriber {
  readonly name = 'recording';
  readonly topics = ['registry', 'audit'] as const;
  readonly seen: string[] = [];
  failures = 0;

  async handle(entries: OutboxEntry[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('subscriber down');
    }
    for (const entry of entries) {
      if (entry.topic === 'registry')
        this.seen.push(...entry.events.map((event) => `${event.target.repository}:${event.target.tag}`));
      else if (entry.topic === 'audit') this.seen.push(`audit:${entry.record.resource}`);
    }
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(OutboxDispatcher.name, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let outbox: OutboxRepository;

  beforeAll(async () => {
    testDatabase = await createTestDatabase({ migrate: true });
    database = new Database(testDatabase.url);
    outbox = new OutboxRepository(database);
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('delivers rows in commit order and deletes them', async () => {
    const subscriber = new RecordingSubscriber();
    const sut = new OutboxDispatcher(database, [subscriber], { pollIntervalMs: 20 });
    await database.transaction((tx) => outbox.append(tx, [message('a', '1'), message('a', '2')]));
    await database.transaction((tx) => outbox.append(tx, [message('b', '1')]));
    await database.transaction((tx) => outbox.append(tx, [message('a', '3')]));
    sut.start();
    try {
      await waitFor(async () => (await outbox.pending()) === 0);
      expect(subscriber.seen).toEqual(['a:1', 'a:2', 'b:1', 'a:3']);
    } finally {
      await sut.stop();
    }
  });

  it('keeps a partition in commit order across concurrent transactions', async () => {
    // The first transaction appends, then lingers before its commit: the second, of the same
    // partition, must wait for the first's partition lock, so its row gets the later id.
    const first = database.pool.connect();
    const client = await first;
    const second = await database.pool.connect();
    try {
      await client.query('BEGIN');
      await appendToOutbox(client, [message('ordered', 'first')]);
      await second.query('BEGIN');
      let secondAppended = false;
      const appending = appendToOutbox(second, [message('ordered', 'second')]).then(() => {
        secondAppended = true;
        return second.query('COMMIT');
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Without the partition lock the second would have its id (and could commit, and be
      // delivered) while the first, with the smaller id, is still uncommitted.
      expect(secondAppended).toBe(false);
      await client.query('COMMIT');
      await appending;
    } finally {
      client.release();
      second.release();
    }
    const entries = await outbox.claim(100);
    const ordered = entries.filter((entry) => entry.partitionKey === 'repository:ordered');
    expect(ordered.map((entry) => (entry.topic === 'registry' ? entry.events[0]!.target.tag : ''))).toEqual([
      'first',
      'second',
    ]);
    await outbox.complete(entries.map((entry) => entry.sequence));
  });

  it('retries a batch a subscriber failed, later rows of its partition waiting for it', async () => {
    const subscriber = new RecordingSubscriber();
    subscriber.failures = 1;
    const sut = new OutboxDispatcher(database, [subscriber], { pollIntervalMs: 20 });
    await database.transaction((tx) => outbox.append(tx, [message('retry', '1')]));
    sut.start();
    try {
      await waitFor(async () => (await outbox.pending()) === 1 && subscriber.failures === 0);
      // A row appended while the first waits out its retry delay is not delivered before it.
      await database.transaction((tx) => outbox.append(tx, [message('retry', '2')]));
      await waitFor(async () => (await outbox.pending()) === 0, 15_000);
      expect(subscriber.seen).toEqual(['retry:1', 'retry:2']);
    } finally {
      await sut.stop();
    }
  });

  it('lets one process dispatch at a time', async () => {
    const one = new OutboxDispatcher(database, [new RecordingSubscriber()], {
      pollIntervalMs: 20,
      leaseRetryMs: 50,
    });
    const two = new OutboxDispatcher(database, [new RecordingSubscriber()], {
      pollIntervalMs: 20,
      leaseRetryMs: 50,
    });
    one.start();
    two.start();
    try {
      await waitFor(() => one.isLeader || two.isLeader);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect([one.isLeader, two.isLeader].filter(Boolean)).toHaveLength(1);
      const leader = one.isLeader ? one : two;
      const follower = leader === one ? two : one;
      await leader.stop();
      await waitFor(() => follower.isLeader);
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});

describe(AuditLogRepository.name, () => {
  let testDatabase: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDatabase = await createTestDatabase({ migrate: true });
    database = new Database(testDatabase.url);
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('writes an event once however often it is delivered', async () => {
    const sut = new AuditLogRepository(database);
    const entry = {
      eventId: randomUUID(),
      projectId: null,
      operation: 'create',
      resourceType: 'project',
      resource: 'once',
      username: 'alice',
      clientIp: '10.0.0.1',
      success: true,
      opTime: new Date(),
    };
    await sut.insertMany([entry]);
    await sut.insertMany([entry, { ...entry, eventId: randomUUID(), resource: 'twice' }]);
    const { rows } = await database.pool.query('SELECT resource FROM audit_log ORDER BY id');
    expect(rows).toEqual([{ resource: 'once' }, { resource: 'twice' }]);
  });
});
