import type { RegistryEvent } from '@berth/distribution';
import { describeMetadataStore } from '@berth/distribution/testing';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PgMetadataStore, createPool } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: true });
  pool = createPool(database.url);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

// The store's outbox is the table the dispatcher reads: events are recorded when their rows are there.
describeMetadataStore(PgMetadataStore.name, async () => ({
  store: new PgMetadataStore(pool),
  recordedEvents: async () => {
    const { rows } = await pool.query<{ payload: { events: RegistryEvent[] } }>(
      `SELECT payload FROM outbox_event WHERE topic = 'registry' ORDER BY id`,
    );
    return rows.flatMap((row) => row.payload.events);
  },
}));
