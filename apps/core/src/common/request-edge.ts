import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HarborError } from './harbor-error.js';
import { MAX_INT64, ZId } from './request-values.js';

/**
 * What every request to Fastify's routes passes before a guard, pipe or handler sees it: the one
 * check of the text in its URL, and the body parsers. Hostile values are refused here with
 * Harbor's 400, so none reaches PostgreSQL (which refuses NUL and 64-bit overflows with errors
 * that would otherwise surface as 500s). Bodies get the same refusal of NUL characters.
 */

/** Longest path parameter Fastify matches (its default, 100, is shorter than repository names). */
export const MAX_PATH_PARAMETER_LENGTH = 1024;
/** Longest value of one query parameter; no filter Harbor's API takes needs more. */
export const MAX_QUERY_VALUE_LENGTH = 4096;

const CHECKED_PREFIXES = ['/api/', '/c/', '/service/'];

type PathParameterKind = 'id' | 'name-or-id' | 'repository' | 'text';

/**
 * Every path parameter of the API by name, with what it holds. The edge check validates each by its
 * kind, and the OpenAPI document describes each from here, so a route cannot accept what its
 * document does not say.
 */
export const PATH_PARAMETERS: Record<
  string,
  { kind: PathParameterKind; description: string; headers?: Record<string, unknown>[] }
> = {
  project_name_or_id: {
    kind: 'name-or-id',
    description: "The project's name, or its id (with `X-Is-Resource-Name: false`, Harbor's default)",
    headers: [
      {
        name: 'X-Is-Resource-Name',
        in: 'header',
        required: false,
        description: 'true: project_name_or_id is a name even when it looks like a number',
        schema: { type: 'boolean', default: false },
      },
    ],
  },
  project_name: { kind: 'text', description: "The project's name" },
  repository_name: {
    kind: 'repository',
    description: "The repository's name inside the project, its slashes encoded twice (`a%252Fb`)",
  },
  reference: { kind: 'text', description: "The artifact's tag or digest" },
  tag_name: { kind: 'text', description: "The tag's name" },
  addition: {
    kind: 'text',
    description: 'The addition: build_history, values.yaml, readme.md, dependencies, …',
  },
  meta_name: { kind: 'text', description: "The metadata key's name" },
  robot_id: { kind: 'id', description: "The robot account's id" },
  user_id: { kind: 'id', description: "The user's id" },
  group_id: { kind: 'id', description: "The user group's id" },
  label_id: { kind: 'id', description: "The label's id" },
  mid: { kind: 'id', description: "The project member's id" },
  id: { kind: 'id', description: "The object's id (a quota's, a retention policy's)" },
  immutable_rule_id: { kind: 'id', description: "The immutable tag rule's id" },
  eid: { kind: 'id', description: "The retention execution's id" },
  tid: { kind: 'id', description: "The retention task's id" },
  pool_id: { kind: 'text', description: "The worker pool's id (a worker process), or `all`" },
  job_id: { kind: 'text', description: "The job's id, as the job service's workers show it (`task:<id>`)" },
  job_type: { kind: 'text', description: 'The job type (`GARBAGE_COLLECTION`, `RETENTION`, …), or `all`' },
  webhook_policy_id: { kind: 'id', description: "The webhook policy's id" },
  execution_id: { kind: 'id', description: "The execution's id" },
  task_id: { kind: 'id', description: "The task's id" },
  gc_id: { kind: 'id', description: 'The garbage collection run’s id' },
  purge_id: { kind: 'id', description: 'The audit log purge run’s id' },
};

/** Marks a route that also takes form-encoded bodies (Harbor's login form, the OAuth2 token form). */
export function AcceptsForm() {
  return applyDecorators(
    RouteConfig({ acceptsForm: true }),
    ApiConsumes('application/json', 'application/x-www-form-urlencoded'),
  );
}

/** Installs the body parsers and the URL check on the core's Fastify instance. */
export function installRequestEdge(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  // Clients send `Content-Type: application/json` on every call, DELETEs included: no body is
  // no body, as Harbor reads it, not a malformed one.
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (isBlank(body)) return done(null, undefined);
    void parseJson(request, body as string, (error, parsed) => {
      if (error) return done(error, undefined);
      if (holdsNul(parsed)) return done(nulInBody(), undefined);
      done(null, parsed);
    });
  });
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      if (isBlank(body)) return done(null, undefined);
      if (!acceptsForm(request)) return done(unsupportedMediaType(request), undefined);
      const form = Object.fromEntries(new URLSearchParams(body as string));
      if (holdsNul(form)) return done(nulInBody(), undefined);
      done(null, form);
    },
  );
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (isBlank(body)) return done(null, undefined);
    done(unsupportedMediaType(request), undefined);
  });
  fastify.addHook('onRequest', async (request) => checkRequestText(request));
}

/**
 * Fastify's own refusals of a URL (bad percent-encoding, an over-long parameter), in Harbor's shape.
 * Written to the raw response: Fastify calls this before any route or hook.
 */
export function answerFrameworkError(
  error: { code: string },
  _request: unknown,
  reply: { raw: ServerResponse },
): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? `a path parameter is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`
      : 'the URL is not valid percent-encoded UTF-8';
  const body = JSON.stringify({ errors: [{ code: 'BAD_REQUEST', message }] });
  reply.raw.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  reply.raw.end(body);
}

/** Whether a parsed body has a NUL character in any string, key or value, at any depth. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || holdsNul(inner));
  }
  return false;
}

function nulInBody(): HarborError {
  return HarborError.badRequest('the request body must not contain NUL characters');
}

function isBlank(body: string | Buffer): boolean {
  return typeof body === 'string' ? body.trim() === '' : body.length === 0;
}

function acceptsForm(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { acceptsForm?: boolean } | undefined)?.acceptsForm === true;
}

function unsupportedMediaType(request: FastifyRequest): HarborError {
  const type = String(request.headers['content-type'] ?? '').split(';', 1)[0];
  return new HarborError(
    'UNSUPPORTED_MEDIA_TYPE',
    `unsupported content type ${type}: send the body as application/json`,
  );
}

/**
 * Refuses a request whose URL holds text no route can take: percent-encoding that is not UTF-8, a
 * NUL character, an over-long query value, or a numeric id that is not a positive 64-bit integer.
 */
export function checkRequestText(request: FastifyRequest): void {
  const url = request.raw.url ?? '/';
  if (!CHECKED_PREFIXES.some((prefix) => url.startsWith(prefix))) return;
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  checkText('the path', decodeStrictly(path, 'the path', false));
  if (queryStart !== -1) {
    for (const pair of url.slice(queryStart + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decodeStrictly(eq === -1 ? pair : pair.slice(0, eq), 'a query parameter name', true);
      checkText(`query parameter ${truncate(name)}`, name);
      if (eq === -1) continue;
      const value = decodeStrictly(pair.slice(eq + 1), `query parameter ${truncate(name)}`, true);
      checkText(`query parameter ${truncate(name)}`, value);
      if (value.length > MAX_QUERY_VALUE_LENGTH) {
        throw HarborError.badRequest(
          `query parameter ${truncate(name)} is longer than ${MAX_QUERY_VALUE_LENGTH} characters`,
        );
      }
    }
  }
  for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') continue;
    checkText(name, value);
    checkPathParameter(name, value);
  }
}

function checkPathParameter(name: string, value: string): void {
  const kind = PATH_PARAMETERS[name]?.kind ?? 'text';
  if (kind === 'id' && !ZId.safeParse(value).success) {
    throw HarborError.badRequest(`${name} must be a positive integer of at most 64 bits`);
  }
  // Its slashes arrive encoded twice; the second decoding must hold no surprise either.
  if (kind === 'repository' && value.includes('%')) checkText(name, decodeStrictly(value, name, false));
  if (kind === 'name-or-id' && /^\d+$/.test(value) && (value.length > 19 || BigInt(value) > MAX_INT64)) {
    throw HarborError.badRequest(`${name} is out of range for an id`);
  }
}

function decodeStrictly(text: string, what: string, formEncoded: boolean): string {
  try {
    return decodeURIComponent(formEncoded ? text.replaceAll('+', ' ') : text);
  } catch {
    throw HarborError.badRequest(`${what} is not valid percent-encoded UTF-8`);
  }
}

function checkText(what: string, text: string): void {
  if (text.includes('\u0000')) throw HarborError.badRequest(`${what} must not contain NUL characters`);
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
