import js from '@eslint/js';
import pluginQuery from '@tanstack/eslint-plugin-query';
import tseslint from 'typescript-eslint';

// Dependency directions (docs/ARCHITECTURE.md): a wrong arrow fails lint.
const frameworkImports = ['@nestjs/*', '@prisma/*', 'prisma', 'bullmq', 'jose', 'pg', 'fastify', '@berth/*'];

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
            { group: ['@nestjs/*', 'bullmq', '@berth/core', '@berth/worker'], message: 'db knows no app.' },
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
          ],
        },
      ],
    },
  },
);
