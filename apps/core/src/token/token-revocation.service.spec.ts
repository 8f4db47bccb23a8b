import { describe, expect, it } from 'vitest';
import { notificationPayloads } from './token-revocation.service.js';

describe(notificationPayloads.name, () => {
  it('sends nothing for nothing, and a small batch in one payload', () => {
    expect(notificationPayloads([])).toEqual([]);
    expect(notificationPayloads([['alice', 1000]])).toEqual(['[["alice",1000]]']);
  });

  it('splits a large batch into payloads PostgreSQL accepts, losing no entry', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => [`user-${i}`, 1_700_000_000_000 + i] as const);
    const payloads = notificationPayloads(entries);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap((payload) => JSON.parse(payload) as unknown[])).toEqual(
      entries.map((entry) => [...entry]),
    );
  });
});
