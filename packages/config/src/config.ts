import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** Log levels from the most to the least important. */
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** An address block private targets may be reached in (`BERTH_ALLOW_PRIVATE_TARGETS`). */
export interface AddressBlock {
  address: string;
  prefixLength: number;
  family: 'ipv4' | 'ipv6';
}

/** The job system's queue names and timings (docs/jobs.md); the engine is BullMQ when `redisUrl` is set. */
export interface JobSettings {
  /** `BERTH_QUEUE_PREFIX`: prefix of BullMQ's Redis keys (`berth`). */
  queuePrefix: string;
  /** `BERTH_PGBOSS_SCHEMA`: pg-boss's schema in Berth's database when there is no Redis (`pgboss`). */
  pgBossSchema: string;
  /** `BERTH_JOB_STALL_TIMEOUT_MS`: a dead worker's job runs again elsewhere after about this long. */
  stallTimeoutMs: number;
  /** `BERTH_JOB_WORKER_TIMEOUT_MS`: a worker silent this long is dead; its running tasks are settled. */
  workerTimeoutMs: number;
  /** `BERTH_JOB_RECONCILE_MS`: how often workers look for dead workers' and unqueued tasks. */
  reconcileMs: number;
  /** `BERTH_JOB_SHUTDOWN_GRACE_MS`: how long running tasks may finish at shutdown before handed back. */
  shutdownGraceMs: number;
}

/** Garbage collection's windows (docs/gc.md). */
export interface GcSettings {
  /**
   * `BERTH_GC_GRACE_MINUTES` (60): blobs uploaded or linked and never referenced since, and untagged
   * manifests, younger than this stay (an in-flight push's layers, an index's children pushed first).
   */
  graceMinutes: number;
  /** `BERTH_GC_UPLOAD_MAX_AGE_HOURS` (24): upload sessions older than this are removed with their bytes. */
  uploadMaxAgeHours: number;
}

/** Everything Berth reads from its environment, parsed and validated once at start. */
export interface BerthConfig {
  /** `BERTH_PORT`: TCP port for HTTP; 0 asks the OS for any free port. */
  port: number;
  /** `BERTH_HOST`: address to bind; `0.0.0.0` (every IPv4 interface) by default. */
  host: string;
  /** `BERTH_DATA_DIR`, absolute: blobs in `storage/`, the embedded PostgreSQL in `postgres/`. */
  dataDir: string;
  /** `DATABASE_URL`, or null to run the embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | null;
  /** `BERTH_EMBEDDED_PG_PORT`, or null to pick a free loopback port at each start. */
  embeddedPgPort: number | null;
  /** `BERTH_LOG_LEVEL`: the most verbose level printed. */
  logLevel: LogLevelName;
  /**
   * `BERTH_EXTERNAL_URL` without a trailing slash: where clients reach Berth (token realm, secure
   * cookies, links). Null: each request's own origin.
   */
  externalUrl: string | null;
  /** `BERTH_ADMIN_PASSWORD`: the `admin` user's password at the first start; null to generate one. */
  adminPassword: string | null;
  /**
   * `BERTH_SECRET_KEY`: the instance key (64 hexadecimal characters) sealing secrets in the
   * database; null to use (or create) `<dataDir>/secret.key`.
   */
  secretKey: string | null;
  /** `BERTH_CONSOLE_DIR`, absolute: another build of the console to serve; null for the bundled one. */
  consoleDir: string | null;
  /** `REDIS_URL` (redis:// or rediss://) for the job queue; null when there is none. */
  redisUrl: string | null;
  /** The job system's settings (`BERTH_QUEUE_PREFIX`, `BERTH_JOB_*`…). */
  jobs: JobSettings;
  /** Garbage collection's settings (`BERTH_GC_*`). */
  gc: GcSettings;
  /**
   * `BERTH_ALLOW_PRIVATE_TARGETS`: private or loopback address blocks that replication and webhook
   * targets may nevertheless be in. Empty by default: such targets are refused.
   */
  allowPrivateTargets: AddressBlock[];
  /** `NO_COLOR` set: no colours in the output, even on a terminal. */
  noColor: boolean;
}

/** The environment as the process has it. */
export type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const HOSTNAME_PATTERN =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A variable as set: trimmed, and empty counts as unset. */
const text = z
  .string()
  .optional()
  .transform((raw) => raw?.trim() || undefined);

/** Reports `message` on the variable being parsed; the transform's result no longer matters. */
function refuse(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

function port<D extends number | null>(name: string, fallback: D, allowZero: boolean) {
  const min = allowZero ? 0 : 1;
  return text.transform((raw, ctx): number | D => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > 65535) {
      return refuse(ctx, `${name} must be an integer from ${min} to 65535, got "${raw}"`);
    }
    return Number(raw);
  });
}

function url(name: string, protocols: readonly string[], hint: string) {
  return text.transform((raw, ctx): string | null => {
    if (raw === undefined) return null;
    let parsed: URL | null = null;
    try {
      parsed = new URL(raw);
    } catch {
      // refused below
    }
    // The value is not repeated: it may hold a password.
    if (!parsed || !protocols.includes(parsed.protocol)) return refuse(ctx, `${name} must be ${hint}`);
    return raw;
  });
}

function name(variable: string, fallback: string, pattern: RegExp, hint: string) {
  return text.transform((raw, ctx): string => {
    if (raw === undefined) return fallback;
    if (!pattern.test(raw)) return refuse(ctx, `${variable} must be ${hint}, got "${raw}"`);
    return raw;
  });
}

function milliseconds(variable: string, fallback: number, min: number) {
  return text.transform((raw, ctx): number => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > 86_400_000) {
      return refuse(
        ctx,
        `${variable} must be a number of milliseconds from ${min} to 86400000, got "${raw}"`,
      );
    }
    return Number(raw);
  });
}

function wholeNumber(variable: string, fallback: number, min: number, max: number, unit: string) {
  return text.transform((raw, ctx): number => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      return refuse(ctx, `${variable} must be a number of ${unit} from ${min} to ${max}, got "${raw}"`);
    }
    return Number(raw);
  });
}

const host = text.transform((raw, ctx) => {
  const value = raw ?? '0.0.0.0';
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIP(bare) === 0 && !HOSTNAME_PATTERN.test(bare)) {
    return refuse(ctx, `BERTH_HOST must be an IP address or a host name, got "${value}"`);
  }
  return bare;
});

const logLevel = text.transform((raw, ctx): LogLevelName => {
  const value = (raw ?? 'log').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    return refuse(ctx, `BERTH_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value as LogLevelName;
});

const externalUrl = text.transform((raw, ctx): string | null => {
  if (raw === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return refuse(ctx, `BERTH_EXTERNAL_URL must be an http:// or https:// URL, got "${raw}"`);
  }
  if (parsed.username || parsed.password) {
    return refuse(ctx, 'BERTH_EXTERNAL_URL must not hold credentials');
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search || parsed.hash) {
    return refuse(ctx, `BERTH_EXTERNAL_URL must be a plain http:// or https:// URL, got "${raw}"`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
});

/** Not trimmed: spaces may be part of a password. */
const adminPassword = z
  .string()
  .optional()
  .transform((raw) => (raw ? raw : null));

const secretKey = text.transform((raw, ctx): string | null => {
  if (raw === undefined) return null;
  // The value is never repeated: it is the key.
  if (!/^[0-9A-Fa-f]{64}$/.test(raw)) {
    return refuse(ctx, 'BERTH_SECRET_KEY must be 64 hexadecimal characters (32 bytes)');
  }
  return raw.toLowerCase();
});

const addressBlocks = text.transform((raw, ctx): AddressBlock[] => {
  const blocks: AddressBlock[] = [];
  for (const entry of (raw ?? '').split(',')) {
    const value = entry.trim();
    if (!value) continue;
    const block = parseAddressBlock(value);
    if (block) blocks.push(block);
    else {
      ctx.addIssue({
        code: 'custom',
        message: `BERTH_ALLOW_PRIVATE_TARGETS must list CIDR blocks (10.0.0.0/8, fd00::/8) or addresses, got "${value}"`,
      });
    }
  }
  return blocks;
});

/** `address/prefix` or a bare address (one host); null when it is neither. */
export function parseAddressBlock(value: string): AddressBlock | null {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return null;
  const bits = version === 4 ? 32 : 128;
  const prefix = slash === -1 ? String(bits) : value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return null;
  return { address, prefixLength: Number(prefix), family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Every variable Berth reads, each parsed to its typed value. */
const ZEnvironment = z.object({
  BERTH_PORT: port('BERTH_PORT', 8080, true),
  BERTH_HOST: host,
  BERTH_DATA_DIR: text,
  DATABASE_URL: url(
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'a postgres:// or postgresql:// URL (leave it unset to use the embedded PostgreSQL)',
  ),
  BERTH_EMBEDDED_PG_PORT: port('BERTH_EMBEDDED_PG_PORT', null, false),
  BERTH_LOG_LEVEL: logLevel,
  BERTH_EXTERNAL_URL: externalUrl,
  BERTH_ADMIN_PASSWORD: adminPassword,
  BERTH_SECRET_KEY: secretKey,
  BERTH_CONSOLE_DIR: text,
  REDIS_URL: url('REDIS_URL', ['redis:', 'rediss:'], 'a redis:// or rediss:// URL'),
  BERTH_QUEUE_PREFIX: name(
    'BERTH_QUEUE_PREFIX',
    'berth',
    /^[A-Za-z0-9_.-]{1,64}$/,
    '1 to 64 letters, digits, dots, dashes or underscores',
  ),
  BERTH_PGBOSS_SCHEMA: name(
    'BERTH_PGBOSS_SCHEMA',
    'pgboss',
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case SQL name',
  ),
  BERTH_JOB_STALL_TIMEOUT_MS: milliseconds('BERTH_JOB_STALL_TIMEOUT_MS', 30_000, 100),
  BERTH_JOB_WORKER_TIMEOUT_MS: milliseconds('BERTH_JOB_WORKER_TIMEOUT_MS', 30_000, 100),
  BERTH_JOB_RECONCILE_MS: milliseconds('BERTH_JOB_RECONCILE_MS', 10_000, 100),
  BERTH_JOB_SHUTDOWN_GRACE_MS: milliseconds('BERTH_JOB_SHUTDOWN_GRACE_MS', 10_000, 0),
  BERTH_GC_GRACE_MINUTES: wholeNumber('BERTH_GC_GRACE_MINUTES', 60, 0, 10_080, 'minutes'),
  BERTH_GC_UPLOAD_MAX_AGE_HOURS: wholeNumber('BERTH_GC_UPLOAD_MAX_AGE_HOURS', 24, 1, 8760, 'hours'),
  BERTH_ALLOW_PRIVATE_TARGETS: addressBlocks,
  NO_COLOR: text,
});

/** The variables `parseConfig` reads. */
export const CONFIG_VARIABLES = Object.keys(ZEnvironment.shape) as readonly string[];

/**
 * Reads Berth's configuration from `env` (the process's environment: only the entry point passes
 * it). Relative paths resolve against `cwd`. Throws a ConfigError listing every bad value at once.
 */
export function parseConfig(env: Environment, cwd: string): BerthConfig {
  const result = ZEnvironment.safeParse(env);
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => issue.message));
  const vars = result.data;
  const path = (value: string): string => (isAbsolute(value) ? resolve(value) : resolve(cwd, value));
  return {
    port: vars.BERTH_PORT,
    host: vars.BERTH_HOST,
    dataDir: path(vars.BERTH_DATA_DIR ?? './.berth'),
    databaseUrl: vars.DATABASE_URL,
    embeddedPgPort: vars.BERTH_EMBEDDED_PG_PORT,
    logLevel: vars.BERTH_LOG_LEVEL,
    externalUrl: vars.BERTH_EXTERNAL_URL,
    adminPassword: vars.BERTH_ADMIN_PASSWORD,
    secretKey: vars.BERTH_SECRET_KEY,
    consoleDir: vars.BERTH_CONSOLE_DIR === undefined ? null : path(vars.BERTH_CONSOLE_DIR),
    redisUrl: vars.REDIS_URL,
    jobs: {
      queuePrefix: vars.BERTH_QUEUE_PREFIX,
      pgBossSchema: vars.BERTH_PGBOSS_SCHEMA,
      stallTimeoutMs: vars.BERTH_JOB_STALL_TIMEOUT_MS,
      workerTimeoutMs: vars.BERTH_JOB_WORKER_TIMEOUT_MS,
      reconcileMs: vars.BERTH_JOB_RECONCILE_MS,
      shutdownGraceMs: vars.BERTH_JOB_SHUTDOWN_GRACE_MS,
    },
    gc: {
      graceMinutes: vars.BERTH_GC_GRACE_MINUTES,
      uploadMaxAgeHours: vars.BERTH_GC_UPLOAD_MAX_AGE_HOURS,
    },
    allowPrivateTargets: vars.BERTH_ALLOW_PRIVATE_TARGETS,
    noColor: vars.NO_COLOR !== undefined,
  };
}

/** The levels printed when `level` is the most verbose one. */
export function enabledLogLevels(level: LogLevelName): LogLevelName[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/** A connection string with its password hidden, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
