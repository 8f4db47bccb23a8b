import 'reflect-metadata';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module.js';
import { parseConfig } from '../config/config.js';
import { namedSchemas, openApiSchema, tidy } from '../common/openapi.js';
import { isZodDto, type ZodDtoClass } from '../common/zod-dto.js';
import { PATH_PARAMETERS } from '../common/request-edge.js';

type Json = Record<string, unknown>;

const PREVIEW_DATABASE_URL = 'postgres://preview.invalid/berth';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Harbor's error body, which every operation answers on failure. */
const ERROR_SCHEMAS = {
  Error: {
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' } },
    required: ['code', 'message'],
  },
  Errors: {
    type: 'object',
    properties: { errors: { type: 'array', items: { $ref: '#/components/schemas/Error' } } },
    required: ['errors'],
  },
};

/**
 * Berth's OpenAPI document, built from its own controllers and zod schemas. The application is
 * created in Nest's preview mode: modules and routes are read, no provider is instantiated, so no
 * database, storage or key is needed.
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({
      // A configuration as the defaults give it: preview mode reads no value of it.
      config: parseConfig({ DATABASE_URL: PREVIEW_DATABASE_URL, BERTH_LOG_LEVEL: 'error' }, '/'),
      databaseUrl: PREVIEW_DATABASE_URL,
    }),
    new FastifyAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  try {
    const config = new DocumentBuilder()
      .setTitle('Berth')
      .setDescription(
        "Berth's management API: Harbor's `/api/v2.0` where Berth serves Harbor's operations " +
          "(same paths, operationIds and schema names), Berth's own operations beside them, the " +
          'console session (`/c/*`) and the distribution token endpoint (`/service/token`).',
      )
      .setVersion('2.0')
      .addBasicAuth()
      .build();
    const document = SwaggerModule.createDocument(app, config, {
      // A handler's name is its operationId (Harbor's where Berth serves Harbor's operation);
      // `@ApiOperation({ operationId })` names the few whose Harbor id is no method name.
      operationIdFactory: (_controller, method) => method,
    });
    return tidy(finish(document, requestDtos(app))) as OpenAPIObject;
  } finally {
    await app.close();
  }
}

/** What the swagger module cannot know: path parameters the guard reads, and errors. */
function finish(document: OpenAPIObject, dtos: Map<string, RequestDtos>): OpenAPIObject {
  const bodySchemas: Record<string, Json> = {};
  const paths = document.paths as Record<string, Record<string, Json>>;
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const id = operation.operationId as string;
      if (seen.has(id)) throw new Error(`operationId ${id} of ${where} is also ${seen.get(id)}'s`);
      seen.set(id, where);
      const { body, query } = dtos.get(id) ?? {};
      operation.parameters = [
        ...pathParameters(path, where),
        ...((operation.parameters ?? []) as Json[]).filter((p) => p.in !== 'path' && p.in !== 'query'),
        ...(query ? queryParameters(query) : []),
      ];
      if (body) {
        bodySchemas[body.name] = openApiSchema(body.zodSchema);
        const content = (operation.requestBody as { content?: Record<string, unknown> } | undefined)?.content;
        const types = Object.keys(content ?? { 'application/json': {} });
        operation.requestBody = {
          required: !body.zodSchema.safeParse(undefined).success,
          content: Object.fromEntries(
            types.map((type) => [type, { schema: { $ref: `#/components/schemas/${body.name}` } }]),
          ),
        };
      }
      const responses = operation.responses as Record<string, Json>;
      if (!Object.keys(responses).some((status) => status.startsWith('2'))) {
        throw new Error(`${where} documents no success response`);
      }
      responses.default = {
        description: "An error, in Harbor's shape",
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } },
      };
      delete operation.tags;
      if (operation.summary === '') delete operation.summary;
    }
  }
  // The swagger module's own component schemas come from classes it cannot read (the DTOs); the
  // zod schemas replace them.
  const named = { ...namedSchemas(), ...ERROR_SCHEMAS };
  for (const name of Object.keys(bodySchemas)) {
    if (name in named) throw new Error(`request DTO ${name} has the name of a response schema`);
  }
  document.components = { ...document.components, schemas: sortKeys({ ...bodySchemas, ...named }) };
  document.security = [{ basic: [] }];
  return document;
}

/** The path's `{name}` parameters, each described from PATH_PARAMETERS. */
function pathParameters(path: string, where: string): Json[] {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  const inPath = names.map((name) => {
    const known = PATH_PARAMETERS[name];
    if (!known) throw new Error(`${where}: path parameter ${name} is not in PATH_PARAMETERS`);
    const schema =
      known.kind === 'id' ? { type: 'integer', format: 'int64', minimum: 1 } : { type: 'string' };
    return { name, in: 'path', required: true, description: known.description, schema };
  });
  const headers = names.flatMap((name) => PATH_PARAMETERS[name]?.headers ?? []) as Json[];
  return [...inPath, ...headers];
}

/** A query DTO's fields as query parameters. */
function queryParameters(query: ZodDtoClass): Json[] {
  const schema = openApiSchema(query.zodSchema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: schema.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

interface RequestDtos {
  body?: ZodDtoClass;
  query?: ZodDtoClass;
}

/** Each handler's body and query DTOs, by operationId (read as the swagger module reads them). */
function requestDtos(app: NestFastifyApplication): Map<string, RequestDtos> {
  const found = new Map<string, RequestDtos>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new () => unknown) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
          string,
          { index: number; data?: unknown }
        >;
        const types = (Reflect.getMetadata('design:paramtypes', prototype, method) ?? []) as unknown[];
        const dtos: RequestDtos = {};
        for (const [key, arg] of Object.entries(args)) {
          const kind = Number(key.split(':')[0]);
          if ((kind !== RouteParamtypes.BODY && kind !== RouteParamtypes.QUERY) || arg.data !== undefined) {
            continue;
          }
          const metatype = types[arg.index];
          // Without its class at run time (a type-only import) the pipe would validate nothing.
          if (!isZodDto(metatype)) {
            throw new Error(
              `${controller.name}.${method}: a whole body or query must be typed with a zodDto class`,
            );
          }
          if (kind === RouteParamtypes.BODY) dtos.body = metatype;
          else dtos.query = metatype;
        }
        const operation = Reflect.getMetadata('swagger/apiOperation', handler) as
          { operationId?: string } | undefined;
        found.set(operation?.operationId ?? method, dtos);
      }
    }
  }
  return found;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
