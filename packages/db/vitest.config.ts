import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.test.ts'],
    // Integration tests talk to the machine's PostgreSQL, each file in a database of its own.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
