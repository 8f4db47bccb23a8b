#!/usr/bin/env node
// The listing benchmark (issue 3, item 8): seeds 100k artifacts across projects straight into
// Berth's tables, starts the built core on them, and reports p50/p95/p99 of Harbor's listing
// endpoints. See `node scripts/bench-listing.mjs --help`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORE_MAIN = join(ROOT, 'apps/core/dist/main.js');
const PG_ADMIN_URL = process.env.BERTH_BENCH_PG_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const ADMIN_PASSWORD = 'Bench-Admin-Passw0rd';
const TARGET_P99_MS = 100;

const USAGE = `Usage: node scripts/bench-listing.mjs [options]   (build first: pnpm turbo run build)

Creates a database berth_bench_<random> on ${PG_ADMIN_URL.replace(/\/[^/]*$/, '')}, starts
node apps/core/dist/main.js on it (migrations run at start), seeds the artifacts with SQL
(INSERT … SELECT generate_series: image manifests with realistic payloads, blobs and references,
tags, indexes with children, cosign signatures, labels), then times each listing shape with
sequential requests as admin. Drops the database and the data directory at the end.

Options
  --artifacts N     artifacts in total                                [100000]
  --hot N           of which in the one hot repository                [20000]
  --repositories N  repositories in total                             [3000]
  --projects N      projects                                          [200]
  --requests N      timed requests per shape                          [300]
  --warmup N        untimed requests per shape first                  [20]
  --basic-requests N  timed requests per shape with Basic auth        [100]
  --auth MODE       session | basic | both: how admin authenticates   [both]
                    (session: one POST /c/login, then the cookie; basic: Authorization: Basic on
                    every request, so every request also pays one password hash)
  --json            print the results as JSON on stdout instead of the table
  --seed-only       seed, stop the core and keep the database (its name is printed) for a look at
                    the plans; drop it yourself afterwards
  --help            this text

Exit status: 0 when every request succeeded, 1 when some failed, 2 on bad usage or setup failure.
`;

function parseArgs(argv) {
  const options = {
    artifacts: 100_000,
    hot: 20_000,
    repositories: 3000,
    projects: 200,
    requests: 300,
    basicRequests: 100,
    warmup: 20,
    auth: 'both',
    json: false,
    seedOnly: false,
    help: false,
  };
  const numeric = new Set([
    'artifacts',
    'hot',
    'repositories',
    'projects',
    'requests',
    'basic-requests',
    'warmup',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--seed-only') options.seedOnly = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg.startsWith('--') && (numeric.has(arg.slice(2)) || arg === '--auth')) {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (arg === '--auth') {
        if (!['session', 'basic', 'both'].includes(value))
          throw new Error('--auth is session, basic or both');
        options.auth = value;
      } else {
        const number = Number(value);
        if (!Number.isInteger(number) || number < 0) throw new Error(`${arg} needs a non-negative integer`);
        options[arg.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = number;
      }
    } else {
      throw new Error(`unknown option ${arg}`);
    }
  }
  if (options.projects < 3) throw new Error('--projects must be at least 3');
  if (options.repositories < 3) throw new Error('--repositories must be at least 3');
  if (options.hot >= options.artifacts) throw new Error('--hot must be less than --artifacts');
  return options;
}

const log = (message) => process.stderr.write(`[bench-listing] ${message}\n`);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

function loadPg() {
  return createRequire(join(ROOT, 'packages/db/package.json'))('pg');
}

function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

// --- database ------------------------------------------------------------------------------------

async function withAdmin(pg, work) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function databaseUrl(name) {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Seeds `o.artifacts` manifests: repository 0 is the hot one; project 1 holds a third of the
 * repositories (the repository-list shape), the rest are spread evenly. Every 40th artifact is a
 * cosign signature of the one before; in the hot repository every 100th is an index whose two
 * children follow it. Most images carry a `v<n>` tag, the newest of each repository `latest` too.
 */
async function seed(pg, url, o) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const step = async (what, sql, values = []) => {
    const started = performance.now();
    const result = await client.query(sql, values);
    log(`  ${what}: ${result.rowCount ?? 0} rows, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  try {
    const P = o.projects;
    const R = o.repositories;
    const bigProjectRepos = Math.floor(R / 3);
    const perRepo = Math.ceil((o.artifacts - o.hot) / (R - 1));
    await client.query('SET synchronous_commit = off');

    await step(
      'projects',
      `INSERT INTO project (name, metadata, created_at, updated_at)
       SELECT format('bench-%s', lpad(g::text, 4, '0')),
              jsonb_build_object('public', CASE WHEN g % 5 = 0 THEN 'true' ELSE 'false' END, 'auto_scan', 'false'),
              now() - make_interval(hours => g), now()
       FROM generate_series(0, $1::int - 1) g`,
      [P],
    );
    await step(
      'repositories',
      // first_push_at: every seeded repository holds artifacts, and listings show only those.
      `INSERT INTO repository (name, project_id, created_at, updated_at, first_push_at)
       SELECT CASE WHEN g = 0 THEN p.name || '/hot/app' ELSE format('%s/team-%s/service-%s', p.name, g % 17, g) END,
              p.id, now() - make_interval(mins => $1::int - g), now(), now() - make_interval(mins => $1::int - g)
       FROM generate_series(0, $1::int - 1) g
       JOIN project p ON p.name = format('bench-%s', lpad((CASE WHEN g = 0 THEN 0 WHEN g <= $2::int THEN 1
                                                           ELSE 2 + g % ($3::int - 2) END)::text, 4, '0'))`,
      [R, bigProjectRepos, P],
    );
    await client.query(
      `CREATE UNLOGGED TABLE bench_repo AS
       SELECT CASE WHEN name LIKE '%/hot/app' THEN 0 ELSE substring(name FROM 'service-([0-9]+)$')::int END AS g, id
       FROM repository WHERE name LIKE 'bench-%'`,
    );

    // Every artifact: its repository, kind and push time; payloads follow in dependency order.
    await step(
      'artifact plan',
      `CREATE UNLOGGED TABLE bench_artifact AS
       SELECT a, r.id AS repository_id,
              CASE WHEN a % 40 = 39 THEN 'signature'
                   WHEN a < $2::int AND a % 100 = 50 THEN 'index'
                   WHEN a < $2::int AND a % 100 IN (51, 52) THEN 'child'
                   ELSE 'image' END AS kind,
              now() - make_interval(secs => ($1::int - a)::double precision) AS pushed_at,
              NULL::bytea AS payload, NULL::text AS digest, NULL::text AS artifact_type, NULL::text AS media_type,
              NULL::text AS subject, NULL::text[] AS ref_digests, NULL::text[] AS ref_kinds, NULL::bigint[] AS ref_sizes
       FROM generate_series(0, $1::int - 1) a
       JOIN bench_repo r ON r.g = CASE WHEN a < $2::int THEN 0 ELSE 1 + LEAST((a - $2::int) / $3::int, $4::int - 2) END`,
      [o.artifacts, o.hot, perRepo, R],
    );
    await client.query('CREATE UNIQUE INDEX ON bench_artifact (a)');

    // Images and index children: a unique config and top layer, a base layer shared per repository.
    await step(
      'image manifests',
      `UPDATE bench_artifact b SET
         media_type = 'application/vnd.oci.image.manifest.v1+json',
         artifact_type = 'application/vnd.oci.image.config.v1+json',
         ref_digests = ARRAY[x.config, x.base, x.top],
         ref_kinds = ARRAY['blob', 'blob', 'blob'],
         ref_sizes = ARRAY[x.config_size, x.base_size, x.top_size],
         payload = x.payload,
         digest = 'sha256:' || encode(sha256(x.payload), 'hex')
       FROM (
         SELECT a, config, base, top, config_size, base_size, top_size,
                convert_to(format('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
                  '"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},'
                  '"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s},'
                  '{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}],'
                  '"annotations":{"org.opencontainers.image.created":"%s","org.opencontainers.image.revision":"%s",'
                  '"org.opencontainers.image.source":"https://git.example.com/bench/service-%s"}}',
                  config, config_size, base, base_size, top, top_size,
                  to_char(pushed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                  md5(a::text), repository_id), 'UTF8') AS payload
         FROM (
           SELECT a, repository_id, pushed_at,
                  'sha256:' || encode(sha256(convert_to('config-' || a, 'UTF8')), 'hex') AS config,
                  'sha256:' || encode(sha256(convert_to('base-' || repository_id, 'UTF8')), 'hex') AS base,
                  'sha256:' || encode(sha256(convert_to('top-' || a, 'UTF8')), 'hex') AS top,
                  1200 + a % 900 AS config_size,
                  28000000 + repository_id % 5000000 AS base_size,
                  100000 + (a * 7919) % 40000000 AS top_size
           FROM bench_artifact WHERE kind IN ('image', 'child')
         ) s
       ) x
       WHERE b.a = x.a`,
    );
    await step(
      'index manifests',
      `UPDATE bench_artifact b SET
         media_type = 'application/vnd.oci.image.index.v1+json',
         ref_digests = ARRAY[c1.digest, c2.digest],
         ref_kinds = ARRAY['manifest', 'manifest'],
         ref_sizes = ARRAY[length(c1.payload)::bigint, length(c2.payload)::bigint],
         payload = x.payload,
         digest = 'sha256:' || encode(sha256(x.payload), 'hex')
       FROM bench_artifact c1, bench_artifact c2,
         LATERAL (SELECT convert_to(format('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",'
                  '"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,'
                  '"platform":{"architecture":"amd64","os":"linux"}},'
                  '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,'
                  '"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}',
                  c1.digest, length(c1.payload), c2.digest, length(c2.payload)), 'UTF8') AS payload) x
       WHERE b.kind = 'index' AND c1.a = b.a + 1 AND c2.a = b.a + 2`,
    );
    await step(
      'signature manifests',
      `UPDATE bench_artifact b SET
         media_type = 'application/vnd.oci.image.manifest.v1+json',
         artifact_type = 'application/vnd.dev.cosign.artifact.sig.v1+json',
         subject = x.subject,
         ref_digests = ARRAY['sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', x.layer],
         ref_kinds = ARRAY['blob', 'blob'],
         ref_sizes = ARRAY[2::bigint, 240::bigint],
         payload = x.payload,
         digest = 'sha256:' || encode(sha256(x.payload), 'hex')
       FROM (
         SELECT t.a, l.layer, s.digest AS subject,
                convert_to(format('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
                  '"artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json",'
                  '"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},'
                  '"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"%s","size":240}],'
                  '"subject":{"mediaType":"%s","digest":"%s","size":%s},'
                  '"annotations":{"dev.cosignproject.cosign/signature":"%s"}}',
                  l.layer, s.media_type, s.digest, length(s.payload), encode(sha512(convert_to('sig' || t.a, 'UTF8')), 'hex')),
                  'UTF8') AS payload
         FROM bench_artifact t
         JOIN bench_artifact s ON s.a = t.a - 1,
         LATERAL (SELECT 'sha256:' || encode(sha256(convert_to('sig-' || t.a, 'UTF8')), 'hex') AS layer) l
         WHERE t.kind = 'signature'
       ) x
       WHERE b.a = x.a`,
    );
    await step(
      'manifests',
      `INSERT INTO manifest (repository_id, digest, media_type, artifact_type, size, payload, subject_digest,
                             created_at, pull_count, pulled_at)
       SELECT repository_id, digest, media_type, artifact_type, length(payload), payload, subject, pushed_at,
              CASE WHEN a % 3 = 0 THEN (a * 31) % 5000 ELSE 0 END,
              CASE WHEN a % 3 = 0 THEN pushed_at + interval '1 hour' END
       FROM bench_artifact ORDER BY a`,
    );
    await step(
      'blobs',
      `INSERT INTO blob (digest, size)
       SELECT DISTINCT ON (r.digest) r.digest, r.size
       FROM bench_artifact b, unnest(b.ref_digests, b.ref_kinds, b.ref_sizes) AS r (digest, kind, size)
       WHERE r.kind = 'blob' ON CONFLICT DO NOTHING`,
    );
    await step(
      'blob links',
      `INSERT INTO repository_blob (repository_id, digest)
       SELECT DISTINCT b.repository_id, r.digest
       FROM bench_artifact b, unnest(b.ref_digests, b.ref_kinds) AS r (digest, kind)
       WHERE r.kind = 'blob' ON CONFLICT DO NOTHING`,
    );
    await step(
      'manifest references',
      `INSERT INTO manifest_reference (manifest_id, digest, kind, size)
       SELECT m.id, r.digest, r.kind, r.size
       FROM bench_artifact b
       JOIN manifest m ON m.repository_id = b.repository_id AND m.digest = b.digest,
       unnest(b.ref_digests, b.ref_kinds, b.ref_sizes) AS r (digest, kind, size)
       ON CONFLICT DO NOTHING`,
    );
    await step(
      'tags',
      `INSERT INTO tag (repository_id, name, manifest_id, updated_at)
       SELECT b.repository_id, CASE WHEN b.kind = 'index' THEN 'multi-' ELSE 'v1.' END || b.a, m.id, b.pushed_at
       FROM bench_artifact b JOIN manifest m ON m.repository_id = b.repository_id AND m.digest = b.digest
       WHERE (b.kind = 'image' AND b.a % 7 <> 3) OR b.kind = 'index'
       UNION ALL
       (SELECT DISTINCT ON (b.repository_id) b.repository_id, 'latest', m.id, b.pushed_at
        FROM bench_artifact b JOIN manifest m ON m.repository_id = b.repository_id AND m.digest = b.digest
        WHERE b.kind = 'image'
        ORDER BY b.repository_id, b.a DESC)`,
    );
    await step(
      'labels',
      `INSERT INTO label (name, description, color, scope) VALUES
         ('bench-release', 'released', '#00aa00', 'g'), ('bench-qa', 'in QA', '#aaaa00', 'g'),
         ('bench-deprecated', 'deprecated', '#aa0000', 'g')`,
    );
    await step(
      'artifact labels',
      `INSERT INTO artifact_label (manifest_id, label_id)
       SELECT m.id, l.id FROM manifest m JOIN label l ON l.name = CASE WHEN m.id % 10 = 0 THEN 'bench-release'
                                                                     WHEN m.id % 10 = 5 THEN 'bench-qa' END`,
    );
    await client.query('DROP TABLE bench_artifact, bench_repo');
    // A registry at rest: autovacuum has set the visibility map, so index-only scans stay index-only.
    await step('vacuum analyze', 'VACUUM ANALYZE');

    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM manifest)::int AS manifests, (SELECT count(*) FROM repository)::int AS repositories,
              (SELECT count(*) FROM project)::int AS projects, (SELECT count(*) FROM tag)::int AS tags,
              (SELECT count(*) FROM blob)::int AS blobs`,
    );
    return rows[0];
  } finally {
    await client.end().catch(() => {});
  }
}

// --- the core --------------------------------------------------------------------------------------

async function startCore(url, port, dataDir) {
  const output = [];
  const child = spawn(process.execPath, [CORE_MAIN], {
    env: {
      ...process.env,
      NO_COLOR: '1',
      BERTH_HOST: '127.0.0.1',
      BERTH_PORT: String(port),
      BERTH_DATA_DIR: dataDir,
      BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BERTH_LOG_LEVEL: 'warn',
      DATABASE_URL: url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  let gone = null;
  void exited.then((result) => (gone = result));
  while (Date.now() < deadline) {
    if (gone)
      throw new Error(
        `core exited during startup (${JSON.stringify(gone)}):\n${output.join('').slice(-4000)}`,
      );
    try {
      const response = await fetch(`${base}/api/v2.0/ping`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  if (Date.now() >= deadline) throw new Error(`core did not start:\n${output.join('').slice(-4000)}`);
  return {
    base,
    logs: () => output.join(''),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function login(base) {
  const response = await fetch(`${base}/c/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ principal: 'admin', password: ADMIN_PASSWORD }),
  });
  await response.arrayBuffer();
  const cookie = (response.headers.getSetCookie?.() ?? [])
    .map((value) => value.split(';')[0])
    .find((value) => value.startsWith('sid='));
  if (response.status !== 200 || !cookie)
    throw new Error(`POST /c/login answered ${response.status} without a sid cookie`);
  return cookie;
}

// --- timing ----------------------------------------------------------------------------------------

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

async function timeShape(base, headers, shape, o) {
  const samples = [];
  let errors = 0;
  let lastError = '';
  let items = 0;
  let total = null;
  for (let i = 0; i < o.warmup + o.requests; i++) {
    const path = typeof shape.path === 'function' ? shape.path(i) : shape.path;
    const started = performance.now();
    let status = 0;
    try {
      const response = await fetch(`${base}${path}`, { headers });
      const body = await response.text();
      status = response.status;
      if (status === 200) {
        items = JSON.parse(body).length;
        total = response.headers.get('x-total-count');
      } else {
        lastError = `${status} ${body.slice(0, 200)}`;
      }
    } catch (error) {
      lastError = String(error);
    }
    const elapsed = performance.now() - started;
    if (i < o.warmup) continue;
    if (status !== 200) errors++;
    samples.push(elapsed);
  }
  samples.sort((a, b) => a - b);
  return {
    shape: shape.id,
    path: typeof shape.path === 'function' ? shape.path(0) : shape.path,
    requests: samples.length,
    errors,
    ...(errors ? { lastError } : {}),
    items,
    total: total === null ? null : Number(total),
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(samples.at(-1) ?? NaN),
    mean: round(samples.reduce((sum, value) => sum + value, 0) / (samples.length || 1)),
  };
}

const round = (value) => Math.round(value * 10) / 10;

function shapes(o, hotTotal) {
  const hot = `/api/v2.0/projects/bench-0000/repositories/${encodeURIComponent(encodeURIComponent('hot/app'))}/artifacts`;
  const lastPage = Math.max(1, Math.ceil(hotTotal / 100));
  const bigProjectPages = Math.max(1, Math.ceil(Math.floor(o.repositories / 3) / 100));
  return [
    { id: 'artifacts: hot repo, page 1', path: `${hot}?page_size=100&with_tag=true` },
    {
      id: `artifacts: hot repo, last page (${lastPage})`,
      path: `${hot}?page=${lastPage}&page_size=100&with_tag=true`,
    },
    {
      id: 'artifacts: hot repo, random pages',
      path: (i) => `${hot}?page=${1 + ((i * 7919) % lastPage)}&page_size=100&with_tag=true`,
    },
    {
      id: 'artifacts: hot repo, with_label+accessory',
      path: `${hot}?page=2&page_size=100&with_tag=true&with_label=true&with_accessory=true`,
    },
    { id: 'projects: page 1', path: '/api/v2.0/projects?page_size=100' },
    {
      id: 'repositories: big project, page 1',
      path: '/api/v2.0/projects/bench-0001/repositories?page_size=100',
    },
    {
      id: `repositories: big project, last page (${bigProjectPages})`,
      path: `/api/v2.0/projects/bench-0001/repositories?page=${bigProjectPages}&page_size=100`,
    },
    { id: 'repositories: all, page 1', path: '/api/v2.0/repositories?page_size=100' },
  ];
}

function table(results, o) {
  const header = [
    'auth',
    'shape',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'items',
    'total',
    'errors',
    `p99<${TARGET_P99_MS}`,
  ];
  const rows = results.map((r) => [
    r.auth,
    r.shape,
    r.p50.toFixed(1),
    r.p95.toFixed(1),
    r.p99.toFixed(1),
    r.max.toFixed(1),
    String(r.items),
    r.total === null ? '-' : String(r.total),
    String(r.errors),
    r.p99 < TARGET_P99_MS ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    `| ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  return [
    `Sequential requests per shape (${o.requests} with a session cookie, ${o.basicRequests} with Basic auth) ` +
      `after ${o.warmup} warm-up requests, as admin.`,
    '',
    line(header),
    `|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

// --- main ------------------------------------------------------------------------------------------

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!existsSync(CORE_MAIN)) {
    process.stderr.write(`${CORE_MAIN} does not exist: build first (pnpm turbo run build)\n`);
    return 2;
  }

  const pg = loadPg();
  const name = `berth_bench_${randomBytes(6).toString('hex')}`;
  const url = databaseUrl(name);
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-listing-'));
  let core = null;
  let created = false;
  const cleanup = async () => {
    if (core) await core.stop().catch(() => {});
    core = null;
    if (created) {
      await withAdmin(pg, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(
        (error) => log(`dropping ${name} failed: ${error.message}`),
      );
      created = false;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await withAdmin(pg, (client) => client.query(`CREATE DATABASE ${name}`));
    created = true;
    log(`database ${name}; starting the core (migrations)`);
    core = await startCore(url, await freePort(), dataDir);
    log(
      `seeding ${o.artifacts} artifacts (${o.hot} in the hot repository), ${o.repositories} repositories, ${o.projects} projects`,
    );
    const started = performance.now();
    const counts = await seed(pg, url, o);
    log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
    if (o.seedOnly) {
      created = false;
      process.stdout.write(`${url}\n`);
      return 0;
    }

    const modes = o.auth === 'both' ? ['session', 'basic'] : [o.auth];
    const cookie = modes.includes('session') ? await login(core.base) : null;
    const basic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
    const probe = await fetch(
      `${core.base}/api/v2.0/projects/bench-0000/repositories/hot%252Fapp/artifacts?page_size=1`,
      {
        headers: { authorization: basic },
      },
    );
    await probe.arrayBuffer();
    const hotTotal = Number(probe.headers.get('x-total-count') ?? 0);

    const results = [];
    for (const mode of modes) {
      const headers = mode === 'session' ? { cookie } : { authorization: basic };
      for (const shape of shapes(o, hotTotal)) {
        log(`timing [${mode}] ${shape.id}`);
        const requests = mode === 'basic' ? o.basicRequests : o.requests;
        results.push({ auth: mode, ...(await timeShape(core.base, headers, shape, { ...o, requests })) });
      }
    }
    const report = {
      seeded: counts,
      options: {
        requests: o.requests,
        basicRequests: o.basicRequests,
        warmup: o.warmup,
        artifacts: o.artifacts,
        hot: o.hot,
        repositories: o.repositories,
        projects: o.projects,
      },
      targetP99Ms: TARGET_P99_MS,
      results,
    };
    if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${table(results, o)}\n`);
    return results.some((result) => result.errors > 0) ? 1 : 0;
  } catch (error) {
    process.stderr.write(`bench-listing failed: ${error.stack ?? error}\n`);
    if (core) process.stderr.write(`core log tail:\n${core.logs().slice(-3000)}\n`);
    return 2;
  } finally {
    await cleanup();
  }
}

process.exitCode = await main();
