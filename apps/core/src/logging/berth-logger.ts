import { ConsoleLogger } from '@nestjs/common';
import { enabledLogLevels, type BerthConfig } from '../config/config.js';

/**
 * Nest's own start-up lines (one per module, one per route, "starting", "started"): worth seeing
 * when debugging, noise at the default level.
 */
const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** Nest's console logger, with the framework's start-up lines moved down to `debug`. */
export class BerthLogger extends ConsoleLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) {
      super.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }
}

/**
 * The process's logger: the configured levels, and colours only when both output streams are a
 * terminal and `NO_COLOR` is not set, so files and pipes get plain text.
 */
export function createLogger(
  config: Pick<BerthConfig, 'logLevel' | 'noColor'>,
  terminal: { stdout: boolean; stderr: boolean },
): BerthLogger {
  return new BerthLogger({
    prefix: 'Berth',
    logLevels: enabledLogLevels(config.logLevel),
    colors: terminal.stdout && terminal.stderr && !config.noColor,
  });
}
