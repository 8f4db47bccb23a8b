import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.test.ts'],
    // The contract suite runs on the machine's Redis and PostgreSQL.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
