import pg from 'pg';
import type { Database } from '../database.js';

/** A held lock. `lost` fires if its connection dies (the lock is then gone with it). */
export interface AdvisoryLease {
  readonly scope: string;
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** Both keys of every Berth job lock start with this namespace ('bjob'). */
const NAMESPACE = 0x626a6f62;

/**
 * Session advisory locks on connections of their own, for work that must never run twice at once
 * on any process (garbage collection, a repository's retention). A lock dies with its connection,
 * so a killed worker never leaves one behind; the connection is outside the pool, so a long run
 * does not take a pooled connection for its whole length.
 */
export class AdvisoryLocks {
  constructor(private readonly database: Database) {}

  /** Takes the lock of `scope` if free; null when another session holds it. */
  async tryAcquire(scope: string): Promise<AdvisoryLease | null> {
    return this.take(scope, 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', undefined);
  }

  /**
   * Waits for the lock of `scope` and takes it, the moment its holder lets go. Rejects with the
   * signal's reason when `signal` fires first (the waiting session is closed, so it never takes the
   * lock later).
   */
  async acquire(scope: string, signal: AbortSignal): Promise<AdvisoryLease> {
    signal.throwIfAborted();
    const lease = await this.take(
      scope,
      'SELECT true AS locked FROM (SELECT pg_advisory_lock($1, hashtext($2))) AS taken',
      signal,
    );
    return lease!;
  }

  private async take(
    scope: string,
    sql: string,
    signal: AbortSignal | undefined,
  ): Promise<AdvisoryLease | null> {
    const client = new pg.Client({ connectionString: this.database.url, application_name: 'berth-job-lock' });
    const lost = new AbortController();
    let released = false;
    client.on('error', () => lost.abort(new Error(`the connection holding lock ${scope} failed`)));
    client.on('end', () => {
      if (!released) lost.abort(new Error(`the connection holding lock ${scope} closed`));
    });
    await client.connect();
    // Closing the session abandons a pending pg_advisory_lock: the server drops the wait with it.
    const abandon = (): void => void client.end().catch(() => undefined);
    signal?.addEventListener('abort', abandon, { once: true });
    let held = false;
    try {
      const { rows } = await client.query<{ locked: boolean }>(sql, [NAMESPACE, scope]);
      held = rows[0]?.locked === true;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      signal?.removeEventListener('abort', abandon);
      if (!held) await client.end().catch(() => undefined);
    }
    if (!held) return null;
    if (signal?.aborted) {
      released = true;
      await client.end().catch(() => undefined);
      throw signal.reason;
    }
    return {
      scope,
      lost: lost.signal,
      release: async () => {
        if (released) return;
        released = true;
        // Ending the session frees the lock; unlocking first frees it even if the close lingers.
        await client
          .query('SELECT pg_advisory_unlock($1, hashtext($2))', [NAMESPACE, scope])
          .catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }
}
