#!/bin/sh
# Prisma's CLI wants a schema-engine binary even for `prisma generate`, which never runs it. This
# machine cannot download the real one, so the build points PRISMA_SCHEMA_ENGINE_BINARY here.
# Migrations are applied by src/migrate.ts, not by the schema engine.
exit 0
