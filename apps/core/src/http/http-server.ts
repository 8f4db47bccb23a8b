import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** How long an idle keep-alive connection stays open; above common load balancers' 60 s. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Must exceed keepAliveTimeout so a request arriving on a reused socket gets its headers read. */
export const HEADERS_TIMEOUT_MS = 66_000;

/** True for `/v2` and everything under `/v2/`, whatever the query string. */
export function isRegistryPath(url: string | undefined): boolean {
  if (!url) return false;
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  return path === '/v2' || path.startsWith('/v2/');
}

/**
 * Routes each request of the core's one HTTP server: `/v2/` goes to the engine's raw handler, which
 * streams bodies (nothing reads them before it), and everything else to Fastify. The engine's
 * handler is set once the Nest application exists; until then `/v2/` answers 503.
 */
export class HttpDispatcher {
  private registryHandler: NodeHandler | null = null;

  setRegistryHandler(handler: NodeHandler): void {
    this.registryHandler = handler;
  }

  /** A Fastify `serverFactory`: builds the Node server Fastify listens on. */
  readonly serverFactory = (fastifyHandler: NodeHandler): Server => {
    const server = createServer((req, res) => {
      if (isRegistryPath(req.url)) this.dispatchRegistry(req, res);
      else fastifyHandler(req, res);
    });
    // Multi-gigabyte blob uploads take as long as they take: no whole-request deadline.
    server.requestTimeout = 0;
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    return server;
  };

  private dispatchRegistry(req: IncomingMessage, res: ServerResponse): void {
    const handler = this.registryHandler;
    if (!handler) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'registry is starting' }] }));
      return;
    }
    handler(req, res);
  }
}
