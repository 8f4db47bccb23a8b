import { Inject, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { consoleDirectory, consoleFileFor, isConsolePath } from './console-files.js';

/**
 * Serves the built console (`apps/web/dist`) at `/`: files as they are, any other page path
 * (`/projects/1`) as index.html so the console's router takes over. `/api`, `/c`, `/service` and
 * `/v2` are never answered here; when the console is not built, `/` says so in plain text.
 */
@Module({})
export class ConsoleModule implements OnModuleInit {
  private readonly logger = new Logger('Console');

  static forRoot(): DynamicModule {
    return { module: ConsoleModule };
  }

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const root = consoleDirectory(this.config.consoleDir);
    if (root) {
      // Not awaited: an awaited register here boots Fastify early, before Nest installs its
      // error handling, and body-parser errors would lose Harbor's error shape.
      void fastify.register(fastifyStatic, { root, serve: false });
      this.logger.log(`serving the console from ${root}`);
    } else {
      this.logger.warn('the console is not built (apps/web/dist is missing): / answers a note instead');
    }

    const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const path = request.url.split(/[?#]/, 1)[0] ?? '/';
      if (!isConsolePath(path)) return reply.callNotFound();
      if (!root) {
        return reply
          .type('text/plain; charset=utf-8')
          .send(
            'The Berth console is not built. Run `pnpm turbo run build` (or `pnpm --filter @berth/web build`).\n',
          );
      }
      const file = consoleFileFor(root, path);
      if (file === 'index.html') {
        // The page shell changes with every build; the hashed assets never do.
        return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
      }
      const immutable = file.startsWith('assets/');
      return reply.sendFile(file, { maxAge: immutable ? '1y' : 0, immutable });
    };
    fastify.get('/', handler);
    fastify.get('/*', handler);
  }
}
