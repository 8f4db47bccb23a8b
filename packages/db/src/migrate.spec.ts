import { describe, expect, it } from 'vitest';
import { migrationChecksum, scriptMatchesChecksum } from './migrate.js';

describe(migrationChecksum.name, () => {
  it('is sha256 as 64 lowercase hex characters, as Prisma records it', () => {
    // The vector from Prisma's schema engine (schema-connector/src/checksum.rs).
    expect(migrationChecksum('hello')).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
    expect(migrationChecksum(Buffer.from('hello'))).toBe(migrationChecksum('hello'));
  });
});

describe(scriptMatchesChecksum.name, () => {
  it('matches the same script whatever its line endings', () => {
    const unix = 'CREATE TABLE a ();\nCREATE TABLE b ();\n';
    const windows = unix.replaceAll('\n', '\r\n');
    expect(scriptMatchesChecksum(unix, migrationChecksum(windows))).toBe(true);
    expect(scriptMatchesChecksum(windows, migrationChecksum(unix))).toBe(true);
    expect(scriptMatchesChecksum(unix, migrationChecksum(unix))).toBe(true);
  });

  it('rejects a different script', () => {
    expect(scriptMatchesChecksum('abc', migrationChecksum('abcd'))).toBe(false);
    expect(scriptMatchesChecksum('abc\n', migrationChecksum('abc'))).toBe(false);
  });

  it('accepts the unpadded hex that old Prisma versions recorded', () => {
    // Find a script whose digest has a byte below 0x10, so padding matters.
    const bytes = (script: string) => migrationChecksum(script).match(/../g) ?? [];
    let script = 'x';
    while (!bytes(script).some((byte) => byte.startsWith('0'))) script += 'x';
    const unpadded = bytes(script)
      .map((byte) => parseInt(byte, 16).toString(16))
      .join('');
    expect(unpadded.length).toBeLessThan(64);
    expect(scriptMatchesChecksum(script, unpadded)).toBe(true);
  });
});
