import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Global, Module } from '@nestjs/common';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { SecretBox } from './secret-box.js';

/**
 * The instance key: `BERTH_SECRET_KEY` (64 hex characters, checked with the configuration) when
 * set, else generated once into `<dataDir>/secret.key` (mode 0600). Instances that share a database
 * must share this key.
 */
function loadInstanceKey(config: BerthConfig): Buffer {
  if (config.secretKey) return Buffer.from(config.secretKey, 'hex');
  const file = join(config.dataDir, 'secret.key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  return key;
}

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [BERTH_CONFIG],
      useFactory: (config: BerthConfig) => new SecretBox(loadInstanceKey(config)),
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
