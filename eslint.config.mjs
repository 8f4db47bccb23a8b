import js from '@eslint/js';
import pluginQuery from '@tanstack/eslint-plugin-query';
import tseslint from 'typescript-eslint';

// Dependency directions (docs/ARCHITECTURE.md): a wrong arrow fails lint.
const frameworkImports = ['@nestjs/*', '@prisma/*', 'prisma', 'bullmq', 'jose', 'pg', 'fastify', '@berth/*'];
// The queue engines: only @berth/queue's adapters talk to them (docs/jobs.md).
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
    files: ['apps/core/**/*.ts'],
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
    files: ['packages/jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', '@prisma/*', 'prisma', 'pg', 'fastify', '@berth/*'],
              message: 'Job kinds and the JobQueue port are framework-free and import nothing of ours.',
            },
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
              group: ['@nestjs/*', '@prisma/*', '@berth/db', '@berth/domain', '@berth/core', '@berth/worker'],
              message: 'The queue adapters implement the JobQueue port and know nothing else of ours.',
            },
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
          patterns: [
            {
              group: ['@nestjs/*', '@berth/core', '@berth/worker'],
              message: 'The domain is framework-free.',
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
