import { totalCount, unwrap, type BerthClient } from '@berth/api-client';
import { queryOptions } from '@tanstack/react-query';

/** Query keys of system-wide information. */
export const systemKeys = {
  all: ['system'] as const,
  info: () => [...systemKeys.all, 'info'] as const,
  statistics: () => [...systemKeys.all, 'statistics'] as const,
  storageByProject: (limit: number) => [...systemKeys.all, 'storage-by-project', limit] as const,
};

export const systemInfoQuery = (client: BerthClient) =>
  queryOptions({
    queryKey: systemKeys.info(),
    queryFn: async () => unwrap(await client.api.GET('/systeminfo')),
  });

export const statisticsQuery = (client: BerthClient) =>
  queryOptions({
    queryKey: systemKeys.statistics(),
    queryFn: async () => unwrap(await client.api.GET('/statistics')),
  });

/** The projects using the most storage, from their quotas (sorted on the server), and how many there are. */
export const storageByProjectQuery = (client: BerthClient, limit: number) =>
  queryOptions({
    queryKey: systemKeys.storageByProject(limit),
    queryFn: async () => {
      const result = await client.api.GET('/quotas', {
        params: { query: { page: 1, page_size: limit, sort: '-used.storage' } },
      });
      // Berth's quota references are projects: `ref` is `{id, name, owner_name}`.
      const items = unwrap(result).map((quota) => ({
        projectId: Number(quota.ref?.id ?? quota.id),
        project: String(quota.ref?.name ?? quota.id ?? ''),
        used: quota.used?.storage ?? 0,
        limit: quota.hard?.storage ?? -1,
      }));
      return { items, total: totalCount(result.response) };
    },
  });
