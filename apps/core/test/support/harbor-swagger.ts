import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/** Harbor's swagger (`../shared/reference` beside the repository): the contract API tests check against. */
export const HARBOR_SWAGGER_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/reference/harbor-api-v2.0.swagger.yaml',
);

interface SwaggerResponse {
  $ref?: string;
  schema?: unknown;
}
interface SwaggerOperation {
  operationId: string;
  responses: Record<string, SwaggerResponse>;
}
interface SwaggerDocument {
  basePath: string;
  paths: Record<string, Record<string, SwaggerOperation>>;
  responses: Record<string, SwaggerResponse>;
  definitions: Record<string, unknown>;
}

export interface HarborOperation {
  operationId: string;
  method: string;
  /** Full path with the base path, Harbor's `{param}` placeholders kept. */
  path: string;
}

const document = parse(readFileSync(HARBOR_SWAGGER_PATH, 'utf8')) as SwaggerDocument;
// go-swagger reads `additionalProperties: {type: object}` as map[string]interface{}: Harbor itself
// answers strings there (`extra_attrs.architecture: "amd64"`), so any value is what it means.
(document.definitions.ExtraAttrs as { additionalProperties: unknown }).additionalProperties = {};
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
ajv.addSchema(document as object, 'harbor');
const validators = new Map<string, ValidateFunction>();

const operations = new Map<string, HarborOperation & { definition: SwaggerOperation }>();
for (const [path, methods] of Object.entries(document.paths)) {
  for (const [method, definition] of Object.entries(methods)) {
    if (typeof definition !== 'object' || !definition || !('operationId' in definition)) continue;
    operations.set(definition.operationId, {
      operationId: definition.operationId,
      method: method.toUpperCase(),
      path: `${document.basePath}${path}`,
      definition,
    });
  }
}

export function harborOperation(operationId: string): HarborOperation {
  const operation = operations.get(operationId);
  if (!operation) throw new Error(`Harbor's swagger has no operation ${operationId}`);
  return { operationId: operation.operationId, method: operation.method, path: operation.path };
}

export function harborOperationIds(): string[] {
  return [...operations.keys()];
}

/**
 * Validates a response body against the schema Harbor's swagger gives for that operation and
 * status; returns the problems (empty when it conforms or the swagger gives no body schema).
 */
export function harborResponseProblems(operationId: string, status: number, body: unknown): string[] {
  const operation = operations.get(operationId);
  if (!operation) return [`Harbor's swagger has no operation ${operationId}`];
  let response = operation.definition.responses[String(status)];
  if (!response) return [`${operationId} documents no ${status} response`];
  if (response.$ref) response = document.responses[response.$ref.replace('#/responses/', '')] ?? {};
  if (!response.schema) return [];
  const key = `${operationId}:${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = JSON.parse(
      JSON.stringify(response.schema).replaceAll('"#/definitions/', '"harbor#/definitions/'),
    );
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''}`);
}

/** Throws with every mismatch when a response body does not conform to Harbor's swagger. */
export function assertHarborResponse(operationId: string, status: number, body: unknown): void {
  const problems = harborResponseProblems(operationId, status, body);
  if (problems.length) {
    throw new Error(`${operationId} ${status} does not match Harbor's swagger:\n  ${problems.join('\n  ')}`);
  }
}
