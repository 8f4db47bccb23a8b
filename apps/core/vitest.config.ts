import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.spec.ts'],
    // Harbor's swagger from ../shared: `pnpm test:compat` (vitest.compat.config.ts) runs these.
    exclude: ['test/compat/**', '**/node_modules/**'],
    // Integration tests spawn the built core (dist/main.js) and PostgreSQL: slow starts, one file at a time.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
