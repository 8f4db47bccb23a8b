import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { PoolClient, Prisma } from '@berth/db';
import { AuthenticationService } from '../auth/authentication.service.js';
import { DatabaseService } from '../database/database.service.js';

/** The PostgreSQL channel every core listens on for new revocations. */
export const REVOCATION_CHANNEL = 'berth_token_revocation';
/**
 * No token lives longer than a day (`token_expiration` is capped there), so a revocation older than
 * that refuses nothing any more: it is forgotten, and its row deleted.
 */
export const REVOCATION_RETENTION_MS = 24 * 60 * 60 * 1000 + 60_000;
const RECONNECT_DELAY_MS = 2000;
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Revokes the `/v2/` tokens already issued to a subject (a token's `sub`: a username or a robot's
 * full name) when its credentials or rights shrink: a robot disabled, deleted, changed or given a
 * new secret; a user deleted, given a new password or CLI secret, no longer sysadmin, or removed
 * from a project or group.
 *
 * A revocation is a row (subject, revoked_at) and a NOTIFY, written in the same transaction as the
 * change that causes it (`transaction`): the change and the revocation commit together or not at
 * all, and PostgreSQL delivers the NOTIFY only at commit. Every core keeps the recent rows in
 * memory, refreshed by LISTEN (and reloaded whole after its listening connection drops), so
 * `/v2/` checks a token against memory alone. A token is refused when it was issued in or before
 * the second of its subject's latest revocation (`iat` has one-second resolution); the token
 * service waits out that second before issuing the subject a new one.
 *
 * Besides subjects, a project can be revoked (`projectDeletedKey`: every token for its
 * repositories; `projectHiddenKey`: the pulls a token holds there only because it was public):
 * these keys hold a ':', which no username or robot name does.
 */
@Injectable()
export class TokenRevocationService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenRevocationService.name);
  /** Subject → the second (Unix) of its latest revocation. */
  private readonly revoked = new Map<string, number>();
  private listener: PoolClient | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(AuthenticationService) private readonly authentication: AuthenticationService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    const listener = this.listener;
    this.listener = null;
    if (listener) {
      await listener.query(`UNLISTEN ${REVOCATION_CHANNEL}`).catch(() => undefined);
      listener.release();
    }
  }

  /**
   * Runs `work` in a transaction in which it may `revoke` subjects: their revocation rows and the
   * NOTIFY are written last, just before the commit, so they stand or fall with the change, and
   * this core refuses the tokens as soon as the commit returns.
   */
  async transaction<T>(work: (tx: Prisma.TransactionClient, revoke: Revoke) => Promise<T>): Promise<T> {
    const revoked: (readonly [string, number])[] = [];
    const result = await this.database.prisma.$transaction(async (tx) => {
      const subjects: string[] = [];
      const value = await work(tx, (more) => void subjects.push(...more));
      revoked.push(...(await this.record(tx, subjects)));
      return value;
    });
    // This core refuses the tokens at once, without waiting for its own notification.
    for (const [subject, revokedAtMs] of revoked) this.apply(subject, revokedAtMs);
    return result;
  }

  private async record(
    tx: Prisma.TransactionClient,
    subjects: readonly string[],
  ): Promise<(readonly [string, number])[]> {
    const unique = [...new Set(subjects.filter((subject) => subject !== ''))];
    if (unique.length === 0) return [];
    // clock_timestamp(), not now(): now() is when the transaction began, and a token issued between
    // then and this statement still carries what the change takes away.
    const rows = await tx.$queryRawUnsafe<{ subject: string; revoked_at: Date }[]>(
      `INSERT INTO token_revocation (subject, revoked_at)
       SELECT subject, clock_timestamp() FROM unnest($1::text[]) AS subject
       ON CONFLICT (subject) DO UPDATE
         SET revoked_at = greatest(token_revocation.revoked_at, EXCLUDED.revoked_at)
       RETURNING subject, revoked_at`,
      unique,
    );
    const entries = rows.map((row) => [row.subject, row.revoked_at.getTime()] as const);
    // Inside the transaction, NOTIFY is delivered at commit, and never if it rolls back.
    for (const payload of notificationPayloads(entries)) {
      await tx.$executeRawUnsafe('SELECT pg_notify($1, $2)', REVOCATION_CHANNEL, payload);
    }
    return entries;
  }

  /** Whether a token of `subject` issued at `issuedAt` (Unix seconds) has been revoked. */
  isRevoked(subject: string, issuedAt: number): boolean {
    const second = this.revoked.get(subject);
    return second !== undefined && issuedAt <= second;
  }

  /**
   * Resolves once a token issued now to `subject` would not count as revoked: at most a second
   * after its latest revocation, else at once.
   */
  async waitUntilIssuable(subject: string): Promise<void> {
    const second = this.revoked.get(subject);
    if (second === undefined) return;
    const wait = (second + 1) * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  private apply(subject: string, revokedAtMs: number): void {
    const second = Math.floor(revokedAtMs / 1000);
    if ((this.revoked.get(subject) ?? -Infinity) < second) this.revoked.set(subject, second);
    // Verified Basic credentials are cached per core for a few seconds: a revoked password or
    // secret must not keep working on the cores that did not make the change.
    this.authentication.forgetCredentials(subject);
  }

  private async listen(): Promise<void> {
    let client: PoolClient | null = null;
    try {
      client = await this.database.pool.connect();
      client.on('notification', (message) => {
        if (message.channel === REVOCATION_CHANNEL) this.onNotification(message.payload);
      });
      const listening = client;
      listening.on('error', (error) => {
        if (this.listener === listening) this.reconnect(error);
      });
      // A connection closed by the server (restart, pg_terminate_backend) ends without an error.
      listening.on('end', () => {
        if (this.listener === listening) this.reconnect(new Error('the connection ended'));
      });
      await listening.query(`LISTEN ${REVOCATION_CHANNEL}`);
      this.listener = listening;
      // Loaded after LISTEN, so a revocation between the two is seen at least once.
      await this.load();
    } catch (error) {
      // Once listening, reconnect() releases it; before, nobody else holds it.
      if (client && this.listener !== client) client.release(true);
      this.reconnect(error);
    }
  }

  private reconnect(error: unknown): void {
    if (this.stopped) return;
    this.logger.warn(
      `token revocation listener lost (${error instanceof Error ? error.message : String(error)}); reconnecting`,
    );
    const listener = this.listener;
    this.listener = null;
    listener?.release(true);
    if (this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.listen();
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }

  private async load(): Promise<void> {
    const { rows } = await this.database.pool.query<{ subject: string; revoked_at: Date }>(
      `SELECT subject, revoked_at FROM token_revocation WHERE revoked_at > now() - $1 * interval '1 millisecond'`,
      [REVOCATION_RETENTION_MS],
    );
    for (const row of rows) this.apply(row.subject, row.revoked_at.getTime());
  }

  private onNotification(payload: string | undefined): void {
    try {
      const entries = JSON.parse(payload ?? '[]') as unknown;
      if (!Array.isArray(entries)) return;
      for (const entry of entries) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number') {
          this.apply(entry[0], entry[1]);
        }
      }
    } catch {
      this.logger.warn('ignored a malformed token revocation notification');
    }
  }

  private async prune(): Promise<void> {
    const horizon = Math.floor((Date.now() - REVOCATION_RETENTION_MS) / 1000);
    for (const [subject, second] of this.revoked) if (second < horizon) this.revoked.delete(subject);
    try {
      await this.database.pool.query(
        `DELETE FROM token_revocation WHERE revoked_at < now() - $1 * interval '1 millisecond'`,
        [REVOCATION_RETENTION_MS],
      );
    } catch (error) {
      this.logger.warn(
        `old token revocations not deleted: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** Records subjects whose tokens the enclosing transaction revokes when it commits. */
export type Revoke = (subjects: readonly string[]) => void;

/** The revocation key refusing every token for a deleted project's repositories. */
export function projectDeletedKey(project: string): string {
  return `project:${project}`;
}

/**
 * The revocation key refusing the pulls a token holds in a project only because the project was
 * public (the token's `public_pull` claim), once it is made private.
 */
export function projectHiddenKey(project: string): string {
  return `public:${project}`;
}

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more: a large group is announced in parts. */
const MAX_PAYLOAD_CHARS = 6000;

export function notificationPayloads(entries: readonly (readonly [string, number])[]): string[] {
  const payloads: string[] = [];
  let part: (readonly [string, number])[] = [];
  for (const entry of entries) {
    if (part.length > 0 && JSON.stringify([...part, entry]).length > MAX_PAYLOAD_CHARS) {
      payloads.push(JSON.stringify(part));
      part = [];
    }
    part.push(entry);
  }
  if (part.length > 0) payloads.push(JSON.stringify(part));
  return payloads;
}
