import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, type JWTHeaderParameters } from 'jose';
import { SigningKeyService, TOKEN_ALGORITHM } from './signing-key.service.js';
import type { ResourceActions } from './token-scope.js';
import { PUBLIC_PULL_CLAIM, TOKEN_ISSUER, TOKEN_SERVICE } from './token-settings.js';

export interface VerifiedToken {
  /** `sub`: the username or robot name; empty for an anonymous token. */
  subject: string;
  access: ResourceActions[];
  /** `exp` in milliseconds. */
  expiresAt: number;
  /** `nbf` in milliseconds. */
  notBefore: number;
  /** `iat` in Unix seconds, as signed: revocations are checked against it. */
  issuedAt: number;
  /** Repositories whose pull the token holds only because their project was public. */
  publicPull: string[];
}

export type TokenCheck = { valid: true; token: VerifiedToken } | { valid: false; reason: string };

/** Tolerated clock difference between the instance that signed a token and the one checking it. */
const CLOCK_TOLERANCE_S = 10;
const MAX_TOKEN_LENGTH = 16 * 1024;
/** Verified tokens remembered so a push's many blob requests verify one signature once. */
const CACHE_SIZE = 10_000;

/**
 * Checks the tokens `/service/token` signed: ES256 only, a known `kid`, our issuer and audience,
 * inside `nbf`..`exp`, and a well-formed `access` claim. Pure CPU and memory: no database read,
 * except a rate-limited key reload when a `kid` is unknown.
 */
@Injectable()
export class TokenVerifier {
  private readonly cache = new Map<string, VerifiedToken>();

  constructor(@Inject(SigningKeyService) private readonly keys: SigningKeyService) {}

  async verify(token: string, now = Date.now()): Promise<TokenCheck> {
    const cached = this.cache.get(token);
    if (cached) return this.checkTimes(cached, now);
    if (token.length > MAX_TOKEN_LENGTH) return { valid: false, reason: 'the token is too long' };

    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_SERVICE,
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'nbf', 'iat', 'jti', 'sub'],
      }));
    } catch (error) {
      return { valid: false, reason: describe(error) };
    }
    const access = parseAccess(payload.access);
    const publicPull = parsePublicPull(payload[PUBLIC_PULL_CLAIM]);
    if (!access || !publicPull || typeof payload.sub !== 'string') {
      return { valid: false, reason: 'the token has a malformed claim' };
    }
    const verified: VerifiedToken = {
      subject: payload.sub,
      access,
      expiresAt: (payload.exp as number) * 1000,
      notBefore: (payload.nbf as number) * 1000,
      issuedAt: payload.iat as number,
      publicPull,
    };
    if (this.cache.size >= CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(token, verified);
    return { valid: true, token: verified };
  }

  private checkTimes(token: VerifiedToken, now: number): TokenCheck {
    const tolerance = CLOCK_TOLERANCE_S * 1000;
    if (now - tolerance >= token.expiresAt) return { valid: false, reason: 'the token has expired' };
    if (now + tolerance < token.notBefore) return { valid: false, reason: 'the token is not valid yet' };
    return { valid: true, token };
  }

  private async keyFor(header: JWTHeaderParameters) {
    if (header.alg !== TOKEN_ALGORITHM)
      throw new errors.JOSEAlgNotAllowed(`alg ${header.alg} is not allowed`);
    if (typeof header.kid !== 'string') throw new errors.JWKSNoMatchingKey('the token names no key (kid)');
    const key =
      this.keys.verificationKey(header.kid) ?? (await this.keys.verificationKeyAfterReload(header.kid));
    if (!key) throw new errors.JWKSNoMatchingKey('the token was not signed by this registry (unknown kid)');
    return key;
  }
}

function parseAccess(value: unknown): ResourceActions[] | null {
  if (!Array.isArray(value)) return null;
  const access: ResourceActions[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return null;
    const { type, name, actions } = entry as Record<string, unknown>;
    if (typeof type !== 'string' || typeof name !== 'string' || !Array.isArray(actions)) return null;
    if (!actions.every((action) => typeof action === 'string')) return null;
    access.push({ type, name, actions: actions as string[] });
  }
  return access;
}

function parsePublicPull(value: unknown): string[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) return null;
  return value as string[];
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted (ES256 only)';
  if (error instanceof errors.JWKSNoMatchingKey) return error.message;
  return 'the token is malformed';
}
