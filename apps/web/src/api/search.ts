import { unwrap, type BerthClient } from '@berth/api-client';
import { queryOptions } from '@tanstack/react-query';

/** Query keys of the global search, rooted at one key so a change to projects can drop them all. */
export const searchKeys = {
  all: ['search'] as const,
  query: (query: string) => [...searchKeys.all, query] as const,
};

/**
 * Harbor's `GET /search`: projects and repositories whose names contain `query`, among those the
 * caller may see. The API answers every match at once (the core caps it), with no paging.
 */
export const searchQuery = (client: BerthClient, query: string) =>
  queryOptions({
    queryKey: searchKeys.query(query),
    queryFn: async () => {
      const found = unwrap(await client.api.GET('/search', { params: { query: { q: query } } }));
      return { projects: found.project ?? [], repositories: found.repository ?? [] };
    },
    enabled: query !== '',
  });
