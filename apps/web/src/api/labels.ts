import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { projectArtifactKeys } from './project-artifacts';
import { artifactKeys } from './repositories';

/** Whose labels: the system's global ones (scope `g`) or one project's own (scope `p`). */
export type LabelScope = { kind: 'global' } | { kind: 'project'; projectId: number };

export interface LabelListParams {
  page: number;
  pageSize: number;
  name?: string;
}

export const labelKeys = {
  all: ['labels'] as const,
  lists: (scope: LabelScope) =>
    scope.kind === 'global'
      ? ([...labelKeys.all, 'global', 'list'] as const)
      : ([...labelKeys.all, 'project', scope.projectId, 'list'] as const),
  list: (scope: LabelScope, params: LabelListParams) => [...labelKeys.lists(scope), params] as const,
  /** The global labels and the project's own: what an artifact of the project may carry. */
  attachable: (projectId: number) => [...labelKeys.allAttachable(), projectId] as const,
  /** Every project's attachable labels, which all include the global ones. */
  allAttachable: () => [...labelKeys.all, 'attachable'] as const,
};

/** The scope's query parameters and body fields, as Harbor's /labels takes them. */
const scopeFields = (scope: LabelScope) =>
  scope.kind === 'global' ? { scope: 'g' as const } : { scope: 'p' as const, project_id: scope.projectId };

/**
 * Invalidates what shows the scope's labels. A new label only adds a choice (to one project's
 * attachable labels, or every project's for a global one); a renamed, recoloured or deleted one
 * also changes every artifact that carries it (artifacts embed their labels), and the console
 * cannot tell which cached artifacts those are, so every cached artifact is refreshed.
 */
function useInvalidateLabels(scope: LabelScope) {
  const queryClient = useQueryClient();
  return (change: 'created' | 'changed') =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: labelKeys.lists(scope) }),
      queryClient.invalidateQueries({
        queryKey: scope.kind === 'global' ? labelKeys.allAttachable() : labelKeys.attachable(scope.projectId),
      }),
      ...(change === 'changed'
        ? [
            queryClient.invalidateQueries({ queryKey: artifactKeys.all }),
            queryClient.invalidateQueries({ queryKey: projectArtifactKeys.all }),
          ]
        : []),
    ]);
}

export const labelListQuery = (client: BerthClient, scope: LabelScope, params: LabelListParams) =>
  queryOptions({
    queryKey: labelKeys.list(scope, params),
    queryFn: async () => {
      const result = await client.api.GET('/labels', {
        params: {
          query: {
            ...scopeFields(scope),
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

export function useCreateLabel(scope: LabelScope) {
  const client = useClient();
  const invalidate = useInvalidateLabels(scope);
  return useMutation({
    mutationFn: async (input: LabelInput) =>
      unwrap(
        await client.api.POST('/labels', {
          body: { ...input, ...scopeFields(scope) } satisfies Schema<'LabelCreate'>,
        }),
      ),
    onSuccess: () => invalidate('created'),
  });
}

export function useUpdateLabel(scope: LabelScope) {
  const client = useClient();
  const invalidate = useInvalidateLabels(scope);
  return useMutation({
    mutationFn: async ({ id, ...input }: LabelInput & { id: number }) =>
      unwrap(await client.api.PUT('/labels/{label_id}', { params: { path: { label_id: id } }, body: input })),
    onSuccess: () => invalidate('changed'),
  });
}

export function useDeleteLabel(scope: LabelScope) {
  const client = useClient();
  const invalidate = useInvalidateLabels(scope);
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await client.api.DELETE('/labels/{label_id}', { params: { path: { label_id: id } } })),
    onSuccess: () => invalidate('changed'),
  });
}
