import { z } from 'zod';
import { HarborError } from '../common/harbor-error.js';
import { pageLinks } from '../common/paging.js';
import type { Page } from '../system/harbor-listing.js';

/**
 * What the repository, artifact and search controllers add to the API's shared listing
 * conventions (`system/harbor-listing.ts`, which owns the one `q` and `sort` parser): Harbor's
 * boolean query flags, zod failures as Harbor's 400, and sending a page from a controller that
 * sets its own headers.
 */

export {
  likeEscape,
  pageRequest,
  parseHarborQuery,
  parseQueryTime,
  parseSort,
  ZPageParams as ZPageQuery,
  type Page,
  type PageRequest,
  type QuerySpec,
  type QueryTerm,
  type SortKey,
} from '../system/harbor-listing.js';

/** Harbor's boolean query parameters (`true`/`false`, as go-swagger reads them; `1`/`0` too). */
export const zQueryBoolean = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

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

/** Sets `X-Total-Count` and `Link` for a page and answers its items. */
export function sendPage<T>(
  reply: { header(name: string, value: string): unknown },
  url: string,
  page: Page<T>,
): T[] {
  reply.header('X-Total-Count', String(page.total));
  const link = pageLinks(url, page);
  if (link) reply.header('Link', link);
  return page.items;
}
