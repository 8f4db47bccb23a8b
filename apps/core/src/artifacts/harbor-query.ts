import { z } from 'zod';
import { HarborError } from '../common/harbor-error.js';

/**
 * Harbor's listing parameters: `q` (`k=v,k2=~fuzzy,k3=[min~max],k4={a b},k5=(a b)`), `sort`
 * (`field,-field`), `page` and `page_size`, and the `X-Total-Count`/`Link` headers of the answer.
 */

export type QueryTerm =
  | { kind: 'exact'; value: string }
  | { kind: 'fuzzy'; value: string }
  | { kind: 'range'; min: string | null; max: string | null }
  | { kind: 'or'; values: string[] }
  | { kind: 'and'; values: string[] };

export type HarborQuery = Map<string, QueryTerm>;

const KEY_PATTERN = /^[a-z][a-z0-9_.]*$/i;
const MAX_QUERY_LENGTH = 2048;

/** Parses `q`; every key must be one of `allowed` (a 400 names them otherwise). */
export function parseHarborQuery(q: string | undefined, allowed: readonly string[]): HarborQuery {
  const terms: HarborQuery = new Map();
  if (q === undefined || q.trim() === '') return terms;
  if (q.length > MAX_QUERY_LENGTH)
    throw HarborError.badRequest(`q is longer than ${MAX_QUERY_LENGTH} characters`);
  for (const part of splitTopLevel(q)) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw HarborError.badRequest(`invalid query term ${JSON.stringify(part)}: expected key=value`);
    const key = part.slice(0, eq).trim();
    if (!KEY_PATTERN.test(key)) throw HarborError.badRequest(`invalid query key ${JSON.stringify(key)}`);
    if (!allowed.includes(key)) {
      throw HarborError.badRequest(`unsupported query key ${key}; supported: ${allowed.join(', ')}`);
    }
    if (terms.has(key)) throw HarborError.badRequest(`query key ${key} given twice`);
    terms.set(key, parseValue(key, part.slice(eq + 1).trim()));
  }
  return terms;
}

function parseValue(key: string, raw: string): QueryTerm {
  if (raw.startsWith('~')) return { kind: 'fuzzy', value: unquote(raw.slice(1)) };
  if (raw.startsWith('[') && raw.endsWith(']')) {
    const inner = raw.slice(1, -1);
    const tilde = inner.indexOf('~');
    if (tilde < 0) throw HarborError.badRequest(`invalid range for ${key}: expected [min~max]`);
    const min = unquote(inner.slice(0, tilde).trim());
    const max = unquote(inner.slice(tilde + 1).trim());
    return { kind: 'range', min: min === '' ? null : min, max: max === '' ? null : max };
  }
  if (raw.startsWith('{') && raw.endsWith('}')) return { kind: 'or', values: splitList(raw.slice(1, -1)) };
  if (raw.startsWith('(') && raw.endsWith(')')) return { kind: 'and', values: splitList(raw.slice(1, -1)) };
  return { kind: 'exact', value: unquote(raw) };
}

/** Splits on commas outside brackets and quotes. */
function splitTopLevel(q: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const char of q) {
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '[' || char === '{' || char === '(') {
      depth++;
    } else if (char === ']' || char === '}' || char === ')') {
      depth = Math.max(0, depth - 1);
    } else if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (quote) throw HarborError.badRequest('unterminated quote in q');
  parts.push(current);
  return parts;
}

function splitList(inner: string): string[] {
  return inner
    .split(/\s+/)
    .map((value) => unquote(value.trim()))
    .filter((value) => value !== '');
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
    return value.slice(1, -1);
  }
  return value;
}

export interface SortKey {
  field: string;
  desc: boolean;
}

/** Parses `sort=a,-b`; every field must be one of `allowed`. */
export function parseSort(sort: string | undefined, allowed: readonly string[]): SortKey[] {
  if (sort === undefined || sort.trim() === '') return [];
  const keys: SortKey[] = [];
  for (const part of sort.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const desc = trimmed.startsWith('-');
    const field = desc ? trimmed.slice(1) : trimmed;
    if (!allowed.includes(field)) {
      throw HarborError.badRequest(
        `unsupported sort field ${JSON.stringify(field.slice(0, 64))}; supported: ${allowed.join(', ')}`,
      );
    }
    keys.push({ field, desc });
  }
  return keys;
}

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

const integer = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `${name} must be a positive integer`)
    .transform(Number)
    .refine((value) => value >= min && value <= max, `${name} must be between ${min} and ${max}`);

/** Zod fields shared by every listing's query string. */
export const ZPageQuery = {
  page: integer('page', 1, 100_000_000).optional(),
  page_size: integer('page_size', 1, MAX_PAGE_SIZE).optional(),
};

/** Harbor's boolean query parameters (`true`/`false`, as go-swagger reads them; `1`/`0` too). */
export const zQueryBoolean = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

// Paging is shared with every other listing of the API.
export { pageRequest, type Page, type PageRequest } from '../system/harbor-listing.js';
import type { Page } from '../system/harbor-listing.js';

/**
 * Harbor's `Link` header for a page: `<url>; rel="prev" , <url>; rel="next"`, keeping the
 * request's other query parameters. `url` is the request's path and query.
 */
export function linkHeader(url: string, page: Page<unknown>): string | null {
  const parsed = new URL(url, 'http://berth.invalid');
  const links: string[] = [];
  const at = (number: number) => {
    parsed.searchParams.set('page', String(number));
    parsed.searchParams.set('page_size', String(page.pageSize));
    return `<${parsed.pathname}?${parsed.searchParams.toString()}>`;
  };
  if (page.page > 1) links.push(`${at(page.page - 1)}; rel="prev"`);
  if (page.page * page.pageSize < page.total) links.push(`${at(page.page + 1)}; rel="next"`);
  return links.length ? links.join(' , ') : null;
}

/** Turns a zod failure into Harbor's 400 with the first problem named. */
export function parseOrBadRequest<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : '';
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown ${what} field(s): ${issue.keys.join(', ')}`
      : `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`;
  throw HarborError.badRequest(`invalid ${what}: ${message}`);
}

/** Escapes `%`, `_` and `\` for a LIKE pattern. */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Sets `X-Total-Count` and `Link` for a page and answers its items. */
export function sendPage<T>(
  reply: { header(name: string, value: string): unknown },
  url: string,
  page: Page<T>,
): T[] {
  reply.header('X-Total-Count', String(page.total));
  const link = linkHeader(url, page);
  if (link) reply.header('Link', link);
  return page.items;
}
