import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';

/** A console session. `id` is the hash of the cookie's token: the token itself is never stored. */
export interface UserSession {
  id: string;
  userId: bigint;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

/** A session with the account it belongs to, as a request authenticates with it. */
export interface UserSessionWithUser extends UserSession {
  user: { id: bigint; username: string; sysadmin: boolean };
}

/** Sliding-expiry parameters of `renew`, in milliseconds. */
export interface SessionRenewal {
  /** The new expiry is this long after now… */
  idleMs: number;
  /** …but never later than this long after the session began. */
  absoluteMs: number;
  /** Only sessions with less than this left are written. */
  renewBelowMs: number;
}

/** Console sessions (`user_session`). */
export class UserSessionRepository {
  constructor(private readonly database: Database) {}

  /** Throws `ForeignKeyViolationError` when the user is gone. */
  async create(tx: Tx, session: UserSession): Promise<void> {
    await mapDatabaseErrors(() => prismaOf(tx).userSession.create({ data: session }));
  }

  /** The session of this id with its user, expired or not; null when there is none. */
  async findWithUser(id: string): Promise<UserSessionWithUser | null> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.userSession.findUnique({
        where: { id },
        include: { user: { select: { id: true, username: true, sysadmin: true } } },
      }),
    );
    if (!row) return null;
    return {
      id: row.id,
      userId: row.userId,
      csrfToken: row.csrfToken,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      user: { id: row.user.id, username: row.user.username, sysadmin: row.user.sysadmin },
    };
  }

  /** Deletes the user's sessions that ended at or before `at`. */
  async deleteEnded(tx: Tx, userId: bigint, at: Date): Promise<void> {
    await mapDatabaseErrors(() =>
      prismaOf(tx).userSession.deleteMany({ where: { userId, expiresAt: { lte: at } } }),
    );
  }

  async delete(id: string): Promise<void> {
    await mapDatabaseErrors(() => this.database.prisma.userSession.deleteMany({ where: { id } }));
  }

  /** Deletes every session of the user but `exceptId` (the one making the change, when given). */
  async deleteForUser(tx: Tx, userId: bigint, exceptId?: string): Promise<void> {
    await mapDatabaseErrors(() =>
      prismaOf(tx).userSession.deleteMany({
        where: { userId, ...(exceptId !== undefined ? { id: { not: exceptId } } : {}) },
      }),
    );
  }

  /**
   * Slides a live session's expiry forward, capped at its absolute limit, in one statement. It
   * writes only when less than `renewBelowMs` remains, so a busy session costs a write now and
   * then, not one per request. Times are the database's, like those `expiresAt` is compared with.
   */
  async renew(id: string, renewal: SessionRenewal): Promise<void> {
    await mapDatabaseErrors(() =>
      this.database.pool.query(
        `UPDATE user_session
            SET expires_at = LEAST(now() + $2 * interval '1 millisecond', created_at + $3 * interval '1 millisecond')
          WHERE id = $1
            AND expires_at > now()
            AND expires_at < now() + $4 * interval '1 millisecond'
            AND expires_at < created_at + $3 * interval '1 millisecond'`,
        [id, renewal.idleMs, renewal.absoluteMs, renewal.renewBelowMs],
      ),
    );
  }
}
