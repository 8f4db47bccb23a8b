import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';

export type ImmutableRule = Schema<'ImmutableRule'>;

/** The server's limit of rules per project (docs/retention.md), shown beside the list. */
export const IMMUTABLE_RULE_LIMIT = 15;

export const immutabilityKeys = {
  all: ['immutabletagrules'] as const,
  list: (projectId: string) => [...immutabilityKeys.all, projectId] as const,
};

export const immutableRulesQuery = (client: BerthClient, projectId: string) =>
  queryOptions({
    queryKey: immutabilityKeys.list(projectId),
    queryFn: async () => {
      const result = await client.api.GET('/projects/{project_name_or_id}/immutabletagrules', {
        params: { path: { project_name_or_id: projectId }, query: { page: 1, page_size: 100 } },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

type RuleBody = Omit<ImmutableRule, 'id' | 'priority' | 'params'> & Partial<ImmutableRule>;

/** Creates a rule, or replaces one (also to enable or disable it, as Harbor's console does). */
export function useSaveImmutableRule(projectId: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (rule: RuleBody) => {
      const path = { project_name_or_id: projectId };
      if (rule.id)
        return unwrap(
          await client.api.PUT('/projects/{project_name_or_id}/immutabletagrules/{immutable_rule_id}', {
            params: { path: { ...path, immutable_rule_id: rule.id } },
            body: rule as never,
          }),
        );
      return unwrap(
        await client.api.POST('/projects/{project_name_or_id}/immutabletagrules', {
          params: { path },
          body: rule as never,
        }),
      );
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: immutabilityKeys.list(projectId) }),
  });
}

export function useDeleteImmutableRule(projectId: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(
        await client.api.DELETE('/projects/{project_name_or_id}/immutabletagrules/{immutable_rule_id}', {
          params: { path: { project_name_or_id: projectId, immutable_rule_id: id } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: immutabilityKeys.list(projectId) }),
  });
}
