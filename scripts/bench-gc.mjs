#!/usr/bin/env node
// The GC benchmark (issue 9): seeds unreferenced blobs through the engine's upload service, then
// runs a push/pull load through the engine's services without and with garbage collection running,
// and reports blobs freed per second and the load's latency percentiles. In-process (no HTTP): it
// measures GC's cost on the database and storage the registry shares. Build first.
// Usage: node scripts/bench-gc.mjs [--blobs 20000] [--seconds 10] [--workers 1] [--json]
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const db = await import(join(ROOT, 'packages/db/dist/index.js'));
const dbTesting = await import(join(ROOT, 'packages/db/dist/testing/index.js'));
const distribution = await import(join(ROOT, 'packages/distribution/dist/index.js'));
const domain = await import(join(ROOT, 'packages/domain/dist/index.js'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const BLOBS = option('blobs', 20_000);
const SECONDS = option('seconds', 10);
const WORKERS = option('workers', 1);
const LOAD_CONCURRENCY = option('load', 4);
const json = args.includes('--json');

const sha256 = (data) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const origin = {
  actor: 'bench',
  request: { id: 'b', addr: '', host: '', method: 'BENCH', useragent: 'bench' },
  sourceAddr: '',
};

const testDatabase = await dbTesting.createTestDatabase({ migrate: true });
const storage = mkdtempSync(join(tmpdir(), 'berth-bench-gc-'));
const database = new db.Database(testDatabase.url, { maxConnections: 20 });
try {
  const driver = new distribution.FilesystemBlobDriver(storage);
  const registry = distribution.createRegistryServices({
    blobs: driver,
    metadata: new db.PgMetadataStore(database),
    instanceId: 'bench',
  });
  await database.pool.query(`INSERT INTO project (name) VALUES ('bench')`);

  const upload = (repository, data) =>
    registry.uploads.monolithic(
      repository,
      { algorithm: 'sha256', hex: sha256(data).slice(7) },
      Readable.from([data]),
    );

  // 1. Unreferenced blobs, pushed as clients push them, then made old enough for GC.
  let seeded = 0;
  const seedStart = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (seeded < BLOBS) {
        seeded++;
        await upload('bench/junk', randomBytes(256));
      }
    }),
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;
  await database.pool.query(`UPDATE blob SET created_at = now() - interval '2 hours'`);
  await database.pool.query(`UPDATE repository_blob SET created_at = now() - interval '2 hours'`);

  // 2. The load: push an image (two layers, a config, a tagged manifest) or pull one, by turns.
  const images = [];
  async function pushOne() {
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', n: randomBytes(8).toString('hex') }),
    );
    const layers = [randomBytes(4096), randomBytes(1024)];
    for (const data of [config, ...layers]) await upload('bench/app', data);
    const payload = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: layers.map((l) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: sha256(l),
          size: l.length,
        })),
      }),
    );
    const tag = `t${images.length}-${randomBytes(3).toString('hex')}`;
    await registry.manifests.put(
      'bench/app',
      { payload, contentType: 'application/vnd.oci.image.manifest.v1+json', tags: [tag] },
      origin,
    );
    images.push({ tag, blobs: [config, ...layers].map(sha256) });
  }
  async function pullOne() {
    const image = images[Math.floor(Math.random() * images.length)];
    await registry.manifests.get('bench/app', image.tag);
    for (const digest of image.blobs) {
      await registry.blobs.stat('bench/app', digest);
      const stream = await driver.read(digest);
      for await (const _chunk of stream) void _chunk;
    }
  }
  await pushOne();
  async function load(seconds, whileRunning) {
    const latencies = [];
    const until = performance.now() + seconds * 1000;
    let failures = 0;
    await Promise.all(
      Array.from({ length: LOAD_CONCURRENCY }, async (_, lane) => {
        let n = 0;
        while (performance.now() < until && (!whileRunning || !whileRunning.done)) {
          const start = performance.now();
          try {
            if ((n++ + lane) % 2 === 0) await pushOne();
            else await pullOne();
            latencies.push(performance.now() - start);
          } catch {
            failures++;
          }
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (p) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    return { ops: latencies.length, failures, p50: at(50), p99: at(99) };
  }

  const baseline = await load(SECONDS);

  // 3. GC with the load running.
  const attrs = {};
  const log = { info() {}, warn() {}, error() {}, flush: async () => undefined };
  const processor = domain.gcProcessor({
    gc: new db.GcRepository(database),
    registry,
    blobs: driver,
    windows: { graceMinutes: 60, uploadMaxAgeHours: 24 },
  });
  const state = { done: false };
  const gcStart = performance.now();
  const gcRun = processor
    .run({
      payload: { dryRun: false, deleteUntagged: false, workers: WORKERS },
      execution: {
        id: 1n,
        vendorType: 'GARBAGE_COLLECTION',
        vendorId: -1n,
        trigger: 'MANUAL',
        extraAttrs: {},
      },
      task: { id: 1n, jobId: 'task:1', runCount: 1, extraAttrs: {} },
      attempt: 1,
      maxAttempts: 1,
      signal: new AbortController().signal,
      log,
      progress: async () => undefined,
      updateExecutionAttrs: async (values) => Object.assign(attrs, values),
      updateTaskAttrs: async () => undefined,
    })
    .then(() => {
      state.gcSeconds = (performance.now() - gcStart) / 1000;
      state.done = true;
    });
  const during = await load(SECONDS * 10, state);
  await gcRun;

  const result = {
    blobs: BLOBS,
    seed_blobs_per_s: Math.round(BLOBS / seedSeconds),
    gc_workers: WORKERS,
    purged_blobs: attrs.purged_blobs,
    gc_seconds: Number(state.gcSeconds.toFixed(2)),
    freed_blobs_per_s: Math.round(attrs.purged_blobs / state.gcSeconds),
    load_without_gc: baseline,
    load_with_gc: during,
    p99_ratio: Number((during.p99 / baseline.p99).toFixed(2)),
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(
      `seeded ${BLOBS} unreferenced blobs (${result.seed_blobs_per_s}/s through the upload service)`,
    );
    console.log(
      `GC (${WORKERS} workers): ${attrs.purged_blobs} blobs in ${result.gc_seconds} s = ${result.freed_blobs_per_s} blobs/s`,
    );
    const row = (name, r) =>
      `${name}: ${r.ops} ops, ${r.failures} failed, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;
    console.log(row('load without GC', baseline));
    console.log(row('load with GC   ', during));
    console.log(`p99 with / without: ${result.p99_ratio}x`);
  }
} finally {
  await database.close();
  await testDatabase.drop();
  rmSync(storage, { recursive: true, force: true });
}
