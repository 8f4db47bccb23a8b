import { defineConfig } from 'vitest/config';

// One run over every package: one summary for `pnpm test` and CI.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
