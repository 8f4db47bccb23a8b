import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { projectArtifactKeys } from './project-artifacts';
import { artifactKeys } from './repositories';

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
  /** The global labels and the project's own: what an artifact of the project may carry. */
  attachable: (projectId: number) => [...labelKeys.all, 'attachable', projectId] as const,
};

/**
 * Invalidates what shows a project's labels. A new label only adds a choice; a renamed, recoloured
 * or deleted one also changes every artifact that carries it (artifacts embed their labels), and the
 * console cannot tell which cached artifacts those are, so every cached artifact is refreshed.
 */
function useInvalidateLabels(projectId: number) {
  const queryClient = useQueryClient();
  return (change: 'created' | 'changed') =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: labelKeys.projectLists(projectId) }),
      queryClient.invalidateQueries({ queryKey: labelKeys.attachable(projectId) }),
      ...(change === 'changed'
        ? [
            queryClient.invalidateQueries({ queryKey: artifactKeys.all }),
            queryClient.invalidateQueries({ queryKey: projectArtifactKeys.all }),
          ]
        : []),
    ]);
}

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
  const invalidate = useInvalidateLabels(projectId);
  return useMutation({
    mutationFn: async (input: LabelInput) =>
      unwrap(
        await client.api.POST('/labels', {
          body: { ...input, scope: 'p', project_id: projectId } satisfies Schema<'Label'>,
        }),
      ),
    onSuccess: () => invalidate('created'),
  });
}

export function useUpdateLabel(projectId: number) {
  const client = useClient();
  const invalidate = useInvalidateLabels(projectId);
  return useMutation({
    mutationFn: async ({ id, ...input }: LabelInput & { id: number }) =>
      unwrap(await client.api.PUT('/labels/{label_id}', { params: { path: { label_id: id } }, body: input })),
    onSuccess: () => invalidate('changed'),
  });
}

export function useDeleteLabel(projectId: number) {
  const client = useClient();
  const invalidate = useInvalidateLabels(projectId);
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await client.api.DELETE('/labels/{label_id}', { params: { path: { label_id: id } } })),
    onSuccess: () => invalidate('changed'),
  });
}
