/**
 * Retries `assertion` until it stops throwing or `timeoutMs` passes, then throws its last error.
 * For what Berth does just after a request answers: the outbox delivers audit entries and pull
 * counts right after the commit, not before the response.
 */
export async function eventually<T>(
  assertion: () => Promise<T> | T,
  { timeoutMs = 10_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
