import { describe, expect, it } from 'vitest';
import { isValidRepositoryName, isValidTag } from './repository-name.js';

describe(isValidRepositoryName.name, () => {
  it('accepts the grammar of the distribution-spec', () => {
    for (const name of ['library/ubuntu', 'a', 'a-b/c.d/e__f', 'team-a/app--x', 'x'.repeat(255)]) {
      expect(isValidRepositoryName(name), name).toBe(true);
    }
  });

  it('refuses upper case, dot segments, empty segments and overlong names', () => {
    for (const name of [
      'Library/ubuntu',
      'a/../b',
      '..',
      'a//b',
      '/a',
      'a/',
      'a_',
      '-a',
      'x'.repeat(256),
      'a b',
    ]) {
      expect(isValidRepositoryName(name), name).toBe(false);
    }
  });
});

describe(isValidTag.name, () => {
  it('follows the tag grammar', () => {
    expect(isValidTag('v1.0.0-rc_1')).toBe(true);
    expect(isValidTag('.hidden')).toBe(false);
    expect(isValidTag('a'.repeat(129))).toBe(false);
    expect(isValidTag('sha256:abc')).toBe(false);
  });
});
