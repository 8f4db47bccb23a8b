import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  hostOf,
  TargetRefusedError,
  type OutboundTargetGuard,
  type ResolvedAddress,
} from './target-guard.js';

export interface OutboundRequest {
  method: 'POST' | 'PUT' | 'GET';
  headers: Record<string, string>;
  body?: Buffer;
  /** The whole exchange (every hop) must end within this long. */
  timeoutMs: number;
  /** https only: accept any certificate (Harbor's `skip_cert_verify`). */
  skipCertVerify?: boolean;
  /** Redirects followed at most, each checked as the first target was. Default 3. */
  maxRedirects?: number;
  /** Headers not carried to another origin when redirected (credentials). `authorization` always. */
  credentialHeaders?: readonly string[];
  /** Response bytes kept for the caller's record. Default 1024. */
  keepBytes?: number;
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  /** The first `keepBytes` of the body, as text. */
  bodySnippet: string;
  durationMs: number;
  /** Where the answer came from: the last hop's URL and the address connected to. */
  url: string;
  address: string;
  /** The hops redirected to, in order. */
  redirects: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Bytes of a response read at most; the rest is not waited for. */
const MAX_READ_BYTES = 64 * 1024;

/**
 * Sends one request through the SSRF guard: the target and every redirect are checked by `guard`
 * (scheme, then every address the host resolves to) and the connection goes to the checked
 * addresses only, through a `lookup` that answers them (no second DNS query that could answer
 * differently). Redirects are followed by hand: 307 and 308 repeat the method and body, 301, 302
 * and 303 become a GET without body, as browsers and Go's client do; credentials are dropped when a
 * redirect leaves the origin. Throws TargetRefusedError (a refused target or hop, too many
 * redirects), TargetUnresolvableError, or the network's error (timeouts included).
 */
export async function sendGuarded(
  guard: OutboundTargetGuard,
  target: string | URL,
  request: OutboundRequest,
): Promise<OutboundResponse> {
  const started = performance.now();
  const signals = [AbortSignal.timeout(request.timeoutMs), ...(request.signal ? [request.signal] : [])];
  const signal = AbortSignal.any(signals);
  const maxRedirects = request.maxRedirects ?? 3;
  const credentials = new Set([
    'authorization',
    ...(request.credentialHeaders ?? []).map((h) => h.toLowerCase()),
  ]);
  let url = typeof target === 'string' ? guard.parse(target) : target;
  let method = request.method;
  let body = request.body;
  let headers = { ...request.headers };
  const redirects: string[] = [];
  for (;;) {
    const addresses = await addressesOfHop(guard, url, redirects.length > 0);
    const answer = await exchange(url, addresses, {
      method,
      headers,
      body,
      skipCertVerify: request.skipCertVerify ?? false,
      keepBytes: request.keepBytes ?? 1024,
      signal,
    });
    if (!REDIRECTS.has(answer.status) || !answer.location) {
      return {
        status: answer.status,
        bodySnippet: answer.snippet,
        durationMs: Math.round(performance.now() - started),
        url: url.toString(),
        address: answer.address,
        redirects,
      };
    }
    if (redirects.length >= maxRedirects) {
      throw new TargetRefusedError(`more than ${maxRedirects} redirects (the last to ${answer.location})`);
    }
    let next: URL;
    try {
      next = guard.parse(new URL(answer.location, url).toString());
    } catch (error) {
      throw new TargetRefusedError(`redirected to a refused address: ${messageOf(error)}`);
    }
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !credentials.has(name.toLowerCase())),
      );
    }
    if (answer.status !== 307 && answer.status !== 308) {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !/^content-(type|length)$/i.test(name)),
      );
    }
    redirects.push(next.toString());
    url = next;
  }
}

/** The checked addresses of a hop; a redirect's refusal says it was one. */
async function addressesOfHop(guard: OutboundTargetGuard, url: URL, redirected: boolean) {
  try {
    return await guard.addressesOf(url);
  } catch (error) {
    if (!redirected || !(error instanceof TargetRefusedError)) throw error;
    throw new TargetRefusedError(`redirected to a refused address: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Exchange {
  status: number;
  location: string | null;
  snippet: string;
  address: string;
}

function exchange(
  url: URL,
  addresses: ResolvedAddress[],
  options: {
    method: string;
    headers: Record<string, string>;
    body: Buffer | undefined;
    skipCertVerify: boolean;
    keepBytes: number;
    signal: AbortSignal;
  },
): Promise<Exchange> {
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    const family = typeof lookupOptions === 'object' ? lookupOptions.family : undefined;
    const usable = addresses.filter((a) => family === undefined || family === 0 || a.family === family);
    const list = usable.length > 0 ? usable : addresses;
    if (typeof lookupOptions === 'object' && lookupOptions.all) {
      (callback as unknown as (error: null, all: ResolvedAddress[]) => void)(null, list);
    } else {
      callback(null, list[0]!.address, list[0]!.family);
    }
  };
  const secure = url.protocol === 'https:';
  const headers = {
    ...options.headers,
    ...(options.body ? { 'content-length': String(options.body.length) } : {}),
  };
  return new Promise<Exchange>((resolve, reject) => {
    const requestOptions: https.RequestOptions = {
      protocol: url.protocol,
      hostname: hostOf(url),
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: options.method,
      headers,
      lookup: pinned,
      // A connection per request: a pooled socket could have been opened to another address.
      agent: false,
      signal: options.signal,
      ...(secure ? { rejectUnauthorized: !options.skipCertVerify, servername: sniName(url) } : {}),
    };
    const req = (secure ? https : http).request(requestOptions, (res) => {
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let read = 0;
      const finish = () => {
        resolve({
          status: res.statusCode ?? 0,
          location: typeof res.headers.location === 'string' ? res.headers.location : null,
          snippet: Buffer.concat(kept).toString('utf8'),
          address: res.socket?.remoteAddress ?? '',
        });
      };
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (keptBytes < options.keepBytes) {
          const part = chunk.subarray(0, options.keepBytes - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
        if (read >= MAX_READ_BYTES) {
          // Enough to know the answer: do not wait for (or download) the rest.
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', (error) => (read >= MAX_READ_BYTES ? undefined : reject(error)));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** TLS server name: the host name (SNI is never sent for an IP literal). */
function sniName(url: URL): string | undefined {
  const host = hostOf(url);
  return /^[\d.]+$/.test(host) || host.includes(':') ? undefined : host;
}
