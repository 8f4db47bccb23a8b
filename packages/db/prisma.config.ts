import { defineConfig } from 'prisma/config';

// Paths are relative to this file. The datasource URL is only needed by migrate/introspect commands.
export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/berth' },
});
