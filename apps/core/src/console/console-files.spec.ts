import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleFileFor, isConsolePath } from './console-files.js';

describe('isConsolePath', () => {
  it('leaves the API, login, token service and registry alone', () => {
    for (const path of ['/api/v2.0/projects', '/c/login', '/service/token', '/v2/', '/v2', '/api'])
      expect(isConsolePath(path), path).toBe(false);
  });
  it('takes page paths and files', () => {
    for (const path of ['/', '/projects/1', '/assets/index.js', '/callback', '/v2x', '/apis'])
      expect(isConsolePath(path), path).toBe(true);
  });
});

describe('consoleFileFor', () => {
  const root = mkdtempSync(join(tmpdir(), 'console-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<html></html>');
  writeFileSync(join(root, 'assets', 'app.js'), '');

  it('serves files that exist', () => {
    expect(consoleFileFor(root, '/assets/app.js')).toBe('assets/app.js');
  });
  it('falls back to index.html for routes, directories and escapes', () => {
    expect(consoleFileFor(root, '/')).toBe('index.html');
    expect(consoleFileFor(root, '/projects/3/repositories/a/b')).toBe('index.html');
    expect(consoleFileFor(root, '/assets')).toBe('index.html');
    expect(consoleFileFor(root, '/../../etc/passwd')).toBe('index.html');
    expect(consoleFileFor(root, '/%2e%2e/%2e%2e/etc/passwd')).toBe('index.html');
    expect(consoleFileFor(root, '/%E0%A4%A')).toBe('index.html');
  });
});
