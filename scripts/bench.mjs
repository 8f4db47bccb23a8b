#!/usr/bin/env node
// `pnpm bench`: runs ../shared/bench/registry-bench.mjs against Berth and against CNCF distribution
// in one go, the same shapes and flags for both, and prints Berth's figures as ratios to
// distribution's. See docs/performance.md and `node scripts/bench.mjs --help`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  backendCpuSeconds,
  backendTicks,
  createBenchDatabase,
  dropBenchDatabase,
} from './bench/database.mjs';
import { evaluate, markdownTable, resourcesTable, runNotes } from './bench/report.mjs';
import { randomBytes } from 'node:crypto';
import { DISTRIBUTION_BIN, berthServer, distributionServer, ensureProjects } from './bench/servers.mjs';
import { SHAPES, SHAPE_IDS, WARMUP_ARGS } from './bench/shapes.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REGISTRY_BENCH = resolve(ROOT, '../shared/bench/registry-bench.mjs');
const SERVERS = ['berth', 'distribution'];

const USAGE = `Usage: node scripts/bench.mjs [options]   (pnpm bench builds first, then runs this)

Runs ${REGISTRY_BENCH}
against Berth (node apps/core/dist/main.js, fresh PostgreSQL database on 127.0.0.1:5432) and
CNCF distribution (${DISTRIBUTION_BIN}), both started here on loopback ports with temp dirs,
and prints Berth's figures as ratios to distribution's.

Options
  --quick            smaller counts (a smoke run; figures are not meaningful)
  --only SERVER      berth | distribution: run one server only (no ratios)
  --shapes LIST      comma list of ${SHAPE_IDS.join(', ')} (or 1-${SHAPE_IDS.length})   [all]
  --json             write the machine-readable results to stdout (instead of the table)
  --out FILE         also write the markdown report to FILE
  --repeat N         run every shape N times per server, the servers interleaved (one
                     registry-bench run each, fresh repositories each time); the table
                     shows the median and min–max  [1]
  --wait-idle S      before each run, wait up to S seconds for the machine to be idle
                     (< 15% busy over 2 s); the busy share seen is always recorded  [0]
  --no-warmup        skip the untimed warm-up run against each server
  --help             this text

Berth's core runs with the node flags of apps/core/node-flags.json, as \`pnpm start\` and the image
run it; BERTH_BENCH_NODE_ARGS="…" (space-separated) replaces them for an experiment.

Progress goes to stderr. Exit status: 0 every run completed without errors (targets missed or
not), 1 a run had errors or failed, 2 bad usage or the servers could not be started.
`;

function parseArgs(argv) {
  const o = {
    quick: false,
    only: null,
    shapes: SHAPE_IDS,
    json: false,
    out: null,
    warmup: true,
    repeat: 1,
    waitIdle: 0,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const name = a.startsWith('--') ? (eq > 0 ? a.slice(2, eq) : a.slice(2)) : a;
    const value = () => {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new Error(`--${name} needs a value`);
      return v;
    };
    switch (name) {
      case 'quick':
        o.quick = true;
        break;
      case 'json':
        o.json = true;
        break;
      case 'no-warmup':
        o.warmup = false;
        break;
      case 'help':
      case '-h':
        o.help = true;
        break;
      case 'only': {
        const v = value();
        if (!SERVERS.includes(v)) throw new Error(`--only must be berth or distribution, got ${v}`);
        o.only = v;
        break;
      }
      case 'shapes': {
        const list = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => (/^\d+$/.test(s) ? (SHAPE_IDS[Number(s) - 1] ?? s) : s));
        for (const s of list)
          if (!SHAPE_IDS.includes(s)) throw new Error(`unknown shape ${s} (known: ${SHAPE_IDS.join(', ')})`);
        o.shapes = SHAPE_IDS.filter((s) => list.includes(s));
        break;
      }
      case 'repeat': {
        const v = value();
        if (!/^[1-9]\d*$/.test(v)) throw new Error(`--repeat needs a positive integer, got ${v}`);
        o.repeat = Number(v);
        break;
      }
      case 'wait-idle': {
        const v = Number(value());
        if (!(v >= 0)) throw new Error('--wait-idle needs a number of seconds');
        o.waitIdle = v;
        break;
      }
      case 'out':
        o.out = resolve(process.cwd(), value());
        break;
      default:
        throw new Error(`unknown argument ${a} (see --help)`);
    }
  }
  return o;
}

const log = (s) => process.stderr.write(`[bench] ${s}\n`);

function sh(cmd, args) {
  try {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  } catch {
    return null;
  }
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    nproc: sh('nproc', []) ?? String(os.availableParallelism()),
    cpu_model: cpus[0]?.model ?? 'unknown',
    mem_total_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    free_h: sh('free', ['-h']),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    distribution: sh(DISTRIBUTION_BIN, ['--version']),
    berth_commit: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    berth_dirty: (sh('git', ['-C', ROOT, 'status', '--porcelain']) ?? '') !== '',
  };
}

function procStatus(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (k) => Number(s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    return { rss_mib: Math.round(kib('VmRSS') / 102.4) / 10, hwm_mib: Math.round(kib('VmHWM') / 102.4) / 10 };
  } catch {
    return null;
  }
}

function cpuTotals() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return { total: f.reduce((a, b) => a + b, 0), idle };
}

/** Share of all cores busy over `ms` (percent). */
async function machineBusy(ms = 2000) {
  const a = cpuTotals();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTotals();
  const dt = b.total - a.total || 1;
  return Math.round((1000 * (dt - (b.idle - a.idle))) / dt) / 10;
}

/** Waits (up to waitS seconds) for a quiet machine; returns the last busy share seen. */
async function settle(waitS) {
  const deadline = Date.now() + waitS * 1000;
  let busy = await machineBusy();
  while (busy >= 15 && Date.now() < deadline && !state.stopping) {
    log(`machine ${busy}% busy before the run; waiting for it to settle`);
    busy = await machineBusy();
  }
  if (busy >= 15)
    log(`warning: machine ${busy}% busy (all cores) just before this run: figures will be noisy`);
  return busy;
}

// --- the registry-bench child ------------------------------------------------------------------

let currentBench = null;

/**
 * Runs registry-bench with `args` against `server`; resolves { code, doc, error }. onLine gets
 * every progress line as it arrives (used to time the phases for PostgreSQL CPU accounting).
 */
function runRegistryBench(server, args, tag, onLine = () => {}) {
  return new Promise((resolvePromise) => {
    const full = [REGISTRY_BENCH, ...args, '--url', server.url, '--pid', String(server.pid), '--json'];
    if (server.credentials)
      full.push('--user', server.credentials.user, '--password', server.credentials.password);
    const child = spawn(process.execPath, full, { stdio: ['ignore', 'pipe', 'pipe'] });
    currentBench = child;
    const out = [];
    let errBuf = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => {
      errBuf += c.toString();
      let nl;
      while ((nl = errBuf.indexOf('\n')) >= 0) {
        const line = errBuf.slice(0, nl);
        onLine(line);
        process.stderr.write(`  [${tag}] ${line}\n`);
        errBuf = errBuf.slice(nl + 1);
      }
    });
    child.on('close', (code, signal) => {
      currentBench = null;
      if (errBuf) process.stderr.write(`  [${tag}] ${errBuf}\n`);
      const text = Buffer.concat(out).toString();
      let doc = null;
      let error = null;
      try {
        doc = JSON.parse(text);
      } catch {
        error = `registry-bench exited with ${code ?? signal} and no JSON result`;
      }
      // The admin password of the throw-away core is not worth keeping in the results.
      const argv = full.slice(1).map((v, i, all) => (all[i - 1] === '--password' ? '***' : v));
      resolvePromise({ code, signal, doc, error, argv });
    });
  });
}

// --- cleanup (normal end, failure, SIGINT/SIGTERM) -----------------------------------------------

const state = { servers: [], db: null, cleaning: null, stopping: false };

function cleanup() {
  state.cleaning ??= (async () => {
    if (currentBench) {
      try {
        currentBench.kill('SIGTERM');
      } catch {
        /* gone */
      }
    }
    for (const s of state.servers) {
      try {
        await s.dispose();
      } catch (e) {
        log(`stopping ${s.label} failed: ${e.message}`);
      }
    }
    if (state.db) {
      try {
        await dropBenchDatabase(ROOT, state.db.name);
        log(`dropped database ${state.db.name}`);
      } catch (e) {
        log(`dropping database ${state.db.name} failed: ${e.message}`);
      }
      state.db = null;
    }
  })();
  return state.cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`${sig}: stopping servers and cleaning up`);
    state.stopping = true;
    const code = sig === 'SIGINT' ? 130 : 143;
    cleanup().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 30000).unref();
  });
}
process.on('exit', () => {
  for (const s of state.servers) s.killNowSync();
});

/** One registry-bench invocation of `shape` (repeat k) against one server. */
async function runShapeOnce(shape, k, server, name, o) {
  const inv = { repeat: k };
  if (!server.alive()) {
    log(`${server.label} is not running (exited: ${JSON.stringify(server.exited)}); restarting it`);
    try {
      await server.start();
      inv.restarted = true;
    } catch (e) {
      inv.error = `could not restart: ${e.message.split('\n')[0]}`;
      return inv;
    }
  }
  const prefix = `${shape.id}-${k}`;
  const args = [...(o.quick ? shape.quickArgs : shape.args), '--prefix', prefix];
  spawnSync('sync'); // dirty pages of the previous run must not be written back during this one
  inv.machine_busy_before_pct = await settle(o.waitIdle);
  if (server.credentials) await ensureProjects(server, [prefix], server.credentials);
  // Berth's work in PostgreSQL runs in other processes: its backends' CPU is measured per phase
  // (between registry-bench's "<phase>: start" and "<phase>: <n> s" progress lines).
  const pgPhases = {};
  let pgStart = null;
  const onLine = (line) => {
    if (name !== 'berth' || !state.db) return;
    const m = line.match(/^\[registry-bench\] ([\w-]+): (start|[\d.]+ s,)/);
    if (!m) return;
    if (m[2] === 'start') pgStart = backendTicks(state.db.name);
    else if (pgStart) {
      pgPhases[m[1]] = backendCpuSeconds(pgStart, backendTicks(state.db.name));
      pgStart = null;
    }
  };
  const t0 = Date.now();
  const r = await runRegistryBench(server, args, `${shape.id}#${k}/${name}`, onLine);
  inv.wall_s = (Date.now() - t0) / 1000;
  for (const run of r.doc?.runs ?? []) {
    run.repeat = k;
    for (const p of run.phases) {
      const cpu = pgPhases[p.scenario];
      if (cpu == null) continue;
      p.postgres = { cpu_s: Math.round(cpu * 100) / 100, cpu_pct: Math.round((1000 * cpu) / p.wall_s) / 10 };
    }
  }
  inv.argv = r.argv;
  inv.exit = r.code;
  inv.doc = r.doc;
  if (r.error) inv.error = r.error;
  inv.server_after = procStatus(server.pid);
  if (!server.alive()) inv.server_died = server.exited;
  return inv;
}

/** One registry-bench document holding the runs of every invocation (repeat k = runs[k-1]). */
function mergeDocs(invocations) {
  const docs = invocations.map((i) => i.doc).filter(Boolean);
  if (!docs.length) return null;
  const totals = { errors: 0, verification_failures: 0 };
  for (const d of docs) {
    totals.errors += d.totals?.errors ?? 0;
    totals.verification_failures += d.totals?.verification_failures ?? 0;
  }
  return {
    ...docs[0],
    config: { ...docs[0].config, prefix: docs.map((d) => d.config?.prefix).join(',') },
    runs: docs.flatMap((d) => d.runs),
    summary: undefined,
    totals,
    ok: docs.length === invocations.length && docs.every((d) => d.ok),
  };
}

// --- main ------------------------------------------------------------------------------------------

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${e.message}\n`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const servers = o.only ? [o.only] : SERVERS;
  if (!existsSync(REGISTRY_BENCH)) {
    process.stderr.write(`bench: ${REGISTRY_BENCH} not found\n`);
    return 2;
  }
  const berthMain = join(ROOT, 'apps/core/dist/main.js');
  if (servers.includes('berth') && !existsSync(berthMain)) {
    process.stderr.write(
      `bench: ${berthMain} not found: build first (pnpm bench does), or use --only distribution\n`,
    );
    return 2;
  }
  if (servers.includes('distribution') && !existsSync(DISTRIBUTION_BIN)) {
    process.stderr.write(
      `bench: ${DISTRIBUTION_BIN} not found (apt-get install docker-registry), or use --only berth\n`,
    );
    return 2;
  }

  const machine = machineInfo();
  const command = ['node', 'scripts/bench.mjs', ...process.argv.slice(2)].join(' ');
  log(
    `machine: ${machine.nproc} cores (${machine.cpu_model}), ${machine.mem_total_gib} GiB, node ${machine.node}`,
  );
  log(`shapes: ${o.shapes.join(', ')}${o.quick ? ' (quick)' : ''}; servers: ${servers.join(', ')}`);

  // Start the servers (both stay up for the whole run; only one is under load at a time).
  const byName = {};
  try {
    if (servers.includes('berth')) {
      state.db = await createBenchDatabase(ROOT);
      log(`created database ${state.db.name}`);
      byName.berth = berthServer({
        root: ROOT,
        databaseUrl: state.db.url,
        adminPassword: `Bench-${randomBytes(8).toString('hex')}-Aa1`,
        log,
      });
      state.servers.push(byName.berth);
    }
    if (servers.includes('distribution')) {
      byName.distribution = distributionServer({ log });
      state.servers.push(byName.distribution);
    }
    for (const name of servers) await byName[name].start();
    const berth = byName.berth;
    if (berth?.readyStatus === 401) {
      // Berth enforces authentication on /v2/: registry-bench logs in as the bootstrap admin
      // (token requests are timed separately, as "token"), and the projects the repository
      // names start with are created first. distribution runs without auth either way.
      berth.credentials = { user: 'admin', password: berth.env(berth).BERTH_ADMIN_PASSWORD };
      log('Berth requires authentication on /v2/: registry-bench will log in as admin');
    }
  } catch (e) {
    process.stderr.write(`bench: could not start the servers: ${e.message}\n`);
    await cleanup();
    return 2;
  }

  const idle = {};
  if (o.warmup) {
    for (const name of servers) {
      log(`warm-up against ${byName[name].label} (untimed, not reported)`);
      if (byName[name].credentials) await ensureProjects(byName[name], ['warmup'], byName[name].credentials);
      const r = await runRegistryBench(byName[name], WARMUP_ARGS, `warmup/${name}`);
      if (r.error || !r.doc?.ok)
        log(`warm-up against ${name} had problems: ${r.error ?? 'errors (see above)'}`);
    }
  }
  for (const name of servers) idle[name] = procStatus(byName[name].pid);

  // Shapes in turn; within a shape the servers are interleaved: repeat k runs registry-bench once
  // against each server, the order alternating (distribution first in odd repeats, Berth first in
  // even ones), each invocation on fresh repositories (<shape>-<k>/rN).
  const results = [];
  let failed = false;
  for (const shape of SHAPES.filter((s) => o.shapes.includes(s.id))) {
    if (state.stopping) break;
    log(`shape ${shape.id}: ${shape.title}`);
    const runs = Object.fromEntries(servers.map((n) => [n, { invocations: [], doc: null }]));
    const order = [];
    for (let k = 1; k <= o.repeat; k++) {
      const thisOrder = k % 2 === 1 ? [...servers].reverse() : [...servers];
      order.push(thisOrder);
      for (const name of thisOrder) {
        if (state.stopping) break;
        const inv = await runShapeOnce(shape, k, byName[name], name, o);
        runs[name].invocations.push(inv);
        if (inv.error || !inv.doc?.ok) failed = true;
      }
    }
    for (const name of servers) runs[name].doc = mergeDocs(runs[name].invocations);
    const args = [...(o.quick ? shape.quickArgs : shape.args), '--prefix', `${shape.id}-<k>`];
    const docs = Object.fromEntries(servers.map((n) => [n, runs[n]?.doc ?? null]));
    const figures = shape.figures.map((f) => evaluate(f, docs));
    const resources = shape.resources.map((f) => evaluate(f, docs));
    results.push({ id: shape.id, title: shape.title, args, order, runs, figures, resources });
    for (const name of servers) {
      for (const inv of runs[name].invocations) delete inv.doc; // kept once, merged, in runs[name].doc
    }
    for (const e of figures) {
      log(
        `  ${shape.id} ${e.label}: ` +
          servers.map((n) => `${n} ${e.values[n] != null ? e.values[n].toFixed(2) : '—'}`).join(', ') +
          (e.ratio != null ? `, ratio ${e.ratio.toFixed(2)}` : '') +
          (e.verdict ? ` [${e.verdict}]` : ''),
      );
    }
  }

  const serverInfo = Object.fromEntries(
    servers.map((n) => [
      n,
      {
        pid: byName[n].pid,
        url: byName[n].url,
        starts: byName[n].starts,
        v2_status_at_start: byName[n].readyStatus,
        authenticated: !!byName[n].credentials,
        idle_after_warmup: idle[n],
      },
    ]),
  );
  await cleanup();

  const notes = runNotes(results);
  const md = [
    `## registry-bench: Berth vs CNCF distribution${o.quick ? ' (quick run)' : ''}`,
    '',
    `- command: \`${command}\``,
    `- machine: ${machine.nproc} cores (${machine.cpu_model}), ${machine.mem_total_gib} GiB RAM, ${machine.kernel}, node ${machine.node}`,
    `- distribution: ${machine.distribution ?? 'n/a'}; Berth: ${machine.berth_commit ?? 'n/a'}${machine.berth_dirty ? ' (uncommitted changes)' : ''}`,
    `- runs: ${o.repeat > 1 ? `${o.repeat} per shape and server, median (min–max)` : 'one per shape and server'}; ` +
      'servers interleaved per repeat (distribution first in odd repeats, Berth first in even ones), fresh repositories each time',
    `- machine busy just before each run (all cores, %): ` +
      results
        .map(
          (s) =>
            `${s.id} ` +
            servers
              .map(
                (n) => `${n} ${s.runs[n].invocations.map((i) => i.machine_busy_before_pct ?? '?').join('/')}`,
              )
              .join(', '),
        )
        .join('; '),
    ...(byName.berth?.credentials
      ? [
          '- Berth required authentication on /v2/: registry-bench logged in as admin (Bearer tokens, cached per scope); distribution ran without auth',
        ]
      : []),
    `- servers: ${servers.join(', ')}; idle RSS after warm-up: ` +
      servers.map((n) => `${n} ${idle[n]?.rss_mib ?? '?'} MiB`).join(', '),
    '',
    markdownTable(results),
    '',
    'Server and client resources per phase (informational; the peak RSS is VmHWM reset at phase start):',
    '',
    resourcesTable(results),
    ...(notes.length ? ['', 'Notes:', '', ...notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');

  if (o.out) {
    writeFileSync(o.out, md);
    log(`wrote ${o.out}`);
  }
  if (o.json) {
    const doc = {
      tool: 'berth-bench',
      started: new Date(Date.now() - process.uptime() * 1000).toISOString(),
      command,
      quick: o.quick,
      machine,
      registry_bench: REGISTRY_BENCH,
      servers: serverInfo,
      shapes: results.map((s) => ({
        id: s.id,
        title: s.title,
        args: s.args,
        order: s.order,
        figures: s.figures,
        resources: s.resources,
        runs: s.runs,
      })),
      notes,
      markdown: md,
      ok: !failed,
    };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  } else {
    process.stdout.write('\n' + md);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (e) => {
    process.stderr.write(`bench: fatal: ${e?.stack ?? e}\n`);
    await cleanup();
    process.exitCode = 1;
  },
);
