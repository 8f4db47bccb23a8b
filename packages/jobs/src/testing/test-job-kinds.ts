import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineJobKind, type Backoff, type Exclusivity, type JobKind } from '../job-kind.js';

/** The payload of test kinds: anything JSON. */
export const ZTestPayload = z.record(z.string(), z.unknown());

export interface TestJobKindOptions {
  /** A readable stem; a random suffix keeps kinds of different tests and runs apart. */
  name?: string;
  concurrency?: number;
  attempts?: number;
  backoff?: Backoff;
  exclusive?: Exclusivity<Record<string, unknown>>;
  execution?: 'one' | 'many';
}

/**
 * A job kind for tests, with a unique name (so tests sharing one Redis prefix or one database never
 * see each other's jobs) and a vendor type derived from it. Defaults: concurrency 1, one attempt,
 * a fixed 1 s backoff.
 */
export function defineTestJobKind(options: TestJobKindOptions = {}): JobKind<string, typeof ZTestPayload> {
  const name = `${options.name ?? 'test'}_${randomBytes(4).toString('hex')}`;
  return defineJobKind({
    name,
    vendorType: `TEST_${name.toUpperCase()}`,
    description: 'A job kind declared by a test.',
    payload: ZTestPayload,
    execution: options.execution ?? 'one',
    concurrency: options.concurrency ?? 1,
    attempts: options.attempts ?? 1,
    backoff: options.backoff ?? { type: 'fixed', delayMs: 1000 },
    exclusive: options.exclusive ?? false,
  });
}
