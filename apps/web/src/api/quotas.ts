import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { projectKeys } from './projects';

export interface QuotaListParams {
  page: number;
  pageSize: number;
  /** Harbor's quota sort, e.g. `-used.storage` for the fullest first. */
  sort?: string;
}

/** Query keys of project quotas, rooted at one key. */
export const quotaKeys = {
  all: ['quotas'] as const,
  lists: () => [...quotaKeys.all, 'list'] as const,
  list: (params: QuotaListParams) => [...quotaKeys.lists(), params] as const,
};

/** A quota's project, which Harbor types only as an open object. */
export interface QuotaProject {
  id?: number;
  name?: string;
  owner_name?: string;
}

export function quotaProject(quota: Schema<'Quota'>): QuotaProject {
  return (quota.ref ?? {}) as QuotaProject;
}

export const quotaListQuery = (client: BerthClient, params: QuotaListParams) =>
  queryOptions({
    queryKey: quotaKeys.list(params),
    queryFn: async () => {
      const result = await client.api.GET('/quotas', {
        params: {
          query: {
            reference: 'project',
            page: params.page,
            page_size: params.pageSize,
            ...(params.sort ? { sort: params.sort } : {}),
          },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

/**
 * Sets a project's storage limit in bytes (-1: unlimited). The projects list and the project's
 * summary show the same quota, so they are read again too.
 */
export function useUpdateQuota() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, storage }: { id: number; storage: number }) =>
      unwrap(await client.api.PUT('/quotas/{id}', { params: { path: { id } }, body: { hard: { storage } } })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: quotaKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: projectKeys.all }),
      ]),
  });
}
