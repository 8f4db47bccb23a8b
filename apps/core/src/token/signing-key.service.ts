import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type CryptoKey,
  type JWK,
} from 'jose';
import { Database, SigningKeyRepository } from '@berth/db';
import { SecretBox } from '../crypto/secret-box.js';

export const TOKEN_ALGORITHM = 'ES256';
/** An unknown `kid` reloads the keys from the database at most this often. */
const RELOAD_INTERVAL_MS = 10_000;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * The token signing keys: an ES256 pair created at the first start (one instance creates it, the
 * others wait on an advisory lock and load it), kept in `signing_key` with the private key sealed by
 * the instance key. Verification keys stay in memory, so checking a token never reads the database.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit {
  private readonly logger = new Logger('SigningKeys');
  private current: SigningKey | null = null;
  private verificationKeys = new Map<string, CryptoKey>();
  private lastReload = 0;
  private reloading: Promise<void> | null = null;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(SigningKeyRepository) private readonly keys: SigningKeyRepository,
    @Inject(SecretBox) private readonly secrets: SecretBox,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureKey();
    await this.load();
  }

  /** The key new tokens are signed with. */
  signingKey(): SigningKey {
    if (!this.current) throw new Error('signing keys are not loaded yet');
    return this.current;
  }

  /** The public key of `kid` from memory, or undefined. */
  verificationKey(kid: string): CryptoKey | undefined {
    return this.verificationKeys.get(kid);
  }

  /**
   * Looks `kid` up again after reloading from the database, for keys another instance added since
   * this one started; rate limited so unknown kids in forged tokens cannot load the database.
   */
  async verificationKeyAfterReload(kid: string): Promise<CryptoKey | undefined> {
    if (Date.now() - this.lastReload >= RELOAD_INTERVAL_MS) {
      this.reloading ??= this.load().finally(() => (this.reloading = null));
      await this.reloading;
    }
    return this.verificationKeys.get(kid);
  }

  private async ensureKey(): Promise<void> {
    const created = await this.database.transaction(async (tx) => {
      // One instance creates the key while the others wait here, then find it.
      await this.keys.lockCreation(tx);
      if ((await this.keys.count(tx)) > 0) return null;
      const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
      const publicJwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
      await this.keys.insert(tx, {
        kid,
        sealedPrivateKey: this.secrets.seal(await exportPKCS8(privateKey)),
        publicJwk: { ...publicJwk, kid, alg: TOKEN_ALGORITHM, use: 'sig' },
      });
      return kid;
    });
    if (created) this.logger.log(`created token signing key ${created}`);
  }

  private async load(): Promise<void> {
    this.lastReload = Date.now();
    const rows = await this.keys.listOldestFirst();
    const first = rows[0];
    if (!first) throw new Error('no token signing key in the database');
    const keys = new Map<string, CryptoKey>();
    for (const row of rows) {
      const jwk = row.publicJwk as JWK;
      keys.set(
        row.kid,
        (await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, TOKEN_ALGORITHM)) as CryptoKey,
      );
    }
    // Every instance signs with the oldest key, so all of them agree whichever started first.
    if (this.current?.kid !== first.kid) {
      this.current = {
        kid: first.kid,
        privateKey: await importPKCS8(this.secrets.open(first.sealedPrivateKey), TOKEN_ALGORITHM),
      };
    }
    this.verificationKeys = keys;
  }
}
