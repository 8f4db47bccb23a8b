import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, parseAddressBlock, parseConfig, type Environment } from './config.js';

function problemsOf(env: Environment): string[] {
  try {
    parseConfig(env, '/srv');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe(parseConfig.name, () => {
  it('applies defaults', () => {
    expect(parseConfig({}, '/srv/berth')).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/berth/.berth',
      databaseUrl: null,
      embeddedPgPort: null,
      logLevel: 'log',
      externalUrl: null,
      adminPassword: null,
      secretKey: null,
      consoleDir: null,
      redisUrl: null,
      jobs: {
        queuePrefix: 'berth',
        pgBossSchema: 'pgboss',
        stallTimeoutMs: 30_000,
        workerTimeoutMs: 30_000,
        reconcileMs: 10_000,
        shutdownGraceMs: 10_000,
      },
      gc: { graceMinutes: 60, uploadMaxAgeHours: 24 },
      allowPrivateTargets: [],
      noColor: false,
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
        BERTH_EXTERNAL_URL: 'https://registry.example.com/',
        BERTH_ADMIN_PASSWORD: ' Secret123 ',
        BERTH_SECRET_KEY: 'AB'.repeat(32),
        BERTH_CONSOLE_DIR: 'web',
        REDIS_URL: 'redis://:pw@cache:6379/2',
        BERTH_QUEUE_PREFIX: 'berth-eu',
        BERTH_PGBOSS_SCHEMA: 'jobs',
        BERTH_JOB_STALL_TIMEOUT_MS: '1500',
        BERTH_JOB_WORKER_TIMEOUT_MS: '2000',
        BERTH_JOB_RECONCILE_MS: '500',
        BERTH_JOB_SHUTDOWN_GRACE_MS: '0',
        BERTH_ALLOW_PRIVATE_TARGETS: '10.0.0.0/8, 192.168.1.5 ,fd00::/8',
        NO_COLOR: '1',
      },
      '/srv',
    );
    expect(config).toEqual({
      port: 0,
      host: '127.0.0.1',
      dataDir: '/var/lib/berth',
      databaseUrl: 'postgresql://u:p@db:5432/berth',
      embeddedPgPort: 5544,
      logLevel: 'debug',
      externalUrl: 'https://registry.example.com',
      adminPassword: ' Secret123 ',
      secretKey: 'ab'.repeat(32),
      consoleDir: '/srv/web',
      redisUrl: 'redis://:pw@cache:6379/2',
      jobs: {
        queuePrefix: 'berth-eu',
        pgBossSchema: 'jobs',
        stallTimeoutMs: 1500,
        workerTimeoutMs: 2000,
        reconcileMs: 500,
        shutdownGraceMs: 0,
      },
      gc: { graceMinutes: 60, uploadMaxAgeHours: 24 },
      allowPrivateTargets: [
        { address: '10.0.0.0', prefixLength: 8, family: 'ipv4' },
        { address: '192.168.1.5', prefixLength: 32, family: 'ipv4' },
        { address: 'fd00::', prefixLength: 8, family: 'ipv6' },
      ],
      noColor: true,
    });
  });

  it('names every variable it reads', () => {
    expect([...CONFIG_VARIABLES].sort()).toEqual(
      [
        'BERTH_PORT',
        'BERTH_HOST',
        'BERTH_DATA_DIR',
        'DATABASE_URL',
        'BERTH_EMBEDDED_PG_PORT',
        'BERTH_LOG_LEVEL',
        'BERTH_EXTERNAL_URL',
        'BERTH_ADMIN_PASSWORD',
        'BERTH_SECRET_KEY',
        'BERTH_CONSOLE_DIR',
        'REDIS_URL',
        'BERTH_QUEUE_PREFIX',
        'BERTH_PGBOSS_SCHEMA',
        'BERTH_JOB_STALL_TIMEOUT_MS',
        'BERTH_JOB_WORKER_TIMEOUT_MS',
        'BERTH_JOB_RECONCILE_MS',
        'BERTH_JOB_SHUTDOWN_GRACE_MS',
        'BERTH_GC_GRACE_MINUTES',
        'BERTH_GC_UPLOAD_MAX_AGE_HOURS',
        'BERTH_ALLOW_PRIVATE_TARGETS',
        'NO_COLOR',
      ].sort(),
    );
  });

  it('resolves relative paths against cwd and treats empty values as unset', () => {
    const config = parseConfig(
      { BERTH_DATA_DIR: 'data', DATABASE_URL: '  ', BERTH_PORT: '', BERTH_ADMIN_PASSWORD: '', NO_COLOR: '' },
      '/srv',
    );
    expect(config.dataDir).toBe('/srv/data');
    expect(config.databaseUrl).toBeNull();
    expect(config.port).toBe(8080);
    expect(config.adminPassword).toBeNull();
    expect(config.noColor).toBe(false);
  });

  it('accepts a bracketed IPv6 host and host names', () => {
    expect(parseConfig({ BERTH_HOST: '[::1]' }, '/').host).toBe('::1');
    expect(parseConfig({ BERTH_HOST: 'registry.local' }, '/').host).toBe('registry.local');
  });

  it('keeps the path of an external URL, without trailing slashes', () => {
    expect(parseConfig({ BERTH_EXTERNAL_URL: 'http://host:8080/berth/' }, '/').externalUrl).toBe(
      'http://host:8080/berth',
    );
  });

  it('lists every bad value at once', () => {
    const problems = problemsOf({
      BERTH_PORT: '70000',
      BERTH_HOST: 'not a host',
      DATABASE_URL: 'mysql://x',
      BERTH_EMBEDDED_PG_PORT: '0',
      BERTH_LOG_LEVEL: 'loud',
      BERTH_EXTERNAL_URL: 'registry.example.com',
      BERTH_SECRET_KEY: 'abc',
      REDIS_URL: 'http://cache',
      BERTH_ALLOW_PRIVATE_TARGETS: '10.0.0.0/8,10.0.0.0/33,nonsense',
    });
    expect(problems).toHaveLength(10);
    const text = problems.join('\n');
    expect(text).toMatch(/BERTH_PORT.*70000/);
    expect(text).toMatch(/BERTH_EMBEDDED_PG_PORT.*from 1/);
    expect(text).toMatch(/BERTH_HOST/);
    expect(text).toMatch(/DATABASE_URL must be a postgres:\/\//);
    expect(text).toMatch(/BERTH_LOG_LEVEL.*loud/);
    expect(text).toMatch(/BERTH_EXTERNAL_URL.*registry\.example\.com/);
    expect(text).toMatch(/BERTH_SECRET_KEY must be 64 hexadecimal/);
    expect(text).toMatch(/REDIS_URL must be a redis:\/\//);
    expect(text).toMatch(/BERTH_ALLOW_PRIVATE_TARGETS.*10\.0\.0\.0\/33/);
    expect(text).toMatch(/BERTH_ALLOW_PRIVATE_TARGETS.*nonsense/);
  });

  it('refuses job settings out of shape', () => {
    expect(
      problemsOf({
        BERTH_QUEUE_PREFIX: 'two words',
        BERTH_PGBOSS_SCHEMA: 'Jobs',
        BERTH_JOB_STALL_TIMEOUT_MS: '50',
        BERTH_JOB_SHUTDOWN_GRACE_MS: 'soon',
      }),
    ).toEqual([
      'BERTH_QUEUE_PREFIX must be 1 to 64 letters, digits, dots, dashes or underscores, got "two words"',
      'BERTH_PGBOSS_SCHEMA must be a lower-case SQL name, got "Jobs"',
      'BERTH_JOB_STALL_TIMEOUT_MS must be a number of milliseconds from 100 to 86400000, got "50"',
      'BERTH_JOB_SHUTDOWN_GRACE_MS must be a number of milliseconds from 0 to 86400000, got "soon"',
    ]);
  });

  it('never repeats a secret in its complaints', () => {
    const problems = problemsOf({
      BERTH_SECRET_KEY: 'not-the-key-0123456789',
      DATABASE_URL: 'mysql://user:hunter2@db',
      REDIS_URL: 'http://:hunter3@cache',
      BERTH_EXTERNAL_URL: 'https://user:hunter4@registry.example.com',
    });
    expect(problems).toHaveLength(4);
    for (const secret of ['not-the-key', 'hunter2', 'hunter3', 'hunter4']) {
      expect(problems.join('\n')).not.toContain(secret);
    }
  });

  it.each(['-1', '8080x', '1.5', '0x50'])('rejects BERTH_PORT=%s', (value) => {
    expect(problemsOf({ BERTH_PORT: value })).toEqual([
      `BERTH_PORT must be an integer from 0 to 65535, got "${value}"`,
    ]);
  });

  it.each(['registry.example.com', 'ftp://x', 'https://x/?a=1', 'https://x/#top'])(
    'rejects BERTH_EXTERNAL_URL=%s',
    (value) => {
      expect(problemsOf({ BERTH_EXTERNAL_URL: value })).toHaveLength(1);
    },
  );
});

describe(parseAddressBlock.name, () => {
  it('reads CIDR blocks and bare addresses of both families', () => {
    expect(parseAddressBlock('172.16.0.0/12')).toEqual({
      address: '172.16.0.0',
      prefixLength: 12,
      family: 'ipv4',
    });
    expect(parseAddressBlock('::1')).toEqual({ address: '::1', prefixLength: 128, family: 'ipv6' });
    expect(parseAddressBlock('0.0.0.0/0')).toEqual({ address: '0.0.0.0', prefixLength: 0, family: 'ipv4' });
  });

  it.each(['10.0.0.0/33', 'fd00::/129', '10.0.0/8', '10.0.0.0/', '10.0.0.0/-1', 'host.local/8', ''])(
    'refuses %s',
    (value) => {
      expect(parseAddressBlock(value)).toBeNull();
    },
  );
});
