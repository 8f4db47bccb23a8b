import { JobSettingsError, parseJobSettings, type JobSettings } from '@berth/queue';

export type WorkerLogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/** What the worker reads from its environment, parsed once at start. */
export interface WorkerConfig {
  /** The PostgreSQL Berth's core uses (required: the worker never runs an embedded one). */
  databaseUrl: string;
  logLevel: WorkerLogLevel;
  /** Queue engine and timings: BullMQ when `REDIS_URL` is set, else pg-boss on the database. */
  jobs: JobSettings;
}

export class WorkerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'WorkerConfigError';
  }
}

const LOG_LEVELS: readonly WorkerLogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Reads DATABASE_URL, BERTH_LOG_LEVEL and the job settings (REDIS_URL, BERTH_QUEUE_PREFIX…, see
 * `parseJobSettings`). Empty values count as unset. Throws WorkerConfigError listing every problem.
 */
export function parseWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL?.trim() ?? '';
  if (!databaseUrl) {
    problems.push('DATABASE_URL is required: the worker uses the PostgreSQL of the core');
  } else if (!/^postgres(ql)?:\/\//.test(databaseUrl) || !URL.canParse(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const logLevel = (env.BERTH_LOG_LEVEL?.trim() || 'log').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as WorkerLogLevel)) {
    problems.push(`BERTH_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  let jobs: JobSettings | null = null;
  try {
    jobs = parseJobSettings(env);
  } catch (error) {
    if (!(error instanceof JobSettingsError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !jobs) throw new WorkerConfigError(problems);
  return { databaseUrl, logLevel: logLevel as WorkerLogLevel, jobs };
}

/** The Nest log levels to enable for a configured maximum level. */
export function enabledLogLevels(level: WorkerLogLevel): WorkerLogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}
