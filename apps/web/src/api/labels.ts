import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';

export interface LabelListParams {
  page: number;
  pageSize: number;
  name?: string;
}

/** Query keys of a project's labels (scope `p`). */
export const labelKeys = {
  all: ['labels'] as const,
  projectLists: (projectId: number) => [...labelKeys.all, 'project', projectId, 'list'] as const,
  projectList: (projectId: number, params: LabelListParams) =>
    [...labelKeys.projectLists(projectId), params] as const,
};

export const projectLabelListQuery = (client: BerthClient, projectId: number, params: LabelListParams) =>
  queryOptions({
    queryKey: labelKeys.projectList(projectId, params),
    queryFn: async () => {
      const result = await client.api.GET('/labels', {
        params: {
          query: {
            scope: 'p',
            project_id: projectId,
            page: params.page,
            page_size: params.pageSize,
            ...(params.name ? { q: `name=~${params.name}` } : {}),
          },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

export interface LabelInput {
  name: string;
  color: string;
  description: string;
}

export function useCreateLabel(projectId: number) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: LabelInput) =>
      unwrap(
        await client.api.POST('/labels', {
          body: { ...input, scope: 'p', project_id: projectId } satisfies Schema<'Label'>,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labelKeys.projectLists(projectId) }),
  });
}

export function useUpdateLabel(projectId: number) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...input }: LabelInput & { id: number }) =>
      unwrap(await client.api.PUT('/labels/{label_id}', { params: { path: { label_id: id } }, body: input })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labelKeys.projectLists(projectId) }),
  });
}

export function useDeleteLabel(projectId: number) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await client.api.DELETE('/labels/{label_id}', { params: { path: { label_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: labelKeys.projectLists(projectId) }),
  });
}
