import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { labelKeys, type LabelInput, type LabelListParams } from './labels';
import { projectArtifactKeys } from './project-artifacts';
import { artifactKeys } from './repositories';

/** Query keys of global labels (scope `g`), under the labels' root key. */
export const globalLabelKeys = {
  lists: () => [...labelKeys.all, 'global', 'list'] as const,
  list: (params: LabelListParams) => [...globalLabelKeys.lists(), params] as const,
  /** Every project's attachable labels, which include the global ones. */
  attachable: () => [...labelKeys.all, 'attachable'] as const,
};

export const globalLabelListQuery = (client: BerthClient, params: LabelListParams) =>
  queryOptions({
    queryKey: globalLabelKeys.list(params),
    queryFn: async () => {
      const result = await client.api.GET('/labels', {
        params: {
          query: {
            scope: 'g',
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

/**
 * A global label shows in the global list and among every project's attachable labels; a changed
 * or deleted one also on every artifact carrying it, which the console cannot pick out, so every
 * cached artifact is read again.
 */
function useInvalidateGlobalLabels() {
  const queryClient = useQueryClient();
  return (change: 'created' | 'changed') =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: globalLabelKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: globalLabelKeys.attachable() }),
      ...(change === 'changed'
        ? [
            queryClient.invalidateQueries({ queryKey: artifactKeys.all }),
            queryClient.invalidateQueries({ queryKey: projectArtifactKeys.all }),
          ]
        : []),
    ]);
}

export function useCreateGlobalLabel() {
  const client = useClient();
  const invalidate = useInvalidateGlobalLabels();
  return useMutation({
    mutationFn: async (input: LabelInput) =>
      unwrap(await client.api.POST('/labels', { body: { ...input, scope: 'g' } satisfies Schema<'Label'> })),
    onSuccess: () => invalidate('created'),
  });
}

export function useUpdateGlobalLabel() {
  const client = useClient();
  const invalidate = useInvalidateGlobalLabels();
  return useMutation({
    mutationFn: async ({ id, ...input }: LabelInput & { id: number }) =>
      unwrap(await client.api.PUT('/labels/{label_id}', { params: { path: { label_id: id } }, body: input })),
    onSuccess: () => invalidate('changed'),
  });
}

export function useDeleteGlobalLabel() {
  const client = useClient();
  const invalidate = useInvalidateGlobalLabels();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await client.api.DELETE('/labels/{label_id}', { params: { path: { label_id: id } } })),
    onSuccess: () => invalidate('changed'),
  });
}
