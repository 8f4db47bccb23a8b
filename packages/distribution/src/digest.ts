import { createHash, type Hash } from 'node:crypto';
import { RegistryError } from './errors.js';

export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
const DIGEST_PATTERN = /^(sha256|sha512):([a-f0-9]+)$/;

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** Parses `algorithm:hex`; null when it is not a digest this registry can verify. */
export function parseDigest(value: string): ParsedDigest | null {
  const match = DIGEST_PATTERN.exec(value);
  if (!match) return null;
  const algorithm = match[1] as DigestAlgorithm;
  const hex = match[2]!;
  if (hex.length !== HEX_LENGTH[algorithm]) return null;
  return { algorithm, hex };
}

export function isDigest(value: string): boolean {
  return parseDigest(value) !== null;
}

/** Parses a digest from a request, answering DIGEST_INVALID when it is malformed. */
export function requireDigest(value: string | null | undefined): ParsedDigest {
  const parsed = value ? parseDigest(value) : null;
  if (!parsed) throw new RegistryError('DIGEST_INVALID', `invalid digest: ${value ?? '(missing)'}`);
  return parsed;
}

export function newHash(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

export function digestOf(data: Buffer, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}
