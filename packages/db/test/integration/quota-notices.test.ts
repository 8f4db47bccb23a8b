import { createHash, randomUUID } from 'node:crypto';
import type { BlobRecord, NewManifest, RegistryEvent } from '@berth/distribution';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgMetadataStore, QUOTA_WARNING_PERCENT, createPool, type Notification } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

function digestOf(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

function manifestOver(blob: BlobRecord): NewManifest {
  const payload = Buffer.from(JSON.stringify({ schemaVersion: 2, nonce: randomUUID() }));
  return {
    digest: digestOf(payload.toString()),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: null,
    size: payload.length,
    payload,
    subjectDigest: null,
    annotations: null,
    blobs: [blob],
    manifests: [],
  };
}

function pushEvent(repository: string, manifest: NewManifest, tag: string): RegistryEvent {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    action: 'push',
    scope: 'artifact',
    target: { repository, digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size, tag },
    request: { id: randomUUID(), addr: '', host: '', method: 'PUT', useragent: '' },
    actor: { name: 'pusher' },
    source: { addr: '', instanceID: 'test' },
  };
}

/**
 * The quota notices the store records for webhooks: QUOTA_WARNING with the push that takes usage
 * to 85% of the limit (in its transaction, once however many pushes race), QUOTA_EXCEED for a
 * refused push (on its own, after the rollback).
 */
describe(`${PgMetadataStore.name} quota notices`, () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let sut: PgMetadataStore;

  async function notices(project: string) {
    const { rows } = await pool.query<{ payload: { notification: Notification } }>(
      `SELECT payload FROM outbox_event WHERE topic = 'notification' AND payload->'notification'->>'projectName' = $1
       ORDER BY id`,
      [project],
    );
    return rows.map((row) => row.payload.notification);
  }

  /** Links a blob of `size` bytes and pushes a manifest over it; answers the commit's result. */
  async function push(repository: string, size: number, tag: string) {
    const blob = { digest: digestOf(`blob ${randomUUID()}`), size };
    await sut.linkBlob(repository, blob);
    const manifest = manifestOver(blob);
    const result = await sut.commitManifest(
      repository,
      manifest,
      [tag],
      [pushEvent(repository, manifest, tag)],
    );
    return { result, manifest };
  }

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: true });
    pool = createPool(database.url, { max: 12 });
    sut = new PgMetadataStore(pool);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it(`warns once when a push takes usage to ${QUOTA_WARNING_PERCENT}% of the limit`, async () => {
    const project = `notices-${randomUUID().slice(0, 8)}`;
    await pool.query('INSERT INTO project (name, quota_limit) VALUES ($1, 100000)', [project]);
    expect((await push(`${project}/app`, 50_000, 'half')).result).toMatchObject({ ok: true });
    expect(await notices(project)).toEqual([]);
    const crossing = await push(`${project}/app`, 36_000, 'crossing');
    expect(crossing.result).toMatchObject({ ok: true });
    // Above the level already: no second warning.
    expect((await push(`${project}/app`, 1_000, 'above')).result).toMatchObject({ ok: true });
    expect(await notices(project)).toEqual([
      {
        eventType: 'QUOTA_WARNING',
        projectName: project,
        repository: `${project}/app`,
        resources: [{ digest: crossing.manifest.digest, tag: 'crossing' }],
        operator: 'pusher',
        eventData: {
          custom_attributes: {
            Details: expect.stringMatching(/^quota usage reach 85%: resource storage used/),
          },
        },
      },
    ]);
  });

  it('warns once when racing pushes cross the level together', async () => {
    const project = `race-${randomUUID().slice(0, 8)}`;
    await pool.query('INSERT INTO project (name, quota_limit) VALUES ($1, 100000)', [project]);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => push(`${project}/app${i}`, 11_000, `t${i}`)),
    );
    expect(results.every(({ result }) => result.ok)).toBe(true);
    expect((await notices(project)).map((n) => n.eventType)).toEqual(['QUOTA_WARNING']);
  });

  it('records QUOTA_EXCEED for a refused push, and nothing of the push itself', async () => {
    const project = `refused-${randomUUID().slice(0, 8)}`;
    await pool.query('INSERT INTO project (name, quota_limit) VALUES ($1, 10000)', [project]);
    const refused = await push(`${project}/app`, 20_000, 'big');
    expect(refused.result).toMatchObject({ ok: false, denied: expect.stringContaining('quota exceeded') });
    const [notice] = await notices(project);
    expect(notice).toMatchObject({
      eventType: 'QUOTA_EXCEED',
      repository: `${project}/app`,
      resources: [{ digest: refused.manifest.digest, tag: 'big' }],
      operator: 'pusher',
      eventData: {
        custom_attributes: { Details: 'denied' in refused.result ? refused.result.denied : '' },
      },
    });
    const { rows } = await pool.query(
      `SELECT 1 FROM outbox_event WHERE topic = 'registry' AND partition_key = $1`,
      [`repository:${project}/app`],
    );
    expect(rows).toEqual([]);
  });

  it('sends no notice for a project without a limit', async () => {
    const project = `unlimited-${randomUUID().slice(0, 8)}`;
    await pool.query('INSERT INTO project (name) VALUES ($1)', [project]);
    expect((await push(`${project}/app`, 50_000, 'v1')).result).toMatchObject({ ok: true });
    expect(await notices(project)).toEqual([]);
  });
});
