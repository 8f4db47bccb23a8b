/**
 * A webhook receiver for the tests: an HTTP server on 127.0.0.1 that records every request (raw
 * body included) and answers each path as told: fail a number of times then accept, redirect, or
 * accept. Tests wait on it with `waitFor`.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** What the receiver answered. */
  status: number;
}

/** A JSON value as a test asserts it: whatever the body is, `toMatchObject` checks it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

type Behaviour =
  | { kind: 'fail-then-accept'; failures: number; status?: number }
  | { kind: 'redirect'; location: string; status?: number }
  | { kind: 'accept' };

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly seen = new Map<string, number>();
  private server: Server | null = null;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0]!;
        const count = (this.seen.get(path) ?? 0) + 1;
        this.seen.set(path, count);
        const behaviour = this.behaviours.get(path) ?? { kind: 'accept' };
        let status = 200;
        if (behaviour.kind === 'fail-then-accept' && count <= behaviour.failures) {
          status = behaviour.status ?? 500;
        } else if (behaviour.kind === 'redirect') {
          status = behaviour.status ?? 307;
          res.setHeader('location', behaviour.location);
        }
        this.requests.push({
          method: req.method ?? '',
          path,
          headers: req.headers,
          body: Buffer.concat(chunks),
          status,
        });
        res.statusCode = status;
        res.end(status >= 400 ? `receiver says no (${count})` : 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** `http://127.0.0.1:<port><path>`. */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  at(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** The JSON bodies received at `path` that pass `filter`. */
  json(path: string, filter: (body: Json) => boolean = () => true): Json[] {
    return this.at(path)
      .map((request) => JSON.parse(request.body.toString('utf8')) as unknown)
      .filter(filter);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** `sha256=<hex>` as a receiver computes it from the raw body and the policy's secret. */
export function expectedSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Polls `check` until it returns a truthy value (returned), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
