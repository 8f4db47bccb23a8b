import type { Selector } from '@berth/db';
import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  InvalidRuleError,
  repositoryPath,
  selectsRepository,
  selectsTags,
  TAG_DECORATIONS,
  validateSelector,
} from './selectors.js';

const tag = (decoration: string, pattern: string, extras = ''): Selector => ({
  kind: 'doublestar',
  decoration,
  pattern,
  extras,
});

/** Harbor's doublestar selector test data (src/lib/selector/selectors/doublestar/selector_test.go). */
const HARBOR_CANDIDATES = [
  { name: 'harbor:latest', repository: 'harbor', tags: ['latest'] },
  { name: 'redis:4.0', repository: 'redis', tags: ['4.0'] },
  { name: 'redis:4.1', repository: 'redis', tags: ['4.1'] },
  { name: 'special', repository: 'special', tags: [] as string[] },
];

const selectTags = (selector: Selector) =>
  HARBOR_CANDIDATES.filter((c) => selectsTags(selector, c.tags)).map((c) => c.name);
const selectRepositories = (selector: Selector) =>
  HARBOR_CANDIDATES.filter((c) => selectsRepository(selector, c.repository)).map((c) => c.name);

describe('doublestar selectors, on Harbor’s own test cases', () => {
  it('matches tags, untagged artifacts included unless extras say otherwise', () => {
    expect(selectTags(tag('matches', '{latest,4.*}', '{"untagged":false}'))).toEqual([
      'harbor:latest',
      'redis:4.0',
      'redis:4.1',
    ]);
    expect(selectTags(tag('matches', '4.*', '{"untagged":false}'))).toEqual(['redis:4.0', 'redis:4.1']);
    // Harbor's New(Matches, "4.*", ""): untagged artifacts are selected by default.
    expect(selectTags(tag('matches', '4.*'))).toEqual(['redis:4.0', 'redis:4.1', 'special']);
  });

  it('excludes tags; an untagged artifact is selected unless `untagged` is set', () => {
    expect(selectTags(tag('excludes', '{latest,4.*}', '{"untagged":true}'))).toEqual([]);
    expect(selectTags(tag('excludes', '{latest,4.*}'))).toEqual(['special']);
    expect(selectTags(tag('excludes', '4.*', '{"untagged":true}'))).toEqual(['harbor:latest']);
  });

  it('matches and excludes repositories by their path inside the project', () => {
    const repo = (decoration: string, pattern: string) => ({ ...tag(decoration, pattern) });
    expect(selectRepositories(repo('repoMatches', '{redis}'))).toEqual(['redis:4.0', 'redis:4.1']);
    expect(selectRepositories(repo('repoMatches', 'har*'))).toEqual(['harbor:latest']);
    expect(selectRepositories(repo('repoExcludes', '{redis}'))).toEqual(['harbor:latest', 'special']);
    expect(selectRepositories(repo('repoExcludes', 'har*'))).toEqual(['redis:4.0', 'redis:4.1', 'special']);
    expect(repositoryPath('library/team/app')).toBe('team/app');
  });

  it('follows doublestar: * and ? stay in one segment, ** crosses them', () => {
    expect(compilePattern('*')('team/app')).toBe(false);
    expect(compilePattern('**')('team/app')).toBe(true);
    expect(compilePattern('team/*')('team/app')).toBe(true);
    expect(compilePattern('team/*')('team/a/b')).toBe(false);
    expect(compilePattern('team/**')('team/a/b')).toBe(true);
    expect(compilePattern('v?.?')('v1.2')).toBe(true);
    expect(compilePattern('[a-c]*')('beta')).toBe(true);
    expect(compilePattern('[a-c]*')('delta')).toBe(false);
    expect(compilePattern('{rc,test,nightly}')('test')).toBe(true);
    // Neither extglobs nor negation: these are literal text to doublestar.
    expect(compilePattern('!latest')('dev')).toBe(false);
    expect(compilePattern('!latest')('!latest')).toBe(true);
    expect(compilePattern('+(a)')('+(a)')).toBe(true);
    expect(compilePattern('a/**')('a')).toBe(true);
    expect(compilePattern('a/**/b')('a/b')).toBe(true);
    expect(compilePattern('a/**/b')('a/x/y/b')).toBe(true);
    expect(compilePattern('**/b')('b')).toBe(true);
    expect(compilePattern('**/b')('x/b')).toBe(true);
    expect(compilePattern('a**')('ab')).toBe(true);
    expect(compilePattern('a**')('a/b')).toBe(false);
    expect(compilePattern('[!a-c]*')('delta')).toBe(true);
    expect(compilePattern('[!a-c]*')('beta')).toBe(false);
    expect(compilePattern('[]a]')(']')).toBe(true);
    expect(compilePattern('{a,{b,c}}-\\*')('c-*')).toBe(true);
    expect(compilePattern('v1.0')('v1x0')).toBe(false);
    expect(compilePattern('a]')('a]')).toBe(true);
  });

  it('refuses patterns that do not parse, and empty ones', () => {
    for (const pattern of ['', '[abc', '{a,b', 'x\\', '[z-a]', '{a,[b}']) {
      expect(() => compilePattern(pattern), pattern).toThrow(InvalidRuleError);
    }
  });

  it('validates kind, decoration and extras', () => {
    expect(() =>
      validateSelector({ ...tag('matches', '.*'), kind: 'regex' }, TAG_DECORATIONS, 'tag selector 1'),
    ).toThrow('tag selector 1: kind must be "doublestar"');
    expect(() => validateSelector(tag('repoMatches', '**'), TAG_DECORATIONS, 's')).toThrow(
      'decoration must be one of matches, excludes',
    );
    expect(() => validateSelector(tag('matches', '**', 'untagged'), TAG_DECORATIONS, 's')).toThrow('extras');
    expect(() => validateSelector(tag('matches', '**', '{"untagged":"yes"}'), TAG_DECORATIONS, 's')).toThrow(
      'extras.untagged must be a boolean',
    );
    expect(validateSelector(tag('matches', '**', '{"untagged":true}'), TAG_DECORATIONS, 's')).toBeTruthy();
  });
});
