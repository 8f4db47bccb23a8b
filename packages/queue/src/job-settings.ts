import { z } from 'zod';

/**
 * The job system's environment, read the same way by apps/worker and apps/core (until a shared
 * `@berth/config` holds it):
 *
 * | variable                      | default    | meaning                                                             |
 * | ----------------------------- | ---------- | ------------------------------------------------------------------- |
 * | `REDIS_URL`                   | unset      | BullMQ on this Redis; unset: pg-boss on the database, worker in core |
 * | `BERTH_QUEUE_PREFIX`          | `berth`    | prefix of BullMQ's Redis keys                                       |
 * | `BERTH_PGBOSS_SCHEMA`         | `pgboss`   | pg-boss's schema in Berth's database                                |
 * | `BERTH_JOB_STALL_TIMEOUT_MS`  | 30000      | a dead worker's job runs again on another after about this long     |
 * | `BERTH_JOB_WORKER_TIMEOUT_MS` | 30000      | a worker silent this long is dead; its Running tasks are settled    |
 * | `BERTH_JOB_RECONCILE_MS`      | 10000      | how often workers look for dead workers' and unqueued tasks         |
 * | `BERTH_JOB_SHUTDOWN_GRACE_MS` | 10000      | how long running tasks may finish at shutdown before handed back    |
 */
export interface JobSettings {
  redisUrl: string | null;
  queuePrefix: string;
  pgBossSchema: string;
  stallTimeoutMs: number;
  workerTimeoutMs: number;
  reconcileMs: number;
  shutdownGraceMs: number;
}

const empty = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const milliseconds = (fallback: number) =>
  z.preprocess(
    empty,
    z.coerce
      .number()
      .int()
      .min(100)
      .max(24 * 3600_000)
      .default(fallback),
  );

const ZJobEnvironment = z.object({
  REDIS_URL: z.preprocess(
    empty,
    z
      .string()
      .trim()
      .refine(
        (value) => /^rediss?:\/\//.test(value) && URL.canParse(value),
        'must be a redis:// or rediss:// URL',
      )
      .optional(),
  ),
  BERTH_QUEUE_PREFIX: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores')
      .default('berth'),
  ),
  BERTH_PGBOSS_SCHEMA: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .default('pgboss'),
  ),
  BERTH_JOB_STALL_TIMEOUT_MS: milliseconds(30_000),
  BERTH_JOB_WORKER_TIMEOUT_MS: milliseconds(30_000),
  BERTH_JOB_RECONCILE_MS: milliseconds(10_000),
  BERTH_JOB_SHUTDOWN_GRACE_MS: z.preprocess(
    empty,
    z.coerce.number().int().min(0).max(3600_000).default(10_000),
  ),
});

export class JobSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid job configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'JobSettingsError';
  }
}

/** Reads the job settings from `env`; empty values count as unset. Throws JobSettingsError listing every bad value. */
export function parseJobSettings(env: NodeJS.ProcessEnv = process.env): JobSettings {
  const parsed = ZJobEnvironment.safeParse(env);
  if (!parsed.success) {
    throw new JobSettingsError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
    );
  }
  const value = parsed.data;
  return {
    redisUrl: value.REDIS_URL ?? null,
    queuePrefix: value.BERTH_QUEUE_PREFIX,
    pgBossSchema: value.BERTH_PGBOSS_SCHEMA,
    stallTimeoutMs: value.BERTH_JOB_STALL_TIMEOUT_MS,
    workerTimeoutMs: value.BERTH_JOB_WORKER_TIMEOUT_MS,
    reconcileMs: value.BERTH_JOB_RECONCILE_MS,
    shutdownGraceMs: value.BERTH_JOB_SHUTDOWN_GRACE_MS,
  };
}

/** The redis URL without its password, for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
