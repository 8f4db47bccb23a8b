import type { ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import type { BlobFile } from './blob-driver.js';

/** Bytes read per read call and written per socket write. */
export const SEND_CHUNK_BYTES = 256 * 1024;
/** Chunks of one response written and not yet flushed to the socket: its bound on memory. */
export const SEND_CHUNKS_IN_FLIGHT = 4;
/** Flushed chunk buffers kept for the next reads, shared by all responses. */
const MAX_FREE_BUFFERS = 8;

const freeBuffers: Buffer[] = [];

/**
 * Writes bytes `start`…`end` (inclusive) of `file` to `res`, whose headers are set.
 *
 * Reading a blob through a stream allocates a fresh buffer for every chunk; at a few hundred MiB/s
 * those large short-lived buffers cost more CPU (allocation, page faults, garbage collection) than
 * the copying itself. Here each chunk is read into a buffer from a small shared pool, and the
 * buffer goes back to the pool only in the callback of the write that sent it — once the socket
 * has taken the bytes — so no byte still waiting to be sent is ever overwritten. A response holds
 * at most `SEND_CHUNKS_IN_FLIGHT` buffers, which also stops reading while the client is slow.
 */
export async function sendBlobFile(
  res: ServerResponse,
  file: BlobFile,
  start: number,
  end: number,
): Promise<void> {
  let position = start;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const resume = () => {
    const waiting = wake;
    wake = null;
    waiting?.();
  };
  res.on('close', resume);
  try {
    while (position <= end) {
      while (inFlight >= SEND_CHUNKS_IN_FLIGHT && !res.destroyed) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (res.destroyed) throw prematureClose();
      const buffer = freeBuffers.pop() ?? Buffer.allocUnsafeSlow(SEND_CHUNK_BYTES);
      const bytesRead = await file.read(buffer, Math.min(SEND_CHUNK_BYTES, end - position + 1), position);
      if (bytesRead === 0) throw new Error(`blob content ends at ${position}, before byte ${end}`);
      position += bytesRead;
      inFlight++;
      res.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead), (error) => {
        inFlight--;
        // A failed write may leave the buffer referenced: let the garbage collector have it then.
        if (!error && freeBuffers.length < MAX_FREE_BUFFERS) freeBuffers.push(buffer);
        resume();
      });
    }
    res.end();
    await finished(res);
  } finally {
    res.off('close', resume);
  }
}

function prematureClose(): Error {
  return Object.assign(new Error('the client closed the connection'), {
    code: 'ERR_STREAM_PREMATURE_CLOSE',
  });
}
