import { ConfigError, parseConfig, type BerthConfig } from '@berth/config';

/** What the worker reads from its environment: Berth's configuration, with a database required. */
export interface WorkerConfig extends BerthConfig {
  /** The PostgreSQL of the core (the worker never runs an embedded one). */
  databaseUrl: string;
}

/**
 * Berth's configuration as `@berth/config` reads it (DATABASE_URL, REDIS_URL, BERTH_LOG_LEVEL, the
 * job settings…), plus the worker's own rule: DATABASE_URL is required. Throws ConfigError listing
 * every problem.
 */
export function parseWorkerConfig(env: NodeJS.ProcessEnv, cwd: string): WorkerConfig {
  const config = parseConfig(env, cwd);
  if (config.databaseUrl === null) {
    throw new ConfigError(['DATABASE_URL is required: the worker uses the PostgreSQL of the core']);
  }
  return { ...config, databaseUrl: config.databaseUrl };
}
