import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The instance key as a process that must not create it reads it (the worker: a key of its own
 * would open nothing the core sealed): `BERTH_SECRET_KEY` (64 hexadecimal characters) when set,
 * else `<dataDir>/secret.key` when that file exists, else null.
 */
export function readInstanceKey(secretKey: string | null, dataDir: string): Buffer | null {
  if (secretKey) return Buffer.from(secretKey, 'hex');
  try {
    const key = Buffer.from(readFileSync(join(dataDir, 'secret.key'), 'utf8').trim(), 'hex');
    return key.length === 32 ? key : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
