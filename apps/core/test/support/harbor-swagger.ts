import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The API tests' contract: Berth's own OpenAPI document (`packages/api-client/openapi.json`,
 * generated from the core's routes and committed). Its operations carry Harbor's operationIds and
 * schema names where Berth serves Harbor's API; `pnpm test:compat` checks the document and real
 * answers against Harbor's swagger itself, so `pnpm test` needs nothing outside the repository.
 */
export const OPENAPI_DOCUMENT_PATH = new URL('../../../../packages/api-client/openapi.json', import.meta.url);

interface OpenApiResponse {
  content?: Record<string, { schema?: unknown }>;
}
interface OpenApiOperation {
  operationId: string;
  responses: Record<string, OpenApiResponse>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown> };
}

export interface ApiOperation {
  operationId: string;
  method: string;
  /** Full path, `{param}` placeholders kept. */
  path: string;
}

export const berthDocument = JSON.parse(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8')) as OpenApiDocument;

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
ajv.addSchema(berthDocument as object, 'berth');
const validators = new Map<string, ValidateFunction>();

const operations = new Map<string, ApiOperation & { definition: OpenApiOperation }>();
for (const [path, methods] of Object.entries(berthDocument.paths)) {
  for (const [method, definition] of Object.entries(methods)) {
    if (typeof definition !== 'object' || !definition || !('operationId' in definition)) continue;
    operations.set(definition.operationId, {
      operationId: definition.operationId,
      method: method.toUpperCase(),
      path,
      definition,
    });
  }
}

export function apiOperation(operationId: string): ApiOperation {
  const operation = operations.get(operationId);
  if (!operation) throw new Error(`Berth's OpenAPI document has no operation ${operationId}`);
  return { operationId: operation.operationId, method: operation.method, path: operation.path };
}

export function apiOperations(): ApiOperation[] {
  return [...operations.values()].map(({ operationId, method, path }) => ({ operationId, method, path }));
}

/**
 * Validates a response body against the schema Berth's document gives for that operation and
 * status; returns the problems (empty when it conforms or the document gives no body schema).
 */
export function apiResponseProblems(operationId: string, status: number, body: unknown): string[] {
  const operation = operations.get(operationId);
  if (!operation) return [`Berth's OpenAPI document has no operation ${operationId}`];
  const response = operation.definition.responses[String(status)];
  if (!response) return [`${operationId} documents no ${status} response`];
  const content = response.content ?? {};
  const schema = (content['application/json'] ?? Object.values(content)[0])?.schema;
  if (!schema) return body === undefined || body === '' ? [] : [`${operationId} ${status} documents no body`];
  const key = `${operationId}:${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const scoped = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"berth#/components/'));
    validate = ajv.compile(scoped);
    validators.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''}`);
}

/**
 * Throws with every mismatch when a response does not conform to Berth's document. (Named for
 * the Harbor operation it checks: the document's Harbor operations are Harbor's, which
 * `pnpm test:compat` verifies.)
 */
export function assertHarborResponse(operationId: string, status: number, body: unknown): void {
  const problems = apiResponseProblems(operationId, status, body);
  if (problems.length) {
    throw new Error(
      `${operationId} ${status} does not match Berth's OpenAPI document:\n  ${problems.join('\n  ')}`,
    );
  }
}
