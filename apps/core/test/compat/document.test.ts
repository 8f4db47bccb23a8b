/**
 * Berth's OpenAPI document against Harbor's swagger: every operation Berth shares with Harbor has
 * Harbor's operationId, method, path and path parameters; its query parameters are Harbor's with
 * Harbor's types; its success statuses are Harbor's, and its answers' schemas are compatible
 * (Berth's fields are Harbor's fields with the same types; extra Berth fields are allowed).
 * Operations of Berth's own are listed here, so a new one is a decision, not an accident.
 */
import { describe, expect, it } from 'vitest';
import { berthDocument } from '../support/harbor-swagger.js';
import {
  harborOperations,
  harborParameters,
  harborResponseSchema,
  resolveHarbor,
  type Schema,
} from './harbor-swagger.js';

/** Berth's operations Harbor does not have. */
const BERTH_OWN_OPERATIONS = new Set([
  // The console's session (Harbor's portal posts the same form to /c/login).
  'login',
  'logout',
  // The distribution token endpoint, which Harbor serves outside its swagger.
  'getToken',
  'postToken',
  // Local user groups' members (docs/identity.md).
  'listUserGroupMembers',
  'addUserGroupMember',
  'removeUserGroupMember',
  // A webhook policy's new signing secret (docs/webhooks.md).
  'regenerateWebhookPolicySecret',
]);

/** Query parameters Berth takes beyond Harbor's, by operation, with why. */
const BERTH_QUERY_PARAMETERS: Record<string, string[]> = {
  // Harbor's handler reads these fuzzy filters although its swagger does not list them.
  listUsers: ['username', 'email'],
};

/**
 * Where Harbor's swagger contradicts Harbor's own server, Berth answers as the server does. Each
 * entry is a place `incompatibilities` reports, with why.
 */
const HARBOR_SWAGGER_ERRATA: Record<string, string> = {
  // RetentionRule.params types each value as an object; Harbor's server, console and documentation
  // use integers (`{"latestPushedK": 10}`), which its rule templates read with ParseJSONInt.
  'getRetention 200.rules[].params{}': 'rule parameters are integers',
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];

interface BerthParameter {
  name: string;
  in: string;
  schema?: Schema;
}
interface BerthOperation {
  operationId: string;
  parameters?: BerthParameter[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

function berthOperations(): { method: string; path: string; operation: BerthOperation }[] {
  const list = [];
  for (const [path, item] of Object.entries(berthDocument.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, BerthOperation | undefined>)[method];
      if (operation) list.push({ method: method.toUpperCase(), path, operation });
    }
  }
  return list;
}

function resolveBerth(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return resolveBerth(berthDocument.components.schemas[ref.replace('#/components/schemas/', '')] as Schema);
}

const isAny = (schema: Schema) => Object.keys(schema).filter((key) => key !== 'description').length === 0;

/** What kind of JSON value a schema allows: `integer` counts as a `number`. */
function kindOf(schema: Schema): string | undefined {
  const type = schema.type as string | undefined;
  if (type === 'integer') return 'number';
  if (type) return type;
  if (schema.properties || schema.additionalProperties) return 'object';
  return undefined;
}

/**
 * Problems that make an answer valid under Berth's schema invalid under Harbor's: a field both
 * name with different types, an array where Harbor has an object…
 */
export function incompatibilities(berthSchema: Schema, harborSchema: Schema, where: string): string[] {
  const berth = resolveBerth(berthSchema);
  const harborResolved = resolveHarbor(harborSchema);
  if (isAny(harborResolved)) return [];
  if (isAny(berth))
    return [`${where}: Berth says nothing of a value Harbor types as ${kindOf(harborResolved)}`];
  if (Array.isArray(berth.anyOf)) {
    return (berth.anyOf as Schema[]).flatMap((branch) => incompatibilities(branch, harborResolved, where));
  }
  const berthKind = kindOf(berth);
  const harborKind = kindOf(harborResolved);
  if (harborKind && berthKind !== harborKind) return [`${where}: Berth ${berthKind}, Harbor ${harborKind}`];
  if (harborKind === 'array') {
    return incompatibilities(berth.items as Schema, harborResolved.items as Schema, `${where}[]`);
  }
  if (harborKind !== 'object') return [];
  const problems: string[] = [];
  const harborProperties = (harborResolved.properties ?? {}) as Record<string, Schema>;
  const harborValues = harborResolved.additionalProperties as Schema | boolean | undefined;
  for (const [name, property] of Object.entries((berth.properties ?? {}) as Record<string, Schema>)) {
    const theirs = harborProperties[name] ?? (typeof harborValues === 'object' ? harborValues : undefined);
    if (theirs) problems.push(...incompatibilities(property, theirs, `${where}.${name}`));
  }
  const berthValues = berth.additionalProperties as Schema | boolean | undefined;
  if (typeof berthValues === 'object' && typeof harborValues === 'object') {
    problems.push(...incompatibilities(berthValues, harborValues, `${where}{}`));
  }
  return problems;
}

function berthBodySchema(operation: BerthOperation, status: string): Schema | null {
  const content = operation.responses[status]?.content;
  if (!content) return null;
  return (content['application/json'] ?? Object.values(content)[0])?.schema ?? null;
}

const shared = berthOperations().filter(({ operation }) => harborOperations.has(operation.operationId));

describe("Berth's OpenAPI document against Harbor's swagger", () => {
  it("names each operation with Harbor's operationId, or lists it as Berth's own", () => {
    const unknown = berthOperations()
      .filter(({ operation }) => !harborOperations.has(operation.operationId))
      .map(({ operation }) => operation.operationId)
      .filter((id) => !BERTH_OWN_OPERATIONS.has(id));
    expect(unknown).toEqual([]);
    expect(shared.length).toBeGreaterThan(70);
  });

  it("serves Harbor's operations at Harbor's method and path, with Harbor's path parameters", () => {
    const problems: string[] = [];
    for (const { method, path, operation } of shared) {
      const theirs = harborOperations.get(operation.operationId)!;
      const where = `${operation.operationId}`;
      if (theirs.method !== method) problems.push(`${where}: method ${method}, Harbor's ${theirs.method}`);
      if (theirs.path !== path.replace(/\/$/, ''))
        problems.push(`${where}: path ${path}, Harbor's ${theirs.path}`);
      const ours = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const harborPath = harborParameters(theirs.definition)
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      if (ours.sort().join() !== harborPath.sort().join()) {
        problems.push(`${where}: path parameters ${ours.join(', ')}, Harbor's ${harborPath.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("takes Harbor's query parameters with Harbor's types", () => {
    const problems: string[] = [];
    for (const { operation } of shared) {
      const theirs = harborParameters(harborOperations.get(operation.operationId)!.definition);
      for (const parameter of (operation.parameters ?? []).filter((p) => p.in === 'query')) {
        const where = `${operation.operationId} ?${parameter.name}`;
        const harborParameter = theirs.find((p) => p.in === 'query' && p.name === parameter.name);
        if (!harborParameter) {
          if (!BERTH_QUERY_PARAMETERS[operation.operationId]?.includes(parameter.name)) {
            problems.push(`${where}: not a query parameter of Harbor's`);
          }
          continue;
        }
        const harborSchema = { type: harborParameter.type, items: harborParameter.items } as Schema;
        problems.push(...incompatibilities(parameter.schema ?? {}, harborSchema, where));
      }
    }
    expect(problems).toEqual([]);
  });

  it("answers Harbor's success statuses with schemas compatible with Harbor's", () => {
    const problems: string[] = [];
    for (const { operation } of shared) {
      const theirs = harborOperations.get(operation.operationId)!.definition;
      for (const status of Object.keys(operation.responses).filter((s) => s.startsWith('2'))) {
        const where = `${operation.operationId} ${status}`;
        const harborSchema = harborResponseSchema(theirs, Number(status));
        if (harborSchema === undefined) {
          problems.push(`${where}: Harbor documents no ${status}`);
          continue;
        }
        const ours = berthBodySchema(operation, status);
        if (harborSchema === null) {
          if (ours) problems.push(`${where}: Berth answers a body where Harbor answers none`);
          continue;
        }
        if (!ours) {
          problems.push(`${where}: Berth answers no body where Harbor answers one`);
          continue;
        }
        problems.push(
          ...incompatibilities(ours, harborSchema, where).filter(
            (problem) => !Object.keys(HARBOR_SWAGGER_ERRATA).some((place) => problem.startsWith(`${place}:`)),
          ),
        );
      }
    }
    expect(problems).toEqual([]);
  });
});
