import { randomBytes } from 'node:crypto';
import { describeJobQueue } from '@berth/jobs/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullMqJobQueue, decodeJobId, encodeJobId } from '../src/bullmq-job-queue.js';

const REDIS_URL = process.env.BERTH_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
// A prefix per run: runs share the machine's Redis and clean up after themselves.
const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
const STALL_TIMEOUT_MS = 1500;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
});

describeJobQueue('BullMQ on Redis', () => ({
  connect: async () => new BullMqJobQueue({ redisUrl: REDIS_URL, prefix, stallTimeoutMs: STALL_TIMEOUT_MS }),
  crash: (queue) => (queue as BullMqJobQueue).disconnectAbruptly(),
  stallRecoveryMs: STALL_TIMEOUT_MS * 2,
}));

describe('BullMQ job ids', () => {
  it('escape what BullMQ refuses and read back unchanged', () => {
    for (const id of ['task:1', '123', 'a%3Ab', 'schedule:7:2026-12-07T10:00:00.000Z']) {
      const encoded = encodeJobId(id);
      expect(encoded).not.toContain(':');
      expect(encoded).not.toMatch(/^\d+$/);
      expect(decodeJobId(encoded)).toBe(id);
    }
  });
});
