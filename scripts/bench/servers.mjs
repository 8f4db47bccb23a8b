// Starting and stopping the registries under test: Berth (node apps/core/dist/main.js) and CNCF
// distribution (Debian's docker-registry), each on a free loopback port with its own temp dir.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DISTRIBUTION_BIN = '/usr/bin/docker-registry';

/** A free TCP port on 127.0.0.1 (asks the OS for one, then releases it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** GET url once; resolves the status code, or null when nothing answers. */
function probe(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(null));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Last `lines` lines of a log file (for error messages). */
export function logTail(file, lines = 25) {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * One registry process. `start()` spawns it and waits until `GET /v2/` answers 200; `stop()`
 * sends SIGTERM, then SIGKILL after a grace period; `dispose()` also removes its temp dir.
 */
export class ManagedServer {
  constructor({ name, label, command, args, env, cwd, prepare, readyTimeoutMs, readyStatuses = [200], log }) {
    this.name = name;
    this.label = label;
    this.command = command;
    this.args = args;
    this.env = env;
    this.cwd = cwd;
    this.prepare = prepare; // (server) => void: writes config files into server.dir before spawn
    this.readyTimeoutMs = readyTimeoutMs;
    this.readyStatuses = readyStatuses;
    this.readyStatus = null; // what GET /v2/ answered when the server came up
    this.log = log;
    this.dir = mkdtempSync(join(tmpdir(), `berth-bench-${name}-`));
    this.logFile = join(this.dir, 'server.log');
    this.child = null;
    this.exited = null; // { code, signal } once the current child has exited
    this.starts = 0;
  }

  get pid() {
    return this.child?.pid ?? null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  alive() {
    return this.child != null && this.exited == null;
  }

  async start() {
    if (this.port == null) this.port = await freePort();
    this.prepare?.(this);
    const fd = openSync(this.logFile, 'a');
    this.exited = null;
    this.starts++;
    const child = spawn(this.command, this.args(this), {
      cwd: this.cwd,
      env: { ...process.env, ...this.env(this) },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child = child;
    const exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (this.child === child) this.exited = { code, signal };
        resolve();
      });
      child.on('error', (e) => {
        if (this.child === child) this.exited = { code: null, signal: null, error: e.message };
        resolve();
      });
    });
    this.exitedPromise = exited;
    const deadline = Date.now() + this.readyTimeoutMs;
    const url = `${this.url}/v2/`;
    let last = null;
    for (;;) {
      if (this.exited) {
        const how = this.exited.error ?? `exit code ${this.exited.code}, signal ${this.exited.signal}`;
        throw new Error(`${this.label} exited during start-up (${how}). Log tail:\n${logTail(this.logFile)}`);
      }
      last = await probe(url);
      if (this.readyStatuses.includes(last)) break;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(
          `${this.label} did not answer GET /v2/ with ${this.readyStatuses.join(' or ')} within ${this.readyTimeoutMs / 1000} s ` +
            `(last answer: ${last ?? 'none'}). Log tail:\n${logTail(this.logFile)}`,
        );
      }
      await sleep(150);
    }
    this.readyStatus = last;
    this.log(`${this.label} is up at ${this.url} (pid ${child.pid}, GET /v2/: ${last})`);
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
  async stop(graceMs = 15000) {
    const child = this.child;
    if (!child || this.exited) return;
    try {
      child.kill('SIGTERM');
    } catch {
      /* already gone */
    }
    const killer = setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }, graceMs);
    await this.exitedPromise;
    clearTimeout(killer);
  }

  /** Synchronous last resort (process 'exit'): SIGKILL and remove the temp dir. */
  killNowSync() {
    if (this.child && !this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    this.removeDir();
  }

  removeDir() {
    if (this.dir && existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }

  async dispose() {
    await this.stop();
    this.removeDir();
  }
}

/**
 * CNCF distribution with a config written by us: filesystem storage in the temp dir, delete
 * enabled, no auth, loopback address, log level error and the access log off (Berth logs no
 * per-request lines at level error either). No blob-descriptor cache is configured.
 */
export function distributionServer({ log }) {
  return new ManagedServer({
    name: 'distribution',
    label: 'distribution',
    command: DISTRIBUTION_BIN,
    args: (s) => ['serve', join(s.dir, 'config.yml')],
    env: () => ({}),
    cwd: undefined,
    readyTimeoutMs: 30000,
    log,
    prepare: (s) => {
      const config = [
        'version: 0.1',
        'log:',
        '  level: error',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${join(s.dir, 'storage')}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${s.port}`,
        '',
      ].join('\n');
      writeFileSync(join(s.dir, 'config.yml'), config);
    },
  });
}

/**
 * The core's node flags: BERTH_BENCH_NODE_ARGS (space-separated) when it is set, else those of
 * apps/core/node-flags.json, which `pnpm start` and the image use too.
 */
export function coreNodeFlags(root, env = process.env) {
  const override = env.BERTH_BENCH_NODE_ARGS;
  if (override !== undefined) return override.split(' ').filter(Boolean);
  return JSON.parse(readFileSync(join(root, 'apps/core/node-flags.json'), 'utf8')).flags;
}

/**
 * Berth's core, `node apps/core/dist/main.js`, against a PostgreSQL database of its own. The
 * bootstrap admin gets `adminPassword`: used only if `/v2/` turns out to require authentication
 * (it is up when `GET /v2/` answers 200, or 401 with a challenge).
 */
export function berthServer({ root, databaseUrl, adminPassword, log }) {
  return new ManagedServer({
    name: 'berth',
    label: 'Berth',
    command: process.execPath,
    // The flags the core is run with everywhere (apps/core/node-flags.json), unless an experiment
    // replaces them with BERTH_BENCH_NODE_ARGS.
    args: () => [...coreNodeFlags(root), join(root, 'apps/core/dist/main.js')],
    env: (s) => ({
      BERTH_PORT: String(s.port),
      BERTH_HOST: '127.0.0.1',
      BERTH_DATA_DIR: join(s.dir, 'data'),
      BERTH_LOG_LEVEL: 'error',
      DATABASE_URL: databaseUrl,
      BERTH_ADMIN_PASSWORD: adminPassword,
    }),
    cwd: root,
    readyTimeoutMs: 120000,
    readyStatuses: [200, 401],
    log,
  });
}

/**
 * Creates Harbor-style projects (POST /api/v2.0/projects, Basic auth) so that `<project>/<repo>`
 * names can be pushed when Berth enforces projects; 201 and 409 (exists) are both fine.
 */
export async function ensureProjects(server, names, { user, password }) {
  const auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  for (const name of names) {
    const body = JSON.stringify({ project_name: name, public: false });
    const status = await new Promise((resolve) => {
      const req = http.request(
        `${server.url}/api/v2.0/projects`,
        {
          method: 'POST',
          agent: false,
          headers: {
            Authorization: auth,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', () => resolve(null));
      req.end(body);
    });
    if (status !== 201 && status !== 409) {
      server.log(`warning: creating project ${name} on ${server.label} answered ${status ?? 'nothing'}`);
    }
  }
}
