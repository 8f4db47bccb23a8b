import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DigestAlgorithm } from './digest.js';

/** Bytes copied into one batch before it is handed to a worker. */
const BATCH_BYTES = 512 * 1024;
/** Batches of one running hash a worker may hold: the bound on each upload's bytes in flight. */
const MAX_BATCHES_IN_FLIGHT = 4;
/**
 * A hash that ends before it filled its first batch beyond this is computed on the calling thread:
 * for small blobs the messages to and from a worker cost more than hashing the bytes.
 */
const LOCAL_DIGEST_MAX_BYTES = 128 * 1024;
/** Returned batches kept for reuse across hashes; more are left to the garbage collector. */
const MAX_FREE_BATCHES = 8;
/**
 * A worker with no hash for this long stops: a thread and its heap cost ≈ 7–10 MiB of resident
 * memory, which a registry that is only serving pulls should not carry. Starting one again costs
 * ≈ 20 ms, paid by the next large upload only.
 */
const DEFAULT_IDLE_RETIRE_MS = 5_000;

/**
 * The worker's whole program. Evaluated from a string so that it runs the same from `src` (tests)
 * and `dist` (the core) without a separate entry file to resolve.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (message) => {
  switch (message.type) {
    case 'create':
      hashes.set(message.id, createHash(message.algorithm));
      break;
    case 'update': {
      const hash = hashes.get(message.id);
      if (hash) hash.update(new Uint8Array(message.batch, 0, message.length));
      parentPort.postMessage({ type: 'done', id: message.id, batch: message.batch }, [message.batch]);
      break;
    }
    case 'digest': {
      const hash = hashes.get(message.id);
      hashes.delete(message.id);
      parentPort.postMessage({ type: 'digest', id: message.id, hex: hash ? hash.digest('hex') : null });
      break;
    }
    case 'drop':
      hashes.delete(message.id);
      break;
  }
});
`;

type WorkerReply =
  { type: 'done'; id: number; batch: ArrayBuffer } | { type: 'digest'; id: number; hex: string | null };

/**
 * SHA-256/512 computed on worker threads, so hashing uploads (several seconds of CPU per GiB on a
 * CPU without SHA extensions) leaves the event loop free and uses every core.
 *
 * Each running hash lives in one worker; its bytes are copied into batches that are transferred
 * (not copied) to that worker in order and come back for reuse once hashed. A hash holds at most
 * `MAX_BATCHES_IN_FLIGHT` batches at a time: `update` then waits, which stops the stream feeding
 * it, so a client faster than the hashing cannot grow memory.
 */
export class HashWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private taken = 0;
  private readonly freeBatches: ArrayBuffer[] = [];
  private nextId = 1;

  constructor(
    private readonly size: number = defaultPoolSize(),
    /** @internal How long an idle worker lives (tests shorten it). */
    readonly idleRetireMs: number = DEFAULT_IDLE_RETIRE_MS,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be ≥ 1, got ${size}`);
  }

  /** Starts a hash; it moves to the worker with the fewest running hashes once it has a batch. */
  create(algorithm: DigestAlgorithm): RunningHash {
    return new RunningHash(this, this.nextId++, algorithm);
  }

  /** Worker threads running now. */
  get threads(): number {
    return this.liveWorkers();
  }

  /** @internal */
  assign(hash: RunningHash): PoolWorker {
    const worker = this.leastBusyWorker();
    worker.attach(hash);
    worker.post({ type: 'create', id: hash.id, algorithm: hash.algorithm }, false);
    return worker;
  }

  /** Stops the workers; running hashes fail. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  /** @internal A worker retired for idleness: once none runs, the pooled batches go too. */
  retired(): void {
    if (this.liveWorkers() === 0) this.freeBatches.length = 0;
  }

  /** Batches handed out so far (reused or new): what small hashes must not cost. */
  get batchesTaken(): number {
    return this.taken;
  }

  /** @internal */
  takeBatch(): ArrayBuffer {
    this.taken++;
    return this.freeBatches.pop() ?? new ArrayBuffer(BATCH_BYTES);
  }

  /** @internal */
  returnBatch(batch: ArrayBuffer): void {
    if (batch.byteLength === BATCH_BYTES && this.freeBatches.length < MAX_FREE_BATCHES) {
      this.freeBatches.push(batch);
    }
  }

  private leastBusyWorker(): PoolWorker {
    let best: PoolWorker | undefined;
    for (const worker of this.workers) {
      if (!worker.alive) continue;
      if (!best || worker.hashes.size < best.hashes.size) best = worker;
    }
    if (best && (best.hashes.size === 0 || this.liveWorkers() >= this.size)) return best;
    const worker = new PoolWorker(this);
    const dead = this.workers.findIndex((candidate) => !candidate.alive);
    if (dead === -1) this.workers.push(worker);
    else this.workers[dead] = worker;
    return worker;
  }

  private liveWorkers(): number {
    return this.workers.filter((worker) => worker.alive).length;
  }
}

/** One thread and the running hashes assigned to it. */
export class PoolWorker {
  readonly hashes = new Map<number, RunningHash>();
  alive = true;
  private readonly worker: Worker;
  /** Messages that will be answered: while there are any, the worker keeps the process alive. */
  private awaitedReplies = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly pool: HashWorkerPool) {
    // The worker allocates nothing but small messages (the bytes are transferred buffers, outside
    // its heap): a small heap keeps its memory to what a thread costs anyway.
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    });
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.receive(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`hash worker exited with code ${code}`)));
  }

  /** Posts a message; `answered` when the worker will reply to it. */
  post(message: object, answered: boolean, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(message, transfer);
    if (answered && this.awaitedReplies++ === 0) this.worker.ref();
  }

  attach(hash: RunningHash): void {
    this.hashes.set(hash.id, hash);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  detach(hash: RunningHash): void {
    this.hashes.delete(hash.id);
    this.retireWhenIdle();
  }

  async terminate(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await this.worker.terminate();
  }

  private receive(reply: WorkerReply): void {
    if (--this.awaitedReplies === 0) this.worker.unref();
    if (reply.type === 'done') this.pool.returnBatch(reply.batch);
    this.hashes.get(reply.id)?.receive(reply);
    this.retireWhenIdle();
  }

  /** Stops the thread after the pool's idle time without hashes or replies to wait for. */
  private retireWhenIdle(): void {
    if (!this.alive || this.hashes.size > 0 || this.awaitedReplies > 0 || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.hashes.size > 0 || this.awaitedReplies > 0 || !this.alive) return;
      // Not alive from here on: the pool starts a new worker for the next hash.
      this.alive = false;
      this.pool.retired();
      void this.worker.terminate();
    }, this.pool.idleRetireMs);
    this.idleTimer.unref();
  }

  private fail(error: Error): void {
    if (!this.alive) return;
    this.alive = false;
    this.worker.unref();
    for (const hash of [...this.hashes.values()]) hash.fail(error);
    this.hashes.clear();
  }
}

/**
 * A hash in progress on a worker. Feed it with `update` (in order, awaiting each returned promise),
 * then read the result once with `digest`, or `dispose` it. Once it failed, every call rejects.
 */
export class RunningHash {
  /**
   * The first bytes, copied as they came, until they pass LOCAL_DIGEST_MAX_BYTES (then they move
   * into a batch and this is null): a small blob is hashed here without taking a 512 KiB batch,
   * whose churn, with many small uploads at once, left tens of MiB of buffers for the collector.
   */
  private head: Buffer[] | null = [];
  private headBytes = 0;
  /** The batch being filled (a whole pooled ArrayBuffer) and how much of it is filled. */
  private batch: Buffer | null = null;
  private filled = 0;
  private batchesInFlight = 0;
  private waitingForRoom: (() => void) | null = null;
  private pendingDigest: { resolve: (hex: string) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;
  private finished = false;

  /** The most `bytesInFlight` can reach. */
  static readonly maxBytesInFlight = (MAX_BATCHES_IN_FLIGHT + 1) * BATCH_BYTES;

  /** The worker holding the hash, from its first batch on. */
  private worker: PoolWorker | null = null;

  /** @internal */
  constructor(
    private readonly pool: HashWorkerPool,
    readonly id: number,
    readonly algorithm: DigestAlgorithm,
  ) {}

  /** Bytes handed to the worker and not yet hashed, plus those waiting in the current batch. */
  get bytesInFlight(): number {
    return this.batchesInFlight * BATCH_BYTES + this.filled + this.headBytes;
  }

  /**
   * Adds `bytes` to the hash. They are copied before this returns, so the caller may reuse its
   * buffer at once; the promise resolves when the hash has room for more.
   */
  async update(bytes: Uint8Array): Promise<void> {
    this.checkUsable();
    if (this.head !== null) {
      if (this.headBytes + bytes.length <= LOCAL_DIGEST_MAX_BYTES) {
        this.head.push(Buffer.from(bytes));
        this.headBytes += bytes.length;
        return;
      }
      this.leaveHead();
    }
    await this.append(bytes);
  }

  /**
   * Moves the bytes kept in `head` into the first batch (they fit: LOCAL_DIGEST_MAX_BYTES is less
   * than a batch, and no batch was taken before); from here on the hash runs on a worker.
   */
  private leaveHead(): void {
    const head = this.head ?? [];
    this.head = null;
    this.headBytes = 0;
    if (head.length === 0) return;
    this.batch = Buffer.from(this.pool.takeBatch());
    this.filled = 0;
    for (const chunk of head) {
      this.batch.set(chunk, this.filled);
      this.filled += chunk.length;
    }
  }

  /** Copies `bytes` into batches, handing each full one to the worker. */
  private async append(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.batch === null) {
        if (this.batchesInFlight >= MAX_BATCHES_IN_FLIGHT) {
          await new Promise<void>((resolve) => (this.waitingForRoom = resolve));
          this.checkUsable();
          continue;
        }
        this.batch = Buffer.from(this.pool.takeBatch());
        this.filled = 0;
      }
      const take = Math.min(BATCH_BYTES - this.filled, bytes.length - offset);
      this.batch.set(bytes.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === BATCH_BYTES) this.flush();
    }
  }

  /** The hex digest of every byte given; the hash is finished afterwards. */
  async digest(): Promise<string> {
    this.checkUsable();
    // Small enough to hash here: bytes still in `head`, or a first batch never handed over (a hash
    // settled before it had bytes).
    if (this.head !== null || (this.worker === null && this.filled <= LOCAL_DIGEST_MAX_BYTES)) {
      const hash = createHash(this.algorithm);
      for (const chunk of this.head ?? []) hash.update(chunk);
      if (this.batch) hash.update(this.batch.subarray(0, this.filled));
      this.release();
      return hash.digest('hex');
    }
    this.flush();
    this.finished = true;
    const worker = this.worker!;
    return new Promise<string>((resolve, reject) => {
      this.pendingDigest = { resolve, reject };
      worker.post({ type: 'digest', id: this.id }, true);
    });
  }

  /**
   * Hands the bytes waiting in the current batch to the worker, so that a hash kept between
   * requests holds no buffer.
   */
  settle(): void {
    this.checkUsable();
    if (this.head !== null) this.leaveHead();
    this.flush();
  }

  /** Abandons the hash (a failed request, an evicted state); batches in flight return on their own. */
  dispose(): void {
    if (this.finished) return;
    this.release();
    if (this.worker && this.failure === null) this.worker.post({ type: 'drop', id: this.id }, false);
    this.worker?.detach(this);
    this.wake();
  }

  /** @internal */
  receive(reply: WorkerReply): void {
    if (reply.type === 'done') {
      this.batchesInFlight--;
      this.wake();
      return;
    }
    const pending = this.pendingDigest;
    this.pendingDigest = null;
    this.worker?.detach(this);
    if (!pending) return;
    if (reply.hex === null) pending.reject(new Error(`hash ${this.id} is unknown to its worker`));
    else pending.resolve(reply.hex);
  }

  /** @internal */
  fail(error: Error): void {
    this.failure = error;
    this.pendingDigest?.reject(error);
    this.pendingDigest = null;
    this.wake();
  }

  private flush(): void {
    const batch = this.batch;
    if (batch === null || this.filled === 0) return;
    this.worker ??= this.pool.assign(this);
    const buffer = batch.buffer as ArrayBuffer;
    this.worker.post({ type: 'update', id: this.id, batch: buffer, length: this.filled }, true, [buffer]);
    this.batch = null;
    this.filled = 0;
    this.batchesInFlight++;
  }

  /** Finishes the hash on this side and gives its batch back. */
  private release(): void {
    this.finished = true;
    this.head = null;
    this.headBytes = 0;
    if (this.batch) this.pool.returnBatch(this.batch.buffer as ArrayBuffer);
    this.batch = null;
    this.filled = 0;
  }

  private wake(): void {
    const waiting = this.waitingForRoom;
    this.waitingForRoom = null;
    waiting?.();
  }

  private checkUsable(): void {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error(`hash ${this.id} is finished`);
  }
}

/**
 * One thread per core but one, which the event loop keeps: with a hash running at several hundred
 * MiB/s, one worker hashes as fast as one event loop can receive and write uploads, and each
 * worker costs about 15 MiB of memory.
 */
function defaultPoolSize(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

let shared: HashWorkerPool | undefined;

/** The process's pool, started on first use. */
export function sharedHashWorkerPool(): HashWorkerPool {
  shared ??= new HashWorkerPool();
  return shared;
}
