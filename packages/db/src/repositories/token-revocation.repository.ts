import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import { listen, type ChannelListener } from '../listen.js';

/** The PostgreSQL channel every core listens on for new revocations. */
export const REVOCATION_CHANNEL = 'berth_token_revocation';

/** Tokens of `subject` issued at or before `revokedAt` are revoked. */
export interface TokenRevocation {
  subject: string;
  revokedAt: Date;
}

export interface RevocationHandlers {
  /** Revocations another transaction committed (this process's included). */
  onRevoked(revocations: TokenRevocation[]): void;
  /** A notification on the channel that is not a list of revocations; it is skipped. */
  onMalformed(payload: string): void;
  /** The listening connection is gone (see `ChannelHandlers.onLost`); listen again to resume. */
  onLost(error: Error): void;
}

/**
 * Token revocations (`token_revocation`, one row per subject with its latest revocation) and their
 * announcement on `REVOCATION_CHANNEL`, which every core LISTENs on.
 */
export class TokenRevocationRepository {
  constructor(private readonly database: Database) {}

  /**
   * Records that the subjects' tokens are revoked as of now, and NOTIFYs the channel; both take
   * effect when `tx` commits, and never if it rolls back. Resolves to the recorded times.
   */
  async record(tx: Tx, subjects: readonly string[]): Promise<TokenRevocation[]> {
    const unique = [...new Set(subjects.filter((subject) => subject !== ''))];
    if (unique.length === 0) return [];
    const prisma = prismaOf(tx);
    return mapDatabaseErrors(async () => {
      // clock_timestamp(), not now(): now() is when the transaction began, and a token issued
      // between then and this statement still carries what the change takes away.
      const rows = await prisma.$queryRawUnsafe<{ subject: string; revoked_at: Date }[]>(
        `INSERT INTO token_revocation (subject, revoked_at)
         SELECT subject, clock_timestamp() FROM unnest($1::text[]) AS subject
         ON CONFLICT (subject) DO UPDATE
           SET revoked_at = greatest(token_revocation.revoked_at, EXCLUDED.revoked_at)
         RETURNING subject, revoked_at`,
        unique,
      );
      const revocations = rows.map((row) => ({ subject: row.subject, revokedAt: row.revoked_at }));
      // Inside the transaction, NOTIFY is delivered at commit, and never if it rolls back.
      for (const payload of notificationPayloads(revocations)) {
        await prisma.$executeRawUnsafe('SELECT pg_notify($1, $2)', REVOCATION_CHANNEL, payload);
      }
      return revocations;
    });
  }

  /** Revocations made less than `ageMs` ago (by the database's clock). */
  async listRecent(ageMs: number): Promise<TokenRevocation[]> {
    const { rows } = await mapDatabaseErrors(() =>
      this.database.pool.query<{ subject: string; revoked_at: Date }>(
        `SELECT subject, revoked_at FROM token_revocation WHERE revoked_at > now() - $1 * interval '1 millisecond'`,
        [ageMs],
      ),
    );
    return rows.map((row) => ({ subject: row.subject, revokedAt: row.revoked_at }));
  }

  /** Deletes revocations made `ageMs` ago or earlier; resolves to how many. */
  async deleteOlderThan(ageMs: number): Promise<number> {
    const { rowCount } = await mapDatabaseErrors(() =>
      this.database.pool.query(
        `DELETE FROM token_revocation WHERE revoked_at < now() - $1 * interval '1 millisecond'`,
        [ageMs],
      ),
    );
    return rowCount ?? 0;
  }

  /**
   * Listens for revocations committed from now on. Call `listRecent` after this resolves, not
   * before, so that none made between the two is missed.
   */
  listen(handlers: RevocationHandlers): Promise<ChannelListener> {
    return listen(this.database, REVOCATION_CHANNEL, {
      onNotification(payload) {
        const revocations = parseNotification(payload);
        if (revocations) handlers.onRevoked(revocations);
        else handlers.onMalformed(payload);
      },
      onLost: (error) => handlers.onLost(error),
    });
  }
}

/**
 * PostgreSQL refuses NOTIFY payloads of 8000 bytes or more: a large batch is announced in parts.
 * Each part is `[[subject, revokedAtMs], …]`, the format every core version reads.
 */
const MAX_PAYLOAD_CHARS = 6000;

export function notificationPayloads(revocations: readonly TokenRevocation[]): string[] {
  const payloads: string[] = [];
  let part: (readonly [string, number])[] = [];
  for (const revocation of revocations) {
    const entry = [revocation.subject, revocation.revokedAt.getTime()] as const;
    if (part.length > 0 && JSON.stringify([...part, entry]).length > MAX_PAYLOAD_CHARS) {
      payloads.push(JSON.stringify(part));
      part = [];
    }
    part.push(entry);
  }
  if (part.length > 0) payloads.push(JSON.stringify(part));
  return payloads;
}

/** The revocations of one notification payload; null when it is not one `notificationPayloads` makes. */
export function parseNotification(payload: string): TokenRevocation[] | null {
  let entries: unknown;
  try {
    entries = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!Array.isArray(entries)) return null;
  const revocations: TokenRevocation[] = [];
  for (const entry of entries) {
    if (Array.isArray(entry) && typeof entry[0] === 'string' && Number.isFinite(entry[1])) {
      revocations.push({ subject: entry[0], revokedAt: new Date(entry[1] as number) });
    }
  }
  return revocations;
}
