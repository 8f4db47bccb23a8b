import {
  applyDecorators,
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import type { z } from 'zod';
import { ApiResult } from './openapi.js';
import type { Page } from '../system/harbor-listing.js';

/**
 * `Link: <…?page=1&page_size=10>; rel="prev" , <…?page=3&page_size=10>; rel="next"`, as Harbor
 * joins them, keeping the request's other query parameters; null when there is neither.
 */
export function pageLinks(requestUrl: string, page: Page<unknown>): string | null {
  const links: string[] = [];
  const build = (target: number): string => {
    const url = new URL(requestUrl, 'http://berth.invalid');
    url.searchParams.set('page', String(target));
    url.searchParams.set('page_size', String(page.pageSize));
    return `<${url.pathname}${url.search}>`;
  };
  if (page.page > 1 && (page.page - 1) * page.pageSize < page.total)
    links.push(`${build(page.page - 1)}; rel="prev"`);
  if (page.page * page.pageSize < page.total) links.push(`${build(page.page + 1)}; rel="next"`);
  return links.length ? links.join(' , ') : null;
}

function isPage(value: unknown): value is Page<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as Page<unknown>).items) &&
    typeof (value as Page<unknown>).total === 'number'
  );
}

/** The API's one writer of Harbor's paging headers: a returned `Page` goes out as its items. */
@Injectable()
export class PageHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!isPage(result)) return result;
        void reply.header('X-Total-Count', String(result.total));
        const link = pageLinks(request.url, result);
        if (link) void reply.header('Link', link);
        return result.items;
      }),
    );
  }
}

/**
 * A listing route: the handler returns a `Page` of `item`, answered as an array with
 * `X-Total-Count` and `Link`, and documented so.
 */
export function PagedResponse(item: z.ZodType) {
  return applyDecorators(
    UseInterceptors(PageHeadersInterceptor),
    ApiResult([item], {
      headers: {
        'X-Total-Count': { description: 'The total count of available items', schema: { type: 'integer' } },
        Link: { description: 'Link to previous page and next page', schema: { type: 'string' } },
      },
    }),
  );
}
