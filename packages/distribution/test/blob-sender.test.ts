import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobFile } from '../src/blob-driver.js';
import { SEND_CHUNK_BYTES, sendBlobFile } from '../src/blob-sender.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A BlobFile over memory that records what the sender does with it. */
class RecordingFile implements BlobFile {
  readonly buffers = new Set<Buffer['buffer']>();
  reads = 0;
  bytesRead = 0;
  closed = false;

  constructor(private readonly data: Buffer) {}

  async read(buffer: Buffer, length: number, position: number): Promise<number> {
    this.reads++;
    this.buffers.add(buffer.buffer);
    // Reads complete asynchronously, as a file's do.
    await new Promise((resolve) => setImmediate(resolve));
    const copied = this.data.copy(buffer, 0, position, Math.min(position + length, this.data.length));
    this.bytesRead += copied;
    return copied;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

describe(sendBlobFile.name, () => {
  const data = randomBytes(24 * 1024 * 1024 + 12_345);
  const files: RecordingFile[] = [];
  const outcomes: Promise<string>[] = [];
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const file = new RecordingFile(data);
      files.push(file);
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const end = range ? Number(range[2]) : data.length - 1;
      res.writeHead(range ? 206 : 200, { 'Content-Length': end - start + 1 });
      outcomes.push(
        sendBlobFile(res, file, start, end).then(
          () => 'sent',
          (error: NodeJS.ErrnoException) => error.code ?? error.message,
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function get(headers: Record<string, string> = {}): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/', headers }, resolve).on('error', reject).end();
    });
  }

  async function readAll(res: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  it('sends every byte intact to concurrent slow and fast readers while reusing its buffers', async () => {
    const bodies = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const res = await get();
        const chunks: Buffer[] = [];
        for await (const chunk of res) {
          chunks.push(chunk as Buffer);
          // Half the clients dawdle, so their responses' buffers stay in flight for a while.
          if (i % 2 === 1 && chunks.length % 16 === 0) await new Promise((r) => setTimeout(r, 5));
        }
        return Buffer.concat(chunks);
      }),
    );

    for (const body of bodies) {
      expect(body.length).toBe(data.length);
      expect(sha256(body)).toBe(sha256(data));
    }
    const reads = files.reduce((sum, file) => sum + file.reads, 0);
    const distinctBuffers = new Set(files.flatMap((file) => [...file.buffers])).size;
    expect(reads).toBeGreaterThanOrEqual((6 * data.length) / SEND_CHUNK_BYTES);
    expect(distinctBuffers).toBeLessThan(reads / 4);
    expect(await Promise.all(outcomes.splice(0))).toEqual(Array(6).fill('sent'));
    expect(files.every((file) => !file.closed)).toBe(true); // closing is the caller's business
  });

  it('sends inclusive ranges, down to a single byte', async () => {
    for (const [start, end] of [
      [0, 0],
      [SEND_CHUNK_BYTES - 1, SEND_CHUNK_BYTES],
      [1000, 5 * SEND_CHUNK_BYTES + 17],
      [data.length - 1, data.length - 1],
    ] as const) {
      const res = await get({ Range: `bytes=${start}-${end}` });
      expect(res.statusCode).toBe(206);
      expect((await readAll(res)).equals(data.subarray(start, end + 1))).toBe(true);
    }
  });

  it('stops reading while the client does not read, and goes on when it does', async () => {
    files.length = 0;
    const res = await get();
    res.pause();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const file = files[0]!;
    const readWhilePaused = file.bytesRead;
    // What the kernel's socket buffers hold plus the sender's own chunks: far from the whole blob.
    expect(readWhilePaused).toBeLessThan(data.length / 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(file.bytesRead).toBe(readWhilePaused);

    const body = await readAll(res);
    expect(sha256(body)).toBe(sha256(data));
    expect(await outcomes.splice(0)[0]).toBe('sent');
  });

  it('gives up with a premature close when the client goes away mid-body', async () => {
    files.length = 0;
    const res = await get();
    res.pause();
    await new Promise((resolve) => setTimeout(resolve, 100));
    res.destroy();

    expect(await outcomes.splice(0)[0]).toBe('ERR_STREAM_PREMATURE_CLOSE');
    const readWhenClosed = files[0]!.bytesRead;
    expect(readWhenClosed).toBeLessThan(data.length);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(files[0]!.bytesRead).toBe(readWhenClosed);
  });
});
