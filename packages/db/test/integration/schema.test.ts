import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';
import { compareSchema, describeDatabase, parseSchema } from './schema-drift.js';

const SCHEMA_PATH = join(defaultMigrationsDir(), '..', 'schema.prisma');

/** Adds `line` inside `model` of the schema text. */
function withFieldAdded(schema: string, model: string, line: string): string {
  const start = schema.indexOf(`model ${model} {`);
  if (start < 0) throw new Error(`no model ${model}`);
  const brace = schema.indexOf('{', start);
  return `${schema.slice(0, brace + 1)}\n  ${line}\n${schema.slice(brace + 1)}`;
}

describe('schema.prisma and the migrations', () => {
  let database: TestDatabase;
  let client: pg.Client;
  let schema: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: true });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    schema = await readFile(SCHEMA_PATH, 'utf8');
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('describe the same database', async () => {
    const problems = compareSchema(parseSchema(schema), await describeDatabase(client));
    expect(problems).toEqual([]);
  });

  it('covers every model of the schema', async () => {
    const db = await describeDatabase(client);
    const tables = parseSchema(schema).models.map((model) => model.dbName ?? model.name);
    expect(tables.sort()).toEqual([...db.tables.keys()].sort());
    expect(tables).toEqual(
      expect.arrayContaining([
        'repository',
        'blob',
        'repository_blob',
        'manifest',
        'manifest_reference',
        'tag',
        'upload_session',
      ]),
    );
  });

  describe('the comparison', () => {
    it('notices a field the migrations lack', async () => {
      const changed = withFieldAdded(schema, 'Blob', 'mediaType String? @map("media_type")');
      const problems = compareSchema(parseSchema(changed), await describeDatabase(client));
      expect(problems).toEqual([expect.stringContaining('blob.media_type, which the database lacks')]);
    });

    it('notices a column the schema lacks', async () => {
      await client.query('BEGIN');
      try {
        await client.query('ALTER TABLE "tag" ADD COLUMN "note" TEXT');
        const problems = compareSchema(parseSchema(schema), await describeDatabase(client));
        expect(problems).toEqual(['column tag.note is in the database but not in Tag']);
      } finally {
        await client.query('ROLLBACK');
      }
    });

    it('notices a different type, nullability or precision', async () => {
      const changed = schema
        .replace(/artifactType\s+String\?/, 'artifactType String')
        .replace(/(model Blob \{[^}]*?size\s+)BigInt/, '$1Int')
        .replace(
          /(model UploadSession \{[^}]*?createdAt\s+DateTime[^\n]*)@db\.Timestamptz\(6\)/,
          '$1@db.Timestamptz(3)',
        );
      const problems = compareSchema(parseSchema(changed), await describeDatabase(client));
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringContaining('manifest.artifact_type is nullable'),
          expect.stringContaining('blob.size is bigint, schema says integer'),
          expect.stringContaining('upload_session.created_at has precision 6, schema says 3'),
        ]),
      );
      expect(problems).toHaveLength(3);
    });

    it('notices a different primary key, index or foreign key', async () => {
      await client.query('BEGIN');
      try {
        await client.query('DROP INDEX "tag_manifest_id_idx"');
        await client.query('ALTER TABLE "repository_blob" DROP CONSTRAINT "repository_blob_pkey"');
        await client.query('ALTER TABLE "repository_blob" ADD PRIMARY KEY ("digest", "repository_id")');
        await client.query('ALTER TABLE "tag" DROP CONSTRAINT "tag_manifest_id_fkey"');
        await client.query(
          'ALTER TABLE "tag" ADD CONSTRAINT "tag_manifest_id_fkey" FOREIGN KEY ("manifest_id") REFERENCES "manifest"("id") ON DELETE RESTRICT ON UPDATE CASCADE',
        );
        const problems = compareSchema(parseSchema(schema), await describeDatabase(client));
        expect(problems).toEqual(
          expect.arrayContaining([
            expect.stringContaining(
              'index tag_manifest_id_idx on tag(manifest_id) is in the schema but not in the database',
            ),
            expect.stringContaining(
              'primary key repository_blob_pkey on repository_blob(repository_id, digest) is in the schema',
            ),
            expect.stringContaining('foreign key tag(manifest_id) -> manifest(id) ON DELETE c'),
          ]),
        );
      } finally {
        await client.query('ROLLBACK');
      }
    });

    it('notices a table no model maps to', async () => {
      await client.query('BEGIN');
      try {
        await client.query('CREATE TABLE "stray" ("id" INTEGER PRIMARY KEY)');
        const problems = compareSchema(parseSchema(schema), await describeDatabase(client));
        expect(problems).toContain('table stray is in the database but no model maps to it');
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });
});
