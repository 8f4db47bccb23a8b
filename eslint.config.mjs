import js from '@eslint/js';
import pluginQuery from '@tanstack/eslint-plugin-query';
import tseslint from 'typescript-eslint';

// Dependency directions (docs/ARCHITECTURE.md): a wrong arrow fails lint.
const frameworkImports = ['@nestjs/*', '@prisma/*', 'prisma', 'bullmq', 'jose', 'pg', 'fastify', '@berth/*'];
/** PostgreSQL's driver and Prisma: only packages/db imports them. */
const databaseDrivers = {
  group: ['pg', '@prisma/*', 'prisma', '**/generated/prisma/**'],
  message: 'Only @berth/db runs SQL: add a repository there.',
};
/** What @berth/db exports only for its own tests and tools, never for the apps' code. */
const databaseInternals = {
  name: '@berth/db',
  importNames: ['Prisma', 'PrismaClient', 'createPrismaClient', 'createPool', 'Pool', 'PoolClient'],
  message: 'Services reach the database through repositories (docs/CONVENTIONS.md).',
};
/** The queue engines: only @berth/queue's adapters talk to them (docs/jobs.md). */
const queueEngines = {
  group: ['bullmq', 'bullmq/*', 'pg-boss', 'pg-boss/*', 'ioredis', 'ioredis/*'],
  message: 'Only @berth/queue imports the queue engines: use the JobQueue port (@berth/jobs).',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/generated/**',
      '**/node_modules/**',
      '**/.berth/**',
      '**/coverage/**',
      '.turbo/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Rules that need types: promises that are never awaited or are passed where a callback's
    // result is ignored, and switches that forget a case of a union.
    // Sources and tests inside the projects' tsconfigs (tool configs are not in one).
    files: [
      'apps/*/src/**/*.{ts,tsx}',
      'apps/*/test/**/*.ts',
      'packages/*/src/**/*.ts',
      'packages/*/test/**/*.ts',
    ],
    ignores: ['packages/api-client/src/*.test.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
  {
    // AsyncLocalStorage and async hooks switch on promise hooks for the whole process: every
    // promise of every request pays for them (docs/performance.md). Pass context explicitly.
    files: ['apps/*/src/**/*.{ts,tsx}', 'packages/*/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        ...['node:async_hooks', 'async_hooks'].map((name) => ({
          name,
          importNames: ['AsyncLocalStorage', 'AsyncResource', 'createHook'],
          message: 'Promise hooks tax every promise of the process: pass the context explicitly.',
        })),
      ],
    },
  },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  // The console's queries (strict preset, as docs/ARCHITECTURE.md asks): keys that hold every input,
  // stable clients, options in the order the types infer from, queryOptions factories over inline options.
  ...pluginQuery.configs['flat/recommended-strict'].map((config) => ({
    ...config,
    files: ['apps/web/**/*.{ts,tsx}'],
  })),
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: ['packages/queue/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [queueEngines] }] },
  },
  {
    files: ['packages/distribution/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: frameworkImports,
              message: 'The engine is framework-free: define an interface instead.',
            },
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    files: ['packages/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', '@berth/core', '@berth/worker'], message: 'db knows no app.' },
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    files: ['packages/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [databaseInternals],
          patterns: [
            databaseDrivers,
            {
              group: ['@nestjs/*', 'fastify', '@berth/core', '@berth/worker'],
              message: 'domain knows no framework and no app.',
            },
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@berth/*', '!@berth/api-client'],
              message: 'The console talks to the API only, through @berth/api-client.',
            },
            databaseDrivers,
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    files: ['packages/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: frameworkImports, message: 'config is framework-free and reads no other package.' },
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    // The environment is read once, by @berth/config, from what the entry point passes it.
    files: ['apps/core/src/**/*.ts'],
    ignores: ['apps/core/src/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Inject BERTH_CONFIG (@berth/config) instead.' },
      ],
    },
  },
  {
    files: ['apps/core/**/*.ts'],
    // Nest reads parameter types at run time (`design:paramtypes`): a DTO class that types a
    // decorated handler's parameter is a value import, not a type-only one.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@berth/worker', '**/apps/worker/**'],
              message: 'core and worker never import each other.',
            },
            {
              group: ['@prisma/*', '**/generated/prisma/**'],
              message: 'Only @berth/db imports the Prisma client.',
            },
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    // The core's code decides; its tests may still look into the database to check what happened.
    files: ['apps/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [databaseInternals],
          patterns: [
            {
              group: ['@berth/worker', '**/apps/worker/**'],
              message: 'core and worker never import each other.',
            },
            databaseDrivers,
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    files: ['apps/worker/**/*.{ts,mjs}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@berth/core', '**/apps/core/**'],
              message: 'core and worker never import each other.',
            },
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    // The worker's code decides nothing itself and runs no SQL; its tests may look into the database.
    files: ['apps/worker/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [databaseInternals],
          patterns: [
            {
              group: ['@berth/core', '**/apps/core/**'],
              message: 'core and worker never import each other.',
            },
            databaseDrivers,
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    files: ['packages/jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'fastify', '@berth/*'],
              message: 'Job kinds and the JobQueue port are framework-free and import nothing of ours.',
            },
            databaseDrivers,
            queueEngines,
          ],
        },
      ],
    },
  },
  {
    files: ['packages/queue/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', '@berth/db', '@berth/domain', '@berth/core', '@berth/worker'],
              message: 'The queue adapters implement the JobQueue port and know nothing else of ours.',
            },
            databaseDrivers,
          ],
        },
      ],
    },
  },
  {
    files: ['packages/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [databaseInternals],
          patterns: [
            databaseDrivers,
            {
              group: ['@nestjs/*', 'fastify', '@berth/core', '@berth/worker'],
              message: 'domain knows no framework and no app.',
            },
            {
              group: ['@berth/queue'],
              message: 'The domain uses the JobQueue port; the apps pick the adapter.',
            },
            queueEngines,
          ],
        },
      ],
    },
  },
);
