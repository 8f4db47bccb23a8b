import { HarborError } from '../common/harbor-error.js';
import { queryInteger } from '../common/request-values.js';

/**
 * Harbor's listing conventions, shared by every `/api/v2.0` list: `page` / `page_size` (default 10,
 * at most 100), `X-Total-Count` and `Link` headers, `sort=a,-b`, and the `q` query language
 * (`k=v`, `k=~fuzzy`, `k=[min~max]`, `k={a b}` any of, `k=(a b)` all of).
 */

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

/** Query-string fields every list accepts; spread into an endpoint's `z.strictObject`. */
export const ZPageParams = {
  page: queryInteger('page', 1, 999_999_999).optional(),
  page_size: queryInteger('page_size', 1, MAX_PAGE_SIZE).optional(),
};

export interface PageRequest {
  page: number;
  pageSize: number;
  /** Rows to skip. */
  offset: number;
}

export function pageRequest(params: {
  page?: number | undefined;
  page_size?: number | undefined;
}): PageRequest {
  const page = params.page ?? 1;
  const pageSize = params.page_size ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/** One page of a listing; `PagedResponse` routes answer it as the items plus Harbor's headers. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function toPage<T>(items: T[], total: number, request: PageRequest): Page<T> {
  return { items, total, page: request.page, pageSize: request.pageSize };
}

// ---- sort ----

export interface SortKey<F extends string = string> {
  field: F;
  descending: boolean;
}

/** Parses `sort=a,-b` against the fields an endpoint allows (wire name → domain field). */
export function parseSort<F extends string>(
  raw: string | undefined,
  allowed: Record<string, F>,
): SortKey<F>[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const trimmed = part.trim();
    const descending = trimmed.startsWith('-');
    const name = descending ? trimmed.slice(1) : trimmed;
    const field = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (!field) {
      throw HarborError.badRequest(
        `cannot sort by "${name}"; sortable fields: ${Object.keys(allowed).join(', ')}`,
      );
    }
    return { field, descending };
  });
}

// ---- q ----

export type QueryTerm =
  | { kind: 'exact'; value: string }
  | { kind: 'fuzzy'; value: string }
  | { kind: 'range'; min?: string; max?: string }
  | { kind: 'anyOf'; values: string[] }
  | { kind: 'allOf'; values: string[] };

export type QueryKind = QueryTerm['kind'];

/** Which keys an endpoint's `q` understands, and in which forms. */
export type QuerySpec = Record<string, readonly QueryKind[]>;

const OPENERS: Record<string, string> = { '[': ']', '{': '}', '(': ')' };
const KIND_SYNTAX: Record<QueryKind, string> = {
  exact: 'k=v',
  fuzzy: 'k=~v',
  range: 'k=[min~max]',
  anyOf: 'k={v1 v2}',
  allOf: 'k=(v1 v2)',
};

/** Keys are identifiers (`tags`, `op_time`, `extra_attrs.os`); anything else is refused before lookup. */
const KEY_PATTERN = /^[a-z][a-z0-9_.]*$/i;
/** Longer `q` strings are refused: no legitimate filter needs more, and parsing stays cheap. */
export const MAX_QUERY_LENGTH = 2048;

/**
 * Parses Harbor's `q`, the one parser of it in the API; unknown keys and forms an endpoint does
 * not support are a 400.
 */
export function parseHarborQuery(raw: string | undefined, spec: QuerySpec): Map<string, QueryTerm> {
  const terms = new Map<string, QueryTerm>();
  if (raw === undefined || raw.trim() === '') return terms;
  if (raw.length > MAX_QUERY_LENGTH) {
    throw HarborError.badRequest(`q is longer than ${MAX_QUERY_LENGTH} characters`);
  }
  for (const part of splitOutside(raw, ',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw HarborError.badRequest(`invalid query "${truncate(part)}": expected key=value`);
    const key = part.slice(0, eq).trim();
    if (!KEY_PATTERN.test(key)) throw HarborError.badRequest(`invalid query key "${truncate(key)}"`);
    const kinds = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (!kinds) {
      throw HarborError.badRequest(
        `cannot query by "${key}"; supported keys: ${Object.keys(spec).join(', ') || 'none'}`,
      );
    }
    const term = parseTerm(part.slice(eq + 1).trim(), part);
    if (!kinds.includes(term.kind)) {
      throw HarborError.badRequest(
        `"${key}" supports ${kinds.map((kind) => KIND_SYNTAX[kind]).join(', ')} in q`,
      );
    }
    if (terms.has(key)) throw HarborError.badRequest(`"${key}" appears twice in q`);
    terms.set(key, term);
  }
  return terms;
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

function parseTerm(value: string, part: string): QueryTerm {
  if (value.startsWith('~')) return { kind: 'fuzzy', value: unquote(value.slice(1).trim()) };
  const first = value[0];
  const closer = first === undefined ? undefined : OPENERS[first];
  if (closer) {
    if (!value.endsWith(closer)) {
      throw HarborError.badRequest(`invalid query "${truncate(part)}": missing "${closer}"`);
    }
    const inner = value.slice(1, -1).trim();
    if (first === '[') {
      const bounds = splitOutside(inner, '~');
      if (bounds.length !== 2) {
        throw HarborError.badRequest(`invalid range in "${truncate(part)}": expected [min~max]`);
      }
      const min = unquote(bounds[0]!.trim());
      const max = unquote(bounds[1]!.trim());
      return { kind: 'range', ...(min ? { min } : {}), ...(max ? { max } : {}) };
    }
    const values = splitOutside(inner, ' ')
      .map((v) => unquote(v.trim()))
      .filter((v) => v !== '');
    return first === '{' ? { kind: 'anyOf', values } : { kind: 'allOf', values };
  }
  return { kind: 'exact', value: unquote(value) };
}

/** Splits on `separator` where it is outside quotes and brackets. */
function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch in OPENERS) {
      depth++;
    } else if ((ch === ']' || ch === '}' || ch === ')') && depth > 0) {
      depth--;
    } else if (ch === separator && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (quote) throw HarborError.badRequest('unterminated quote in q');
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
    return value.slice(1, -1);
  }
  return value;
}

/** Harbor's time values in `q` (`2020-04-09 02:36:00`, UTC) or RFC 3339; a 400 otherwise. */
export function parseQueryTime(value: string, key: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const date = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw HarborError.badRequest(`invalid time "${value}" for ${key}: use "2006-01-02 15:04:05" (UTC)`);
  }
  return date;
}

/** Escapes `%`, `_` and `\` for a SQL LIKE pattern (Prisma's `contains` does not). */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
