import { describe, expect, it } from 'vitest';
import { notificationPayloads, parseNotification } from './token-revocation.repository.js';

describe(notificationPayloads.name, () => {
  it('sends nothing for nothing, and a small batch in one payload', () => {
    expect(notificationPayloads([])).toEqual([]);
    expect(notificationPayloads([{ subject: 'alice', revokedAt: new Date(1000) }])).toEqual([
      '[["alice",1000]]',
    ]);
  });

  it('splits a large batch into payloads PostgreSQL accepts, losing no entry', () => {
    const revocations = Array.from({ length: 1000 }, (_, i) => ({
      subject: `user-${i}`,
      revokedAt: new Date(1_700_000_000_000 + i),
    }));
    const payloads = notificationPayloads(revocations);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap((payload) => parseNotification(payload) ?? [])).toEqual(revocations);
  });
});

describe(parseNotification.name, () => {
  it('reads what notificationPayloads writes, skipping entries of another shape', () => {
    expect(parseNotification('[["bob",2000],["bad"],[3,4],"x"]')).toEqual([
      { subject: 'bob', revokedAt: new Date(2000) },
    ]);
  });

  it('refuses what is not a JSON list', () => {
    expect(parseNotification('')).toBeNull();
    expect(parseNotification('{"a":1}')).toBeNull();
    expect(parseNotification('not json')).toBeNull();
  });
});
