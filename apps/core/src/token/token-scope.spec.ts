import { describe, expect, it } from 'vitest';
import {
  formatScope,
  MAX_SCOPES,
  parseScopes,
  requestedRepositoryActions,
  ScopeError,
  splitRepository,
} from './token-scope.js';

describe(parseScopes.name, () => {
  it('parses repository and registry scopes', () => {
    expect(parseScopes(['repository:library/alpine:pull,push', 'registry:catalog:*'])).toEqual([
      { type: 'repository', name: 'library/alpine', actions: ['pull', 'push'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
  });

  it('splits space-separated scopes and merges a resource asked twice', () => {
    expect(parseScopes(['repository:a/b:pull repository:a/b:push', 'repository:a/b:pull'])).toEqual([
      { type: 'repository', name: 'a/b', actions: ['pull', 'push'] },
    ]);
  });

  it('keeps a registry host with a port inside the name and drops a resource class', () => {
    expect(parseScopes(['repository(plugin):host:5000/a/b:pull'])).toEqual([
      { type: 'repository', name: 'host:5000/a/b', actions: ['pull'] },
    ]);
  });

  it('refuses malformed scopes and too many', () => {
    for (const scope of ['repository', 'repository:a', ':a:pull', 'repository:a:']) {
      expect(() => parseScopes([scope]), scope).toThrow(ScopeError);
    }
    const many = Array.from({ length: MAX_SCOPES + 1 }, (_, i) => `repository:a/r${i}:pull`);
    expect(() => parseScopes(many)).toThrow(ScopeError);
  });

  it('ignores empty action entries', () => {
    expect(parseScopes(['repository:a/b:pull,,'])[0]!.actions).toEqual(['pull']);
  });
});

describe(requestedRepositoryActions.name, () => {
  it('expands * and drops unknown actions, in a fixed order', () => {
    expect(requestedRepositoryActions(['*'])).toEqual(['pull', 'push', 'delete']);
    expect(requestedRepositoryActions(['push', 'fly', 'pull'])).toEqual(['pull', 'push']);
  });
});

describe(splitRepository.name, () => {
  it('needs a project component and a valid name', () => {
    expect(splitRepository('library/team/app')).toEqual({ project: 'library', path: 'team/app' });
    expect(splitRepository('alpine')).toBeNull();
    expect(splitRepository('Library/App')).toBeNull();
    expect(splitRepository('a/../b')).toBeNull();
  });
});

describe(formatScope.name, () => {
  it('is the inverse of parsing', () => {
    const scope = 'repository:library/alpine:pull,push';
    expect(formatScope(parseScopes([scope])[0]!)).toBe(scope);
  });
});
