import { JobAbortedError } from '@berth/jobs';

/** Where adapters report what they cannot throw to a caller (connection errors, failed renewals). */
export interface QueueLogger {
  warn(message: string): void;
  error(message: string): void;
}

export const consoleQueueLogger: QueueLogger = {
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when a handler's signal fired because the queue is closing. */
export function abortedForClosing(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof JobAbortedError && signal.reason.reason === 'closing';
}

/** True when a handler's signal fired because another worker may hold the job now. */
export function abortedForLostLock(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof JobAbortedError && signal.reason.reason === 'lock-lost';
}

/** Resolves after `ms`, or at once when `ms` is 0; never keeps the process alive. */
export function idle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** How long a closing queue waits for aborted handlers before leaving them behind. */
export const ABORT_SETTLE_MS = 5000;

/** Whether `work` settles within `ms` (0: whether it has settled already). */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = work.then(
    () => true,
    () => true,
  );
  if (ms <= 0) {
    const pending = Symbol('pending');
    return (await Promise.race([settled, Promise.resolve(pending)])) !== pending;
  }
  return Promise.race([settled, idle(ms).then(() => false)]);
}
