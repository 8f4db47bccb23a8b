import { getDMMF, type GetDMMFError } from '@prisma/get-dmmf';
import type pg from 'pg';

/**
 * Compares schema.prisma (through Prisma's own parser, the DMMF) with a live database: tables,
 * columns (type family, precision, nullability, whether the database supplies a default), primary
 * keys, unique and plain indexes (names and columns in order) and foreign keys (columns, target and
 * ON DELETE / ON UPDATE). It answers the differences as sentences; none means they agree.
 *
 * Prisma's `migrate diff --exit-code` is the real check where its schema engine can run; this one
 * needs only the wasm parser, so it runs everywhere the tests do.
 */

type Document = Exclude<ReturnType<typeof getDMMF>, GetDMMFError>;
type Datamodel = Document['datamodel'];
type Model = Datamodel['models'][number];
type Field = Model['fields'][number];

export function parseSchema(schema: string): Datamodel {
  const result = getDMMF({ datamodel: schema });
  if ('reason' in result)
    throw new Error(`schema.prisma does not parse: ${result.reason}`, { cause: result.error });
  return result.datamodel;
}

interface DbColumn {
  dataType: string;
  udtName: string;
  nullable: boolean;
  precision: number | null;
  maxLength: number | null;
  hasDefault: boolean;
}

interface DbIndex {
  name: string;
  table: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
}

interface DbForeignKey {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface DbSchema {
  tables: Map<string, Map<string, DbColumn>>;
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
}

/** Tables Prisma itself owns, not described by the schema. */
const IGNORED_TABLES = new Set(['_prisma_migrations']);

export async function describeDatabase(client: pg.ClientBase): Promise<DbSchema> {
  const tables = new Map<string, Map<string, DbColumn>>();
  const tableRows = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  for (const row of tableRows.rows) {
    if (!IGNORED_TABLES.has(row.table_name)) tables.set(row.table_name, new Map());
  }

  const columnRows = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: 'YES' | 'NO';
    datetime_precision: number | null;
    character_maximum_length: number | null;
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, datetime_precision,
            character_maximum_length, column_default
     FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  for (const row of columnRows.rows) {
    tables.get(row.table_name)?.set(row.column_name, {
      dataType: row.data_type,
      udtName: row.udt_name,
      nullable: row.is_nullable === 'YES',
      precision: row.datetime_precision,
      maxLength: row.character_maximum_length,
      hasDefault: row.column_default !== null,
    });
  }

  const indexRows = await client.query<{
    name: string;
    table: string;
    columns: string[];
    unique: boolean;
    primary: boolean;
  }>(
    `SELECT i.relname AS name, t.relname AS table, ix.indisunique AS unique, ix.indisprimary AS primary,
            array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k (attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                  ORDER BY k.ord) AS columns
     FROM pg_index ix
     JOIN pg_class t ON t.oid = ix.indrelid
     JOIN pg_class i ON i.oid = ix.indexrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema()`,
  );
  const indexes = indexRows.rows.filter((index) => tables.has(index.table));

  const fkRows = await client.query<DbForeignKey>(
    `SELECT c.conname AS name, t.relname AS table, r.relname AS "refTable",
            c.confdeltype AS "onDelete", c.confupdtype AS "onUpdate",
            array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k (attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                  ORDER BY k.ord) AS columns,
            array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k (attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                  ORDER BY k.ord) AS "refColumns"
     FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid
     JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
  const foreignKeys = fkRows.rows.filter((fk) => tables.has(fk.table));

  return { tables, indexes, foreignKeys };
}

interface ExpectedType {
  dataType: string;
  udtName?: string;
  precision?: number;
  maxLength?: number;
}

/** The column type `prisma migrate` creates for a scalar field on PostgreSQL. */
function expectedType(field: Field, datamodel: Datamodel): ExpectedType | string {
  if (field.isList) return `list field ${field.name} (extend the comparator for arrays)`;
  if (field.kind === 'enum') {
    const enumDef = datamodel.enums.find((candidate) => candidate.name === field.type);
    return { dataType: 'USER-DEFINED', udtName: enumDef?.dbName ?? field.type };
  }
  const [nativeName, nativeArgs = []] = (field.nativeType as [string, string[]] | null) ?? [undefined, []];
  const arg = nativeArgs[0] === undefined ? undefined : Number(nativeArgs[0]);
  switch (`${field.type}:${nativeName ?? ''}`) {
    case 'String:':
    case 'String:Text':
      return { dataType: 'text' };
    case 'String:Uuid':
      return { dataType: 'uuid' };
    case 'String:VarChar':
      return arg === undefined
        ? { dataType: 'character varying' }
        : { dataType: 'character varying', maxLength: arg };
    case 'Int:':
    case 'Int:Integer':
      return { dataType: 'integer' };
    case 'Int:SmallInt':
      return { dataType: 'smallint' };
    case 'BigInt:':
    case 'BigInt:BigInt':
      return { dataType: 'bigint' };
    case 'Boolean:':
      return { dataType: 'boolean' };
    case 'Float:':
      return { dataType: 'double precision' };
    case 'Decimal:':
    case 'Decimal:Decimal':
      return { dataType: 'numeric' };
    case 'Bytes:':
      return { dataType: 'bytea' };
    case 'Json:':
    case 'Json:JsonB':
      return { dataType: 'jsonb' };
    case 'Json:Json':
      return { dataType: 'json' };
    case 'DateTime:':
      return { dataType: 'timestamp without time zone', precision: 3 };
    case 'DateTime:Timestamp':
      return { dataType: 'timestamp without time zone', precision: arg ?? 6 };
    case 'DateTime:Timestamptz':
      return { dataType: 'timestamp with time zone', precision: arg ?? 6 };
    case 'DateTime:Date':
      return { dataType: 'date' };
    default:
      return `type ${field.type}${nativeName ? ` @db.${nativeName}` : ''} of ${field.name} (extend the comparator)`;
  }
}

/** Whether the database (not the client) supplies the field's default. */
function hasDatabaseDefault(field: Field): boolean {
  if (!field.hasDefaultValue) return false;
  const value = field.default as unknown;
  if (value && typeof value === 'object' && 'name' in value) {
    return !['uuid', 'cuid', 'nanoid', 'ulid'].includes((value as { name: string }).name);
  }
  return true;
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'c',
  Restrict: 'r',
  NoAction: 'a',
  SetNull: 'n',
  SetDefault: 'd',
};

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function list(columns: readonly string[]): string {
  return `(${columns.join(', ')})`;
}

export function compareSchema(datamodel: Datamodel, db: DbSchema): string[] {
  const problems: string[] = [];
  const tableOf = (model: Model) => model.dbName ?? model.name;
  const modelByName = new Map(datamodel.models.map((model) => [model.name, model]));
  const columnOf = (model: Model, fieldName: string) => {
    const field = model.fields.find((candidate) => candidate.name === fieldName);
    return field?.dbName ?? fieldName;
  };

  const modelTables = new Set(datamodel.models.map(tableOf));
  for (const table of db.tables.keys()) {
    if (!modelTables.has(table)) problems.push(`table ${table} is in the database but no model maps to it`);
  }

  const expectedIndexes: DbIndex[] = [];
  const expectedForeignKeys: Omit<DbForeignKey, 'name'>[] = [];

  for (const model of datamodel.models) {
    const table = tableOf(model);
    const columns = db.tables.get(table);
    if (!columns) {
      problems.push(`model ${model.name} maps to table ${table}, which the database lacks`);
      continue;
    }

    const scalars = model.fields.filter((field) => field.kind === 'scalar' || field.kind === 'enum');
    const expectedColumns = new Set(scalars.map((field) => field.dbName ?? field.name));
    for (const column of columns.keys()) {
      if (!expectedColumns.has(column))
        problems.push(`column ${table}.${column} is in the database but not in ${model.name}`);
    }
    for (const field of scalars) {
      const name = field.dbName ?? field.name;
      const column = columns.get(name);
      if (!column) {
        problems.push(
          `field ${model.name}.${field.name} maps to column ${table}.${name}, which the database lacks`,
        );
        continue;
      }
      const expected = expectedType(field, datamodel);
      if (typeof expected === 'string') {
        problems.push(`cannot compare ${model.name}: ${expected}`);
        continue;
      }
      if (column.dataType !== expected.dataType) {
        problems.push(`column ${table}.${name} is ${column.dataType}, schema says ${expected.dataType}`);
      }
      if (expected.udtName !== undefined && column.udtName !== expected.udtName) {
        problems.push(`column ${table}.${name} has type ${column.udtName}, schema says ${expected.udtName}`);
      }
      if (expected.precision !== undefined && column.precision !== expected.precision) {
        problems.push(
          `column ${table}.${name} has precision ${column.precision}, schema says ${expected.precision}`,
        );
      }
      if (expected.maxLength !== undefined && column.maxLength !== expected.maxLength) {
        problems.push(
          `column ${table}.${name} has length ${column.maxLength}, schema says ${expected.maxLength}`,
        );
      }
      if (column.nullable === field.isRequired) {
        problems.push(
          `column ${table}.${name} is ${column.nullable ? 'nullable' : 'NOT NULL'}, ` +
            `schema says ${field.isRequired ? 'required' : 'optional'}`,
        );
      }
      if (column.hasDefault !== hasDatabaseDefault(field)) {
        problems.push(
          `column ${table}.${name} ${column.hasDefault ? 'has' : 'lacks'} a database default, schema ` +
            `${hasDatabaseDefault(field) ? 'has one' : 'has none'}`,
        );
      }
    }

    const primaryFields =
      model.primaryKey?.fields ?? model.fields.filter((field) => field.isId).map((field) => field.name);
    expectedIndexes.push({
      name: model.primaryKey?.name ?? `${table}_pkey`,
      table,
      columns: primaryFields.map((field) => columnOf(model, field)),
      unique: true,
      primary: true,
    });

    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = modelByName.get(field.type);
      if (!target) continue;
      expectedForeignKeys.push({
        table,
        columns: field.relationFromFields.map((from) => columnOf(model, from)),
        refTable: tableOf(target),
        refColumns: (field.relationToFields ?? []).map((to) => columnOf(target, to)),
        onDelete:
          REFERENTIAL_ACTIONS[field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull')] ?? '?',
        onUpdate:
          REFERENTIAL_ACTIONS[(field as { relationOnUpdate?: string }).relationOnUpdate ?? 'Cascade'] ?? '?',
      });
    }
  }

  for (const index of datamodel.indexes) {
    if (index.type !== 'unique' && index.type !== 'normal') continue;
    const model = modelByName.get(index.model);
    if (!model) continue;
    const table = tableOf(model);
    const columns = index.fields.map((field) => columnOf(model, field.name));
    const suffix = index.type === 'unique' ? 'key' : 'idx';
    expectedIndexes.push({
      name: (index as { dbName?: string | null }).dbName ?? `${table}_${columns.join('_')}_${suffix}`,
      table,
      columns,
      unique: index.type === 'unique',
      primary: false,
    });
  }

  const describeIndex = (index: DbIndex) =>
    `${index.primary ? 'primary key' : index.unique ? 'unique index' : 'index'} ${index.name} on ${index.table}${list(index.columns)}`;
  const dbIndexes = db.indexes.filter((index) => modelTables.has(index.table));
  for (const expected of expectedIndexes) {
    if (!db.tables.has(expected.table)) continue;
    const found = dbIndexes.find(
      (index) =>
        index.table === expected.table &&
        index.name === expected.name &&
        index.unique === expected.unique &&
        index.primary === expected.primary &&
        same(index.columns, expected.columns),
    );
    if (!found) problems.push(`${describeIndex(expected)} is in the schema but not in the database`);
  }
  for (const index of dbIndexes) {
    const known = expectedIndexes.some(
      (expected) =>
        index.table === expected.table &&
        index.name === expected.name &&
        index.unique === expected.unique &&
        index.primary === expected.primary &&
        same(index.columns, expected.columns),
    );
    if (!known) problems.push(`${describeIndex(index)} is in the database but not in the schema`);
  }

  const describeFk = (fk: Omit<DbForeignKey, 'name'>) =>
    `foreign key ${fk.table}${list(fk.columns)} -> ${fk.refTable}${list(fk.refColumns)} ` +
    `ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
  const fkMatches = (a: Omit<DbForeignKey, 'name'>, b: Omit<DbForeignKey, 'name'>) =>
    a.table === b.table &&
    a.refTable === b.refTable &&
    same(a.columns, b.columns) &&
    same(a.refColumns, b.refColumns) &&
    a.onDelete === b.onDelete &&
    a.onUpdate === b.onUpdate;
  const dbForeignKeys = db.foreignKeys.filter((fk) => modelTables.has(fk.table));
  for (const expected of expectedForeignKeys) {
    if (!dbForeignKeys.some((fk) => fkMatches(fk, expected))) {
      problems.push(`${describeFk(expected)} is in the schema but not in the database`);
    }
  }
  for (const fk of dbForeignKeys) {
    if (!expectedForeignKeys.some((expected) => fkMatches(fk, expected))) {
      problems.push(`${describeFk(fk)} (${fk.name}) is in the database but not in the schema`);
    }
  }

  return problems;
}
