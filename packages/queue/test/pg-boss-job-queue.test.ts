import { createTestDatabase, type TestDatabase } from '@berth/db/testing';
import { defineTestJobKind, describeJobQueue } from '@berth/jobs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgBossJobQueue, uuidOf } from '../src/pg-boss-job-queue.js';

const STALL_TIMEOUT_MS = 3000;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  // pg-boss installs its schema on first start; do it once here rather than racing in every test.
  const first = new PgBossJobQueue({ databaseUrl: database.url });
  await first.start();
  await first.close();
});

afterAll(async () => {
  await database?.drop();
});

describeJobQueue('pg-boss on PostgreSQL', () => ({
  connect: async () =>
    new PgBossJobQueue({
      databaseUrl: database.url,
      stallTimeoutMs: STALL_TIMEOUT_MS,
      pollIntervalMs: 100,
      maxConnections: 3,
    }),
  crash: (queue) => (queue as PgBossJobQueue).disconnectAbruptly(),
  stallRecoveryMs: STALL_TIMEOUT_MS * 2,
}));

describe(uuidOf.name, () => {
  it('derives one UUID per kind and id', () => {
    expect(uuidOf('gc', 'task:1')).toBe(uuidOf('gc', 'task:1'));
    expect(uuidOf('gc', 'task:1')).not.toBe(uuidOf('gc', 'task:2'));
    expect(uuidOf('gc', 'task:1')).not.toBe(uuidOf('retention', 'task:1'));
    expect(uuidOf('gc', 'x')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('PgBossJobQueue queue creation', () => {
  it('survives processes creating queues at once (pg-boss partitions can deadlock)', async () => {
    const kinds = Array.from({ length: 6 }, () => defineTestJobKind({ name: 'race' }));
    const clients = [1, 2, 3].map(() => new PgBossJobQueue({ databaseUrl: database.url, maxConnections: 3 }));
    try {
      await Promise.all(
        clients.flatMap((client) => kinds.map((kind) => client.enqueue(kind, { id: 'first', data: {} }))),
      );
      for (const kind of kinds) expect((await clients[0]!.stats(kind)).waiting).toBe(1);
    } finally {
      await Promise.all(clients.map((client) => client.close({ graceMs: 0 })));
    }
  });
});
