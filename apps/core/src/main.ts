import './runtime/v8-tuning.js';
import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HarborExceptionFilter } from './common/harbor-exception.filter.js';
import {
  answerFrameworkError,
  installRequestEdge,
  MAX_PATH_PARAMETER_LENGTH,
} from './common/request-edge.js';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { ConfigError, enabledLogLevels, parseConfig, type BerthConfig } from './config/config.js';
import { createLogger } from './logging/berth-logger.js';
import { listeningOn, nextSteps } from './logging/start-lines.js';
import { createEmbeddedPostgres, prepareDatabase } from './database/prepare-database.js';
import type { EmbeddedPostgresServer } from './database/embedded-postgres.js';
import { HttpDispatcher } from './http/http-server.js';
import { REGISTRY_HANDLER } from './registry/registry.constants.js';
import type { RegistryHandler } from './registry/registry.module.js';

/** How long open requests (uploads in flight) may finish after SIGTERM before their sockets are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

class StartupAborted extends Error {}

/**
 * The core process: config, database (embedded or DATABASE_URL, migrated), Nest on Fastify with
 * `/v2/` routed around Fastify to the engine, and an ordered shutdown on SIGTERM/SIGINT:
 * HTTP server, then the database pool, then the embedded PostgreSQL.
 */
class CoreProcess {
  private readonly logger = new Logger('Berth');
  private state: 'starting' | 'running' | 'stopping' = 'starting';
  private embedded: EmbeddedPostgresServer | null = null;
  private app: NestFastifyApplication | null = null;
  private startup: Promise<void> = Promise.resolve();
  private cleaning: Promise<boolean> | null = null;

  constructor(private readonly config: BerthConfig) {}

  run(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => void this.shutdown(signal));
    }
    this.startup = this.start();
    this.startup.catch(async (error: unknown) => {
      if (error instanceof StartupAborted) return;
      this.logger.error(`Berth failed to start: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof Error && error.stack) this.logger.debug(error.stack);
      this.state = 'stopping';
      await this.cleanup();
      process.exit(1);
    });
  }

  private async start(): Promise<void> {
    const { config } = this;
    await mkdir(config.dataDir, { recursive: true });
    this.embedded = config.databaseUrl ? null : createEmbeddedPostgres(config);
    const databaseUrl = await prepareDatabase(config, this.embedded);
    this.checkpoint();

    const dispatcher = new HttpDispatcher();
    const adapter = new FastifyAdapter({
      serverFactory: dispatcher.serverFactory as never,
      // Management API bodies are small; the registry's bodies never pass through Fastify.
      bodyLimit: 1024 * 1024,
      routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_PARAMETER_LENGTH },
      frameworkErrors: answerFrameworkError,
    });
    installRequestEdge(adapter.getInstance());
    this.app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config, databaseUrl }),
      adapter,
      {
        logger: enabledLogLevels(config.logLevel),
        abortOnError: false,
        // installRequestEdge has the body parsers.
        bodyParser: false,
      },
    );
    this.app.useGlobalFilters(new HarborExceptionFilter());
    dispatcher.setRegistryHandler(this.app.get<RegistryHandler>(REGISTRY_HANDLER));
    this.checkpoint();

    await this.app.listen(config.port, config.host);
    this.checkpoint();
    this.state = 'running';
    const address = (this.app.getHttpServer() as Server).address() as AddressInfo;
    this.logger.log(`Berth listening on ${listeningOn(address)}`);
    // Plain lines, not log records: what to do next, printed once at the default level.
    if (enabledLogLevels(config.logLevel).includes('log')) {
      process.stdout.write(nextSteps(config, address));
    }
  }

  /** Ends startup early when a signal arrived while it was awaiting something. */
  private checkpoint(): void {
    if (this.state === 'stopping') throw new StartupAborted('shutdown requested during startup');
  }

  private async shutdown(signal: NodeJS.Signals): Promise<void> {
    if (this.state === 'stopping') {
      this.logger.warn(`Received ${signal} again; exiting now`);
      this.embedded?.killNow();
      process.exit(1);
    }
    const wasStarting = this.state === 'starting';
    this.state = 'stopping';
    this.logger.log(`Received ${signal}; shutting down`);
    if (wasStarting) await this.startup.catch(() => undefined);
    const failed = await this.cleanup();
    this.logger.log('Berth stopped');
    process.exit(failed ? 1 : 0);
  }

  /** Closes what exists, in order, once; resolves true when something failed to close. */
  private cleanup(): Promise<boolean> {
    this.cleaning ??= this.closeAll();
    return this.cleaning;
  }

  private async closeAll(): Promise<boolean> {
    let failed = false;
    if (this.app) {
      const server = this.app.getHttpServer() as Server;
      const force = setTimeout(() => {
        this.logger.warn(`Requests still open after ${SHUTDOWN_GRACE_MS} ms; closing their connections`);
        server.closeAllConnections();
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      try {
        // The server first: requests in flight finish (their pulls are counted, their changes
        // committed), then the application's hooks flush and deliver what they produced.
        server.closeIdleConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await this.app.close();
      } catch (error) {
        failed = true;
        this.logger.error(
          `closing the application failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        clearTimeout(force);
      }
      this.app = null;
    }
    if (this.embedded) {
      try {
        await this.embedded.stop();
      } catch (error) {
        failed = true;
        this.logger.error(
          `stopping embedded PostgreSQL failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return failed;
  }
}

function main(): void {
  let config: BerthConfig;
  try {
    // The one place the environment is read.
    config = parseConfig(process.env, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Berth cannot start. ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  Logger.overrideLogger(
    createLogger(config, { stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) }),
  );
  new CoreProcess(config).run();
}

main();
