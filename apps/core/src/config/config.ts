import { isAbsolute, resolve } from 'node:path';
import { isIP } from 'node:net';

export type LogLevelName = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/** Everything the core reads from its environment, parsed and validated once at start. */
export interface BerthConfig {
  /** TCP port for HTTP; 0 asks the OS for any free port. */
  port: number;
  /** Address to bind; `0.0.0.0` (every IPv4 interface) by default. */
  host: string;
  /** Absolute path of the data directory (blobs in `storage/`, embedded PostgreSQL in `postgres/`). */
  dataDir: string;
  /** PostgreSQL connection string, or null to run the embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | null;
  /** Port for the embedded PostgreSQL, or null to pick a free loopback port at each start. */
  embeddedPgPort: number | null;
  /** Most verbose log level printed. */
  logLevel: LogLevelName;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: readonly LogLevelName[] = ['error', 'warn', 'log', 'debug', 'verbose'];
const HOSTNAME_PATTERN =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * Reads the configuration from `env`. Empty values count as unset. Throws a ConfigError listing
 * every bad value at once.
 */
export function parseConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): BerthConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };

  const port = parsePort(value('BERTH_PORT'), 8080, 'BERTH_PORT', true, problems);
  const embeddedPgPort = parsePort(
    value('BERTH_EMBEDDED_PG_PORT'),
    null,
    'BERTH_EMBEDDED_PG_PORT',
    false,
    problems,
  );

  const host = value('BERTH_HOST') ?? '0.0.0.0';
  const bareHost = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bareHost) === 0 && !HOSTNAME_PATTERN.test(bareHost)) {
    problems.push(`BERTH_HOST must be an IP address or a host name, got "${host}"`);
  }

  const dataDirRaw = value('BERTH_DATA_DIR') ?? './.berth';
  const dataDir = isAbsolute(dataDirRaw) ? resolve(dataDirRaw) : resolve(cwd, dataDirRaw);

  const databaseUrl = value('DATABASE_URL') ?? null;
  if (databaseUrl !== null) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(databaseUrl);
    } catch {
      // reported below
    }
    if (!parsed || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')) {
      problems.push(
        'DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset to use the embedded PostgreSQL)',
      );
    }
  }

  const logLevelRaw = (value('BERTH_LOG_LEVEL') ?? 'log').toLowerCase();
  if (!LOG_LEVELS.includes(logLevelRaw as LogLevelName)) {
    problems.push(`BERTH_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevelRaw}"`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port: port!,
    host: bareHost,
    dataDir,
    databaseUrl,
    embeddedPgPort,
    logLevel: logLevelRaw as LogLevelName,
  };
}

function parsePort<D extends number | null>(
  raw: string | undefined,
  fallback: D,
  name: string,
  allowZero: boolean,
  problems: string[],
): number | D {
  if (raw === undefined) return fallback;
  const min = allowZero ? 0 : 1;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > 65535) {
    problems.push(`${name} must be an integer from ${min} to 65535, got "${raw}"`);
    return fallback;
  }
  return Number(raw);
}

/** The levels to enable in Nest's logger for a configured maximum level. */
export function enabledLogLevels(level: LogLevelName): LogLevelName[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/** Redacts the password of a connection string for logging. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
