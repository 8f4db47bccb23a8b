import type { IncomingMessage, ServerResponse } from 'node:http';
import { RegistryError } from './errors.js';

export const API_VERSION_HEADER = 'Docker-Distribution-API-Version';

/** Sends a response without a body (the common case for /v2/ writes). */
export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number> = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Length': 0 });
  res.end();
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
  contentType = 'application/json',
): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': payload.length });
  res.end(payload);
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: RegistryError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Node drains an unread body after the answer so the client can finish sending and read it;
  // a body too large (or of unknown length) to be worth draining closes the connection instead.
  if (!req.complete) {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (!(declared <= DRAIN_LIMIT_BYTES)) res.setHeader('Connection', 'close');
  }
  const payload = Buffer.from(JSON.stringify(error.toJSON()));
  res.writeHead(error.status, {
    ...error.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': payload.length,
  });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

/** Bodies up to this size are read and dropped after a refusal, so the client sees the answer. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/** Reads a whole (small) body, refusing more than `limit` bytes with 413. */
export async function readLimitedBody(req: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = new RegistryError(
    'SIZE_INVALID',
    `${what} exceeds the limit of ${limit} bytes`,
    undefined,
    {
      status: 413,
    },
  );
  if (declared > DRAIN_LIMIT_BYTES) throw tooLarge;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > DRAIN_LIMIT_BYTES) break;
    if (total <= limit) chunks.push(chunk as Buffer);
  }
  if (total > limit) throw tooLarge;
  return Buffer.concat(chunks, total);
}

/** True when the request carries a body (a declared non-zero length or chunked encoding). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** Parses a blob `Range: bytes=…` header: null means serve everything; 'unsatisfiable' means 416. */
export function parseByteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return 'unsatisfiable';
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Parses an upload chunk's `Content-Range: <start>-<end>` (also with a `bytes ` prefix). */
export function parseContentRange(
  header: string | undefined,
): { start: number; end: number } | null | 'invalid' {
  if (header === undefined) return null;
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!match) return 'invalid';
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) return 'invalid';
  return { start, end };
}

export function isPrematureClose(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'ABORT_ERR';
}
