import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { searchKeys } from './search';

export interface ProjectListParams {
  page: number;
  pageSize: number;
  name?: string;
  sort?: string;
}

/** Query keys of projects, rooted at one key. */
export const projectKeys = {
  all: ['projects'] as const,
  lists: () => [...projectKeys.all, 'list'] as const,
  list: (params: ProjectListParams) => [...projectKeys.lists(), params] as const,
  details: () => [...projectKeys.all, 'detail'] as const,
  detail: (id: string) => [...projectKeys.details(), id] as const,
  summary: (id: string) => [...projectKeys.detail(id), 'summary'] as const,
  deletable: (id: string) => [...projectKeys.detail(id), 'deletable'] as const,
};

export const projectListQuery = (client: BerthClient, params: ProjectListParams) =>
  queryOptions({
    queryKey: projectKeys.list(params),
    queryFn: async () => {
      const result = await client.api.GET('/projects', {
        params: {
          query: {
            page: params.page,
            page_size: params.pageSize,
            with_detail: true,
            ...(params.name ? { q: `name=~${params.name}` } : {}),
            ...(params.sort ? { sort: params.sort } : {}),
          },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

export const projectQuery = (client: BerthClient, id: string) =>
  queryOptions({
    queryKey: projectKeys.detail(id),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/projects/{project_name_or_id}', {
          params: { path: { project_name_or_id: id } },
        }),
      ),
  });

export const projectSummaryQuery = (client: BerthClient, id: string) =>
  queryOptions({
    queryKey: projectKeys.summary(id),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/projects/{project_name_or_id}/summary', {
          params: { path: { project_name_or_id: id } },
        }),
      ),
  });

export function useCreateProject() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schema<'ProjectReq'>) => unwrap(await client.api.POST('/projects', { body })),
    // A new project changes the lists only; no detail existed before.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: projectKeys.lists() }),
  });
}

/** Whether the project may be deleted now (Harbor refuses while it holds repositories), and why not. */
export const projectDeletableQuery = (client: BerthClient, id: string) =>
  queryOptions({
    queryKey: projectKeys.deletable(id),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/projects/{project_name_or_id}/_deletable', {
          params: { path: { project_name_or_id: id } },
        }),
      ),
    // Repositories come and go by pushes elsewhere, so every open of the dialog asks again.
    staleTime: 0,
  });

export function useDeleteProject() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await client.api.DELETE('/projects/{project_name_or_id}', {
          params: { path: { project_name_or_id: id } },
        }),
      ),
    onSuccess: (_, id) => {
      // The project is gone: its own entries go, and the lists and searches that showed it refresh.
      queryClient.removeQueries({ queryKey: projectKeys.detail(id) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: projectKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: searchKeys.all }),
      ]);
    },
  });
}
