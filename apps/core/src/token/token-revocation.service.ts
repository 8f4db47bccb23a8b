import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  Database,
  TokenRevocationRepository,
  type ChannelListener,
  type TokenRevocation,
  type Tx,
} from '@berth/db';
import { AuthenticationService } from '../auth/authentication.service.js';

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
  private listener: ChannelListener | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(TokenRevocationRepository) private readonly revocations: TokenRevocationRepository,
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
    await listener?.close();
  }

  /**
   * Runs `work` in a transaction in which it may `revoke` subjects: their revocation rows and the
   * NOTIFY are written last, just before the commit, so they stand or fall with the change, and
   * this core refuses the tokens as soon as the commit returns.
   */
  async transaction<T>(work: (tx: Tx, revoke: Revoke) => Promise<T>): Promise<T> {
    let revoked: TokenRevocation[] = [];
    const result = await this.database.transaction(async (tx) => {
      // Set afresh on each attempt: a deadlocked attempt runs `work` again from the start.
      const subjects: string[] = [];
      const value = await work(tx, (more) => void subjects.push(...more));
      revoked = await this.revocations.record(tx, subjects);
      return value;
    });
    // This core refuses the tokens at once, without waiting for its own notification.
    for (const revocation of revoked) this.apply(revocation);
    return result;
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

  private apply({ subject, revokedAt }: TokenRevocation): void {
    const second = Math.floor(revokedAt.getTime() / 1000);
    if ((this.revoked.get(subject) ?? -Infinity) < second) this.revoked.set(subject, second);
    // Verified Basic credentials are cached per core for a few seconds: a revoked password or
    // secret must not keep working on the cores that did not make the change.
    this.authentication.forgetCredentials(subject);
  }

  private async listen(): Promise<void> {
    let listener: ChannelListener | null = null;
    try {
      listener = await this.revocations.listen({
        onRevoked: (revocations) => {
          for (const revocation of revocations) this.apply(revocation);
        },
        onMalformed: () => this.logger.warn('ignored a malformed token revocation notification'),
        onLost: (error) => {
          if (this.listener === listener) this.reconnect(error);
        },
      });
      if (this.stopped) {
        await listener.close();
        return;
      }
      this.listener = listener;
      // Loaded after LISTEN, so a revocation between the two is seen at least once.
      for (const revocation of await this.revocations.listRecent(REVOCATION_RETENTION_MS)) {
        this.apply(revocation);
      }
    } catch (error) {
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
    void listener?.close();
    if (this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.listen();
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }

  private async prune(): Promise<void> {
    const horizon = Math.floor((Date.now() - REVOCATION_RETENTION_MS) / 1000);
    for (const [subject, second] of this.revoked) if (second < horizon) this.revoked.delete(subject);
    try {
      await this.revocations.deleteOlderThan(REVOCATION_RETENTION_MS);
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
