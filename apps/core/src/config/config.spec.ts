import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe(parseConfig.name, () => {
  it('applies defaults', () => {
    expect(parseConfig({}, '/srv/berth')).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/berth/.berth',
      databaseUrl: null,
      embeddedPgPort: null,
      logLevel: 'log',
    });
  });

  it('reads every variable', () => {
    const config = parseConfig(
      {
        BERTH_PORT: '0',
        BERTH_HOST: '127.0.0.1',
        BERTH_DATA_DIR: '/var/lib/berth',
        DATABASE_URL: 'postgresql://u:p@db:5432/berth',
        BERTH_EMBEDDED_PG_PORT: '5544',
        BERTH_LOG_LEVEL: 'DEBUG',
      },
      '/ignored',
    );
    expect(config).toEqual({
      port: 0,
      host: '127.0.0.1',
      dataDir: '/var/lib/berth',
      databaseUrl: 'postgresql://u:p@db:5432/berth',
      embeddedPgPort: 5544,
      logLevel: 'debug',
    });
  });

  it('resolves a relative data dir against cwd and treats empty values as unset', () => {
    const config = parseConfig({ BERTH_DATA_DIR: 'data', DATABASE_URL: '  ', BERTH_PORT: '' }, '/srv');
    expect(config.dataDir).toBe('/srv/data');
    expect(config.databaseUrl).toBeNull();
    expect(config.port).toBe(8080);
  });

  it('accepts a bracketed IPv6 host and host names', () => {
    expect(parseConfig({ BERTH_HOST: '[::1]' }).host).toBe('::1');
    expect(parseConfig({ BERTH_HOST: 'registry.local' }).host).toBe('registry.local');
  });

  it('lists every bad value at once', () => {
    let error: unknown;
    try {
      parseConfig({
        BERTH_PORT: '70000',
        BERTH_HOST: 'not a host',
        DATABASE_URL: 'mysql://x',
        BERTH_EMBEDDED_PG_PORT: '0',
        BERTH_LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/BERTH_PORT.*70000/);
    expect(problems.join('\n')).toMatch(/BERTH_EMBEDDED_PG_PORT.*from 1/);
  });

  it.each(['-1', '8080x', '1.5', '0x50'])('rejects BERTH_PORT=%s', (port) => {
    expect(() => parseConfig({ BERTH_PORT: port })).toThrow(ConfigError);
  });
});
