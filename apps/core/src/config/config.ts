/**
 * The core's configuration: `@berth/config` parses the environment once (main.ts) into a
 * `BerthConfig`, injected as `BERTH_CONFIG`. Nothing else in the core reads the environment.
 */
export {
  ConfigError,
  enabledLogLevels,
  parseConfig,
  redactUrl as redactDatabaseUrl,
  type BerthConfig,
  type LogLevelName,
} from '@berth/config';
