import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Harbor's paging headers: `X-Total-Count`, and `Link` with the previous and next pages
 * (`<url>; rel="prev" , <url>; rel="next"`), keeping the request's other query parameters.
 */
export function setPageHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  page: { total: number; page: number; pageSize: number },
): void {
  reply.header('X-Total-Count', String(page.total));
  const url = new URL(request.url, 'http://placeholder');
  const link = (target: number) => {
    url.searchParams.set('page', String(target));
    url.searchParams.set('page_size', String(page.pageSize));
    return `<${url.pathname}?${url.searchParams.toString()}>`;
  };
  const links: string[] = [];
  if (page.page > 1) links.push(`${link(page.page - 1)}; rel="prev"`);
  if (page.page * page.pageSize < page.total) links.push(`${link(page.page + 1)}; rel="next"`);
  if (links.length > 0) reply.header('Link', links.join(' , '));
}
