import { randomBytes } from 'node:crypto';
import { defineTestJobKind, describeJobQueue } from '@berth/jobs/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { BullMqJobQueue, decodeJobId, encodeJobId } from '../src/bullmq-job-queue.js';

const REDIS_URL = process.env.BERTH_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
// A prefix per run: runs share the machine's Redis and clean up after themselves.
const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
const STALL_TIMEOUT_MS = 3000;

afterAll(async () => {
  await BullMqJobQueue.deleteAllUnder(REDIS_URL, prefix);
});

describeJobQueue('BullMQ on Redis', () => ({
  connect: async () => new BullMqJobQueue({ redisUrl: REDIS_URL, prefix, stallTimeoutMs: STALL_TIMEOUT_MS }),
  crash: (queue) => (queue as BullMqJobQueue).disconnectAbruptly(),
  stallRecoveryMs: STALL_TIMEOUT_MS * 2,
}));

describe('BullMQ keys', () => {
  it('are all deleted under a prefix', async () => {
    const own = `${prefix}-delete`;
    const queue = new BullMqJobQueue({ redisUrl: REDIS_URL, prefix: own });
    const kind = defineTestJobKind();
    await queue.enqueue(kind, { id: 'a', data: {} });
    await queue.pause(kind);
    await queue.close({ graceMs: 0 });
    expect(await BullMqJobQueue.deleteAllUnder(REDIS_URL, own)).toBeGreaterThan(0);
    expect(await BullMqJobQueue.deleteAllUnder(REDIS_URL, own)).toBe(0);
  });
});

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
