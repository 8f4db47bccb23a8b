import { describe, expect, it } from 'vitest';
import { JobSettingsError, parseJobSettings, redactRedisUrl } from './job-settings.js';

describe(parseJobSettings.name, () => {
  it('defaults to pg-boss with production timings', () => {
    expect(parseJobSettings({ REDIS_URL: '  ' })).toEqual({
      redisUrl: null,
      queuePrefix: 'berth',
      pgBossSchema: 'pgboss',
      stallTimeoutMs: 30_000,
      workerTimeoutMs: 30_000,
      reconcileMs: 10_000,
      shutdownGraceMs: 10_000,
    });
  });

  it('reads every variable', () => {
    expect(
      parseJobSettings({
        REDIS_URL: 'redis://:secret@127.0.0.1:6379/2',
        BERTH_QUEUE_PREFIX: 'berth-a',
        BERTH_PGBOSS_SCHEMA: 'jobs',
        BERTH_JOB_STALL_TIMEOUT_MS: '1500',
        BERTH_JOB_WORKER_TIMEOUT_MS: '2000',
        BERTH_JOB_RECONCILE_MS: '500',
        BERTH_JOB_SHUTDOWN_GRACE_MS: '0',
      }),
    ).toEqual({
      redisUrl: 'redis://:secret@127.0.0.1:6379/2',
      queuePrefix: 'berth-a',
      pgBossSchema: 'jobs',
      stallTimeoutMs: 1500,
      workerTimeoutMs: 2000,
      reconcileMs: 500,
      shutdownGraceMs: 0,
    });
  });

  it('lists every bad value at once', () => {
    try {
      parseJobSettings({
        REDIS_URL: 'http://x',
        BERTH_QUEUE_PREFIX: 'a b',
        BERTH_JOB_STALL_TIMEOUT_MS: 'soon',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JobSettingsError);
      const { problems } = error as JobSettingsError;
      expect(problems).toHaveLength(3);
      expect(problems[0]).toMatch(/^REDIS_URL must be a redis/);
    }
  });
});

describe(redactRedisUrl.name, () => {
  it('hides the password', () => {
    expect(redactRedisUrl('redis://:secret@host:6379')).toBe('redis://:***@host:6379');
  });
});
