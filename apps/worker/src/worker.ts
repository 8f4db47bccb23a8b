import 'reflect-metadata';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { migrate } from '@berth/db';
import type { JobKind, JobProcessor } from '@berth/jobs';
import { ConfigError, enabledLogLevels, redactUrl } from '@berth/config';
import { parseWorkerConfig, type WorkerConfig } from './worker.config.js';
import { WorkerModule } from './worker.module.js';

export interface RunWorkerOptions {
  env?: NodeJS.ProcessEnv;
  /** The product's kinds and processors unless given (test workers declare their own). */
  kinds?: readonly JobKind[];
  processors?: readonly JobProcessor[];
}

/**
 * The worker process: config, migrations (a worker may start before any core), a Nest application
 * context running the job runtime, and a clean stop on SIGTERM/SIGINT (running tasks finish within
 * the shutdown grace or go back to the queue). Exits 2 on bad configuration, 1 when it cannot start
 * (a kind without a processor included).
 */
export function runWorker(options: RunWorkerOptions = {}): void {
  let config: WorkerConfig;
  try {
    config = parseWorkerConfig(options.env ?? process.env, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Berth worker cannot start. ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  Logger.overrideLogger(enabledLogLevels(config.logLevel));
  const logger = new Logger('BerthWorker');
  let app: INestApplicationContext | null = null;
  let stopping = false;

  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn(`Received ${signal} again; exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.log(`Received ${signal}; shutting down`);
    try {
      await app?.close();
      logger.log('Berth worker stopped');
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));

  void (async () => {
    try {
      await migrate(config.databaseUrl);
      app = await NestFactory.createApplicationContext(
        WorkerModule.forRoot({
          config,
          ...(options.kinds ? { kinds: options.kinds } : {}),
          ...(options.processors ? { processors: options.processors } : {}),
        }),
        { logger: enabledLogLevels(config.logLevel), abortOnError: false },
      );
      const engine = config.redisUrl ? `BullMQ on ${redactUrl(config.redisUrl)}` : 'pg-boss on PostgreSQL';
      logger.log(`Berth worker running (${engine}, pid ${process.pid})`);
    } catch (error) {
      logger.error(`Berth worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
      await app?.close().catch(() => undefined);
      process.exit(1);
    }
  })();
}
