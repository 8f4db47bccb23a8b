export interface BatchedFlusherOptions<T> {
  /** How often pending items are written. */
  intervalMs: number;
  /** Writes one batch; a rejection is a failed write. */
  write: (batch: T[]) => Promise<void>;
  /**
   * Items with the same key are folded into one pending item by `merge` (e.g. pulls of one
   * manifest add up); without a key every item is kept.
   */
  key?: (item: T) => string;
  merge?: (pending: T, item: T) => void;
  /** `retry`: a failed batch goes back to be written with the next one; `drop`: it is lost. */
  onFailure: 'retry' | 'drop';
  /** Pending items beyond this are refused (`add` answers false), so an outage cannot eat memory. */
  maxPending: number;
  /** Told of failed writes and refused items; never of the items themselves. */
  warn: (message: string) => void;
}

/**
 * Collects items produced on a hot path (a pull, a push) and writes them in batches, at most one
 * write at a time, so the hot path never waits for the database. `stop()` writes what is left.
 */
export class BatchedFlusher<T> {
  private pending = new Map<string, T>();
  private sequence = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private warnedFull = false;

  constructor(private readonly options: BatchedFlusherOptions<T>) {}

  get size(): number {
    return this.pending.size;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is pending; safe to call more than once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Queues an item; false when the backlog is full and it was refused. */
  add(item: T): boolean {
    const key = this.options.key ? this.options.key(item) : `#${this.sequence++}`;
    const existing = this.pending.get(key);
    if (existing !== undefined && this.options.merge) {
      this.options.merge(existing, item);
      return true;
    }
    if (this.pending.size >= this.options.maxPending) {
      if (!this.warnedFull)
        this.options.warn(`backlog of ${this.options.maxPending} items full; refusing more`);
      this.warnedFull = true;
      return false;
    }
    this.pending.set(key, item);
    return true;
  }

  /** Writes what is pending now, after any write already running. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.warnedFull = false;
    try {
      await this.options.write(batch);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.options.onFailure === 'retry') {
        for (const item of batch) this.add(item);
        this.options.warn(`${batch.length} items not written yet (${reason}); retrying with the next batch`);
      } else {
        this.options.warn(`${batch.length} items not written (${reason})`);
      }
    }
  }
}
