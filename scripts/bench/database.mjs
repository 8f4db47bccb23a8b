// A throw-away PostgreSQL database for Berth: created on 127.0.0.1:5432 (user postgres, trust
// auth) and dropped at the end. pg comes from packages/db, the only package that depends on it.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

function loadPg(root) {
  const require = createRequire(join(root, 'packages/db/package.json'));
  return require('pg');
}

async function withAdmin(root, fn) {
  const pg = loadPg(root);
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 10000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates `berth_bench_<random>`; returns { name, url }. */
export async function createBenchDatabase(root) {
  const name = `berth_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin(root, (c) => c.query(`CREATE DATABASE ${name}`));
  return { name, url: `postgresql://postgres@127.0.0.1:5432/${name}` };
}

/** Drops the database, closing any connection still open to it. */
export async function dropBenchDatabase(root, name) {
  if (!/^berth_bench_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await withAdmin(root, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/**
 * CPU ticks (utime + stime, 1/100 s) of every PostgreSQL backend serving database `name`, found
 * by process title ("postgres: [cluster: ]user db host(port) state"), keyed by pid. Backends of
 * other databases, the WAL writer and the checkpointer are not counted.
 */
export function backendTicks(name) {
  const out = new Map();
  let pids;
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  const needle = ` ${name} `;
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres:') || !cmd.includes(needle)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, Number(f[11]) + Number(f[12]));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** CPU seconds the backends spent between two backendTicks() snapshots (new backends count whole). */
export function backendCpuSeconds(before, after) {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / 100;
}
