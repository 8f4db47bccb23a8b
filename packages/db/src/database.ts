import type pg from 'pg';
import { mapDatabaseErrors, sqlStateOf } from './errors.js';
import { createPool } from './pool.js';
import { createPrismaClient, type PrismaClient, type Prisma } from './prisma-client.js';

/**
 * An open transaction, handed by `Database.transaction` to the work it runs. Services pass it on
 * to repositories without looking inside: they never see Prisma or SQL.
 */
export type Tx = Prisma.TransactionClient;

/** Prisma's transaction client behind a `Tx`; only repositories unwrap it. */
export function prismaOf(tx: Tx): Prisma.TransactionClient {
  return tx;
}

export interface DatabaseOptions {
  /** Largest number of pooled connections (pg's default, 10, unless set). */
  maxConnections?: number;
  /** Names the connections in `pg_stat_activity`. */
  applicationName?: string;
}

/** Deadlock and serialization failure: the whole transaction may simply run again. */
const RETRYABLE_STATES = new Set(['40P01', '40001']);
const MAX_TRANSACTION_ATTEMPTS = 4;

/**
 * One process's PostgreSQL: a `pg` pool, the Prisma client on that pool, and transactions whose
 * failures come out as domain errors (`errors.ts`). Repositories take it in their constructor; the
 * apps create one per process and close it at shutdown.
 */
export class Database {
  readonly pool: pg.Pool;
  readonly prisma: PrismaClient;
  private closed = false;
  private readonly commitListeners = new Set<() => void>();

  constructor(
    /** The connection string, for the few connections that live outside the pool (LISTEN, leases). */
    readonly url: string,
    options: DatabaseOptions = {},
  ) {
    const databaseUrl = url;
    this.pool = createPool(databaseUrl, {
      ...(options.maxConnections ? { max: options.maxConnections } : {}),
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
    });
    this.prisma = createPrismaClient(this.pool);
  }

  /**
   * Runs `work` in one READ COMMITTED transaction and commits when it resolves. Deadlocks and
   * serialization failures run it again (so `work` must not have effects outside the database
   * before it resolves); other failures roll back and are thrown as domain errors.
   */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await mapDatabaseErrors(() =>
          this.prisma.$transaction((tx) => work(tx), { timeout: 30_000, maxWait: 10_000 }),
        );
        this.committed();
        return result;
      } catch (error) {
        const state = sqlStateOf((error as { cause?: unknown }).cause ?? error);
        if (attempt < MAX_TRANSACTION_ATTEMPTS && state !== null && RETRYABLE_STATES.has(state)) continue;
        throw error;
      }
    }
  }

  /**
   * Calls `listener` after each commit of this process that may have written outbox events, so
   * the dispatcher delivers them at once instead of at its next poll.
   */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Tells the commit listeners; for code that commits outside `transaction` (the engine's store). */
  committed(): void {
    for (const listener of this.commitListeners) listener();
  }

  /** Round-trips a trivial query; rejects when the database does not answer within `timeoutMs`. */
  async ping(timeoutMs = 3000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.pool.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the Prisma client and the pool, once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.prisma.$disconnect();
    await this.pool.end();
  }
}
