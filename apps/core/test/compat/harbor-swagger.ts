/**
 * Harbor's swagger (`../shared/reference` beside the repository), the reference Berth's API is
 * checked against by `pnpm test:compat`: the operations Berth's document shares with it, and
 * answers of a real core. Only the compat command reads it; `pnpm test` needs nothing outside the
 * repository.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export const HARBOR_SWAGGER_PATH = new URL(
  '../../../../../shared/reference/harbor-api-v2.0.swagger.yaml',
  import.meta.url,
);

export type Schema = Record<string, unknown>;

interface SwaggerResponse {
  $ref?: string;
  schema?: Schema;
}
export interface SwaggerParameter {
  $ref?: string;
  name: string;
  in: string;
  type?: string;
  items?: Schema;
  required?: boolean;
}
export interface SwaggerOperation {
  operationId: string;
  parameters?: SwaggerParameter[];
  responses: Record<string, SwaggerResponse>;
}
interface SwaggerDocument {
  basePath: string;
  paths: Record<string, Record<string, SwaggerOperation>>;
  parameters: Record<string, SwaggerParameter>;
  responses: Record<string, SwaggerResponse>;
  definitions: Record<string, Schema>;
}

export interface HarborOperation {
  operationId: string;
  method: string;
  /** Full path with the base path, without a trailing slash, `{param}` placeholders kept. */
  path: string;
  definition: SwaggerOperation;
}

export const harbor = parse(readFileSync(HARBOR_SWAGGER_PATH, 'utf8')) as SwaggerDocument;
// go-swagger reads `additionalProperties: {type: object}` as map[string]interface{}: Harbor itself
// answers strings there (`extra_attrs.architecture: "amd64"`), so any value is what it means.
(harbor.definitions.ExtraAttrs as { additionalProperties: unknown }).additionalProperties = {};

export const harborOperations = new Map<string, HarborOperation>();
for (const [path, methods] of Object.entries(harbor.paths)) {
  for (const [method, definition] of Object.entries(methods)) {
    if (typeof definition !== 'object' || !definition || !('operationId' in definition)) continue;
    harborOperations.set(definition.operationId, {
      operationId: definition.operationId,
      method: method.toUpperCase(),
      path: `${harbor.basePath}${path}`.replace(/\/$/, ''),
      definition,
    });
  }
}

/** An operation's parameters with `#/parameters/…` references resolved. */
export function harborParameters(operation: SwaggerOperation): SwaggerParameter[] {
  return (operation.parameters ?? []).map((parameter) =>
    parameter.$ref ? harbor.parameters[parameter.$ref.replace('#/parameters/', '')]! : parameter,
  );
}

/** The body schema Harbor documents for an operation and status, null when it documents none. */
export function harborResponseSchema(operation: SwaggerOperation, status: number): Schema | null | undefined {
  let response = operation.responses[String(status)];
  if (!response) return undefined;
  if (response.$ref) response = harbor.responses[response.$ref.replace('#/responses/', '')] ?? {};
  return response.schema ?? null;
}

/** A schema with its `#/definitions/…` reference resolved (one level). */
export function resolveHarbor(schema: Schema): Schema {
  const ref = schema.$ref;
  return typeof ref === 'string'
    ? resolveHarbor(harbor.definitions[ref.replace('#/definitions/', '')]!)
    : schema;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
ajv.addSchema(harbor as object, 'harbor');
const validators = new Map<string, ValidateFunction>();

/**
 * Validates an answer against the schema Harbor's swagger gives for the operation and status;
 * returns the problems (empty when it conforms or the swagger gives no body schema).
 */
export function harborResponseProblems(operationId: string, status: number, body: unknown): string[] {
  const operation = harborOperations.get(operationId);
  if (!operation) return [`Harbor's swagger has no operation ${operationId}`];
  const schema = harborResponseSchema(operation.definition, status);
  if (schema === undefined) return [`${operationId} documents no ${status} response in Harbor's swagger`];
  if (schema === null) return [];
  const key = `${operationId}:${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"harbor#/definitions/')) as Schema,
    );
    validators.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''}`);
}
