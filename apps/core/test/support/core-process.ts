import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@berth/db/testing';

/** The `admin` password every test core starts with (BERTH_ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = 'Harbor12345';

/** The built core, as production runs it. */
export const CORE_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface StartCoreOptions {
  /** Extra environment for the core; it wins over everything the harness sets. */
  env?: Record<string, string>;
  /**
   * `test` (default): a fresh database from `createTestDatabase()`, passed as DATABASE_URL.
   * `embedded`: no DATABASE_URL, so the core runs its own PostgreSQL under the data directory.
   * `{ url }`: this database, kept on stop (a restart on the same data, a second core beside one).
   */
  database?: 'test' | 'embedded' | { url: string };
  /** Use this data directory and keep it on stop; by default a fresh temporary one, removed on stop. */
  dataDir?: string;
  /** BERTH_PORT; by default a free port found here. 0 lets the core pick (read back from its log). */
  port?: number;
  /** How long to wait for `GET /v2/` to answer; 120 s by default (a first embedded start runs initdb). */
  startTimeoutMs?: number;
  /**
   * Run the core as the leader of a process group of its own, so a test can signal the whole group
   * (`process.kill(-pid, 'SIGINT')`) as a terminal's Ctrl-C does.
   */
  processGroup?: boolean;
}

export interface CoreExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CoreProcess {
  url: string;
  port: number;
  dataDir: string;
  /** DATABASE_URL given to the core, or for `embedded` the URL of its own PostgreSQL. */
  databaseUrl: string;
  pid: number;
  /** Everything the core printed so far (stdout and stderr, interleaved). */
  logs(): string;
  /** Resolves when the core exits. */
  exited: Promise<CoreExit>;
  /**
   * SIGTERM (SIGKILL after 30 s), then stops leftover PostgreSQL and removes the test database and
   * the temporary data dir. Idempotent; `exited` tells how the core ended.
   */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// If the test process dies first, ask every core still running to shut itself down (and its PostgreSQL).
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/** Spawns `node apps/core/dist/main.js` on a test database and a temporary data directory. */
export async function startCore(options: StartCoreOptions = {}): Promise<CoreProcess> {
  if (!existsSync(CORE_MAIN)) {
    throw new Error(
      `${CORE_MAIN} does not exist: build first (pnpm turbo run build --filter @berth/core...)`,
    );
  }
  const mode = options.database ?? 'test';
  const givenDatabaseUrl = typeof mode === 'object' ? mode.url : null;
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'berth-core-')));
  let testDatabase: { url: string; drop(): Promise<void> } | null = null;
  let child: ChildProcess | null = null;
  let exited: Promise<CoreExit> | null = null;

  const cleanup = async (): Promise<void> => {
    if (child && exited) await terminate(child, exited);
    await stopLeftoverPostgres(join(dataDir, 'postgres'));
    if (testDatabase) await testDatabase.drop();
    testDatabase = null;
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    if (mode === 'test') testDatabase = await createTestDatabase();
    const requestedPort = options.port ?? (await findFreePort());
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    delete env.BERTH_EMBEDDED_PG_PORT;
    Object.assign(env, {
      NO_COLOR: '1',
      BERTH_HOST: '127.0.0.1',
      BERTH_PORT: String(requestedPort),
      BERTH_DATA_DIR: dataDir,
      BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...(testDatabase ? { DATABASE_URL: testDatabase.url } : {}),
      ...(givenDatabaseUrl ? { DATABASE_URL: givenDatabaseUrl } : {}),
      ...options.env,
    });

    const proc = spawn(process.execPath, [CORE_MAIN], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.processGroup ?? false,
    });
    child = proc;
    running.add(proc);
    const output: string[] = [];
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    if (process.env.BERTH_TEST_VERBOSE) {
      proc.stdout!.on('data', (chunk: string) => process.stderr.write(chunk));
      proc.stderr!.on('data', (chunk: string) => process.stderr.write(chunk));
    }
    exited = new Promise<CoreExit>((resolve) => {
      proc.once('exit', (code, signal) => {
        running.delete(proc);
        resolve({ code, signal });
      });
    });
    const logs = (): string => output.join('');

    const port = await waitUntilReady(proc, exited, logs, requestedPort, options.startTimeoutMs ?? 120_000);
    const url = `http://127.0.0.1:${port}`;
    const databaseUrl = testDatabase
      ? testDatabase.url
      : (givenDatabaseUrl ?? (await embeddedDatabaseUrl(dataDir)));

    let stopping: Promise<void> | null = null;
    return {
      url,
      port,
      dataDir,
      databaseUrl,
      pid: proc.pid!,
      logs,
      exited,
      stop: () => (stopping ??= cleanup()),
    };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

async function waitUntilReady(
  proc: ChildProcess,
  exited: Promise<CoreExit>,
  logs: () => string,
  requestedPort: number,
  timeoutMs: number,
): Promise<number> {
  let exit: CoreExit | null = null;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit) {
      const { code, signal } = exit as CoreExit;
      throw new Error(`core exited during startup (code ${code}, signal ${signal}):\n${logs()}`);
    }
    let port = requestedPort;
    if (port === 0) {
      const match = /Berth listening on http:\/\/[^\s:]+:(\d+)/.exec(logs());
      port = match ? Number(match[1]) : 0;
    }
    if (port !== 0) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status !== 503) return port;
      } catch {
        // not listening yet
      }
    }
    await delay(100);
  }
  proc.kill('SIGTERM');
  throw new Error(`core did not answer GET /v2/ within ${timeoutMs} ms:\n${logs()}`);
}

async function terminate(child: ChildProcess, exited: Promise<CoreExit>): Promise<CoreExit> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const result = await Promise.race([exited, delay(30_000).then(() => null)]);
    if (result) return result;
    child.kill('SIGKILL');
  }
  return exited;
}

/** Stops a PostgreSQL still holding `pgDir` (a core that was killed leaves its server running). */
export async function stopLeftoverPostgres(pgDir: string): Promise<void> {
  const pid = postmasterPid(pgDir);
  if (pid === null || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await delay(100);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
  for (let i = 0; i < 50 && isAlive(pid); i++) await delay(100);
}

/** The pid in `<pgDir>/postmaster.pid`, or null when there is none. */
export function postmasterPid(pgDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Pids of every running process whose command line mentions `text` (Linux /proc). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The embedded server's URL, from its credentials file and the port in `postmaster.pid`. */
async function embeddedDatabaseUrl(dataDir: string): Promise<string> {
  const { user, password } = JSON.parse(
    await readFile(join(dataDir, 'postgres.credentials.json'), 'utf8'),
  ) as {
    user: string;
    password: string;
  };
  const lines = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n');
  const port = Number.parseInt(lines[3] ?? '', 10);
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/berth`;
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
