import { Injectable } from '@nestjs/common';

const WINDOW_MS = 5 * 60 * 1000;
const MAX_FAILURES_PER_USER = 10;
const MAX_FAILURES_PER_ADDRESS = 30;
const MAX_TRACKED_KEYS = 100_000;

/**
 * Counts failed logins per user and per client address in a sliding window; over the limit, a
 * login is refused before the password is even checked. Kept in memory: each instance limits
 * what it sees.
 */
@Injectable()
export class LoginThrottler {
  private readonly failures = new Map<string, number[]>();

  /** Seconds until `username` from `address` may try again, or 0 when allowed now. */
  retryAfter(username: string, address: string, now = Date.now()): number {
    const waits = [
      this.wait(`u:${username.toLowerCase()}`, MAX_FAILURES_PER_USER, now),
      this.wait(`a:${address}`, MAX_FAILURES_PER_ADDRESS, now),
    ];
    return Math.max(...waits);
  }

  recordFailure(username: string, address: string, now = Date.now()): void {
    this.push(`u:${username.toLowerCase()}`, now);
    this.push(`a:${address}`, now);
  }

  recordSuccess(username: string): void {
    this.failures.delete(`u:${username.toLowerCase()}`);
  }

  private wait(key: string, limit: number, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < limit) return 0;
    return Math.ceil((recent[recent.length - limit]! + WINDOW_MS - now) / 1000);
  }

  private push(key: string, now: number): void {
    const recent = this.recent(key, now);
    recent.push(now);
    if (!this.failures.has(key) && this.failures.size >= MAX_TRACKED_KEYS) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(key, recent);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > now - WINDOW_MS);
  }
}
