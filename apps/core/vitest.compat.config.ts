import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `pnpm test:compat`: Berth's API against Harbor's swagger in ../shared/reference. Kept apart from
// `pnpm test`, which must pass in a clone with nothing beside it.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    name: 'compat',
    include: ['test/compat/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
