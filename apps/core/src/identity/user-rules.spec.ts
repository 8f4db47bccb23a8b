import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generatePassword,
  isValidEmail,
  isValidPassword,
  isValidRealname,
  isValidUsername,
} from './user-rules.js';

describe('user rules', () => {
  it('accepts passwords with upper, lower and digit of 8 to 128 characters', () => {
    expect(isValidPassword('Harbor12345')).toBe(true);
    expect(isValidPassword('Aa1' + 'x'.repeat(125))).toBe(true);
    expect(isValidPassword('Aa1' + 'x'.repeat(126))).toBe(false);
    expect(isValidPassword('Ab1cdef')).toBe(false);
    expect(isValidPassword('harbor12345')).toBe(false);
    expect(isValidPassword('HARBOR12345')).toBe(false);
    expect(isValidPassword('HarborHarbor')).toBe(false);
  });

  it('generates passwords that meet the policy', () => {
    for (let i = 0; i < 50; i++) expect(isValidPassword(generatePassword(randomBytes))).toBe(true);
  });

  it('refuses usernames with separators, quotes, paths or whitespace', () => {
    for (const ok of ['alice', 'bob.smith', 'ci-bot_2', 'dev@example.com', 'Łukasz', '张伟']) {
      expect(isValidUsername(ok), ok).toBe(true);
    }
    for (const bad of [
      '',
      ' alice',
      'a b',
      "a'; DROP TABLE user;--",
      '../etc/passwd',
      'a/b',
      'a:b',
      'a,b',
      'a#b',
      '$x',
      '.hidden',
      'x'.repeat(256),
      'robot$ci',
    ]) {
      expect(isValidUsername(bad), bad).toBe(false);
    }
  });

  it('checks e-mail and real name as Harbor does', () => {
    expect(isValidEmail('alice@example.com')).toBe(true);
    expect(isValidEmail('alice@localhost')).toBe(false);
    expect(isValidEmail('not-an-email')).toBe(false);
    expect(isValidRealname('Alice Liddell')).toBe(true);
    expect(isValidRealname('')).toBe(false);
    expect(isValidRealname('a,b')).toBe(false);
  });
});
