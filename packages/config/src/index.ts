export {
  CONFIG_VARIABLES,
  ConfigError,
  LOG_LEVELS,
  enabledLogLevels,
  parseAddressBlock,
  parseConfig,
  redactUrl,
  type AddressBlock,
  type BerthConfig,
  type Environment,
  type JobSettings,
  type LogLevelName,
} from './config.js';
