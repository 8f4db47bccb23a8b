import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { Prisma } from '../prisma-client.js';

/** A token signing key as stored: the private key sealed by the instance key, the public one as a JWK. */
export interface StoredSigningKey {
  kid: string;
  /** PKCS#8 PEM sealed with the instance key (`SecretBox`). */
  sealedPrivateKey: string;
  publicJwk: Record<string, unknown>;
  createdAt: Date;
}

export interface NewSigningKey {
  kid: string;
  sealedPrivateKey: string;
  publicJwk: Record<string, unknown>;
}

/** pg_advisory_xact_lock key ("berthsk" in ASCII) that serialises first-start key creation across instances. */
const KEY_CREATION_LOCK = 0x62657274_68736bn;

/** The token signing keys (`signing_key`). */
export class SigningKeyRepository {
  constructor(private readonly database: Database) {}

  /**
   * Holds, until `tx` ends, the lock every instance takes before it looks for keys to create: the
   * first creates them while the others wait, then find them there.
   */
  async lockCreation(tx: Tx): Promise<void> {
    await mapDatabaseErrors(
      () => prismaOf(tx).$executeRaw`SELECT pg_advisory_xact_lock(${KEY_CREATION_LOCK})`,
    );
  }

  async count(tx?: Tx): Promise<number> {
    return mapDatabaseErrors(() => (tx ? prismaOf(tx) : this.database.prisma).signingKey.count());
  }

  /** Throws `UniqueViolationError` when a key of this kid exists. */
  async insert(tx: Tx, key: NewSigningKey): Promise<void> {
    await mapDatabaseErrors(() =>
      prismaOf(tx).signingKey.create({
        data: {
          kid: key.kid,
          privateKey: key.sealedPrivateKey,
          publicJwk: key.publicJwk as Prisma.InputJsonObject,
        },
      }),
    );
  }

  /** Every key, oldest first (then by kid, so all instances agree on the order). */
  async listOldestFirst(): Promise<StoredSigningKey[]> {
    const rows = await mapDatabaseErrors(() =>
      this.database.prisma.signingKey.findMany({ orderBy: [{ createdAt: 'asc' }, { kid: 'asc' }] }),
    );
    return rows.map((row) => ({
      kid: row.kid,
      sealedPrivateKey: row.privateKey,
      publicJwk: row.publicJwk as Record<string, unknown>,
      createdAt: row.createdAt,
    }));
  }
}
