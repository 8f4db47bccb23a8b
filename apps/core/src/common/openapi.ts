import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

type SchemaObject = Record<string, unknown>;

/**
 * Response schemas in the OpenAPI document. Request bodies and queries are documented from their
 * parameter types (nestjs-zod DTO classes); answers are zod schemas named with `.meta({ id })` —
 * Harbor's definition name where Berth answers Harbor's shape — and become
 * `#/components/schemas/<id>`, so the console's generated types keep Harbor's names.
 */

const JSON_SCHEMA_OPTIONS = {
  target: 'openapi-3.0',
  io: 'input',
  unrepresentable: 'any',
  uri: (id: string) => `#/components/schemas/${id}`,
} as const;

/** A schema as the document shows it: a `$ref` when it has an id, else inline (its named parts as refs). */
export function openApiSchema(schema: z.ZodType | [z.ZodType]): SchemaObject {
  if (Array.isArray(schema)) return { type: 'array', items: openApiSchema(schema[0]) };
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` };
  const { definitions: _named, ...inline } = z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as SchemaObject;
  return tidy(rewriteRefs(inline)) as SchemaObject;
}

/** Every named schema, as `components.schemas`. */
export function namedSchemas(): Record<string, SchemaObject> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, JSON_SCHEMA_OPTIONS) as {
    schemas: Record<string, SchemaObject>;
  };
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _id, ...schema }]) => [id, tidy(schema) as SchemaObject]),
  );
}

/**
 * Documents a route's success answer.
 *
 *   @ApiResult(ZProject)              200 with a Project
 *   @ApiResult([ZTag], { status: 201 })
 *   @ApiResult(null, { status: 201 })  no body
 */
export function ApiResult(
  schema: z.ZodType | [z.ZodType] | null,
  options: { status?: number; description?: string; headers?: Record<string, SchemaObject> } = {},
) {
  const status = options.status ?? 200;
  return applyDecorators(
    ApiResponse({
      status,
      description: options.description ?? (status === 201 ? 'Created' : 'Success'),
      ...(schema ? { schema: openApiSchema(schema) } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    }),
  );
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string'
        ? inner.replace('#/definitions/', '#/components/schemas/')
        : rewriteRefs(inner),
    ]),
  );
}

/** Drops zod's safe-integer bounds, which say nothing a client needs and clutter every integer. */
export function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (typeof value !== 'object' || value === null) return value;
  // zod wraps a named schema in `allOf` where it is optional; a lone reference says the same.
  const allOf = (value as { allOf?: unknown[] }).allOf;
  if (Object.keys(value).length === 1 && allOf?.length === 1) return tidy(allOf[0]);
  const entries = Object.entries(value).filter(
    ([key, inner]) =>
      !(
        (key === 'minimum' && inner === Number.MIN_SAFE_INTEGER) ||
        (key === 'maximum' && inner === Number.MAX_SAFE_INTEGER)
      ),
  );
  return Object.fromEntries(entries.map(([key, inner]) => [key, tidy(inner)]));
}
