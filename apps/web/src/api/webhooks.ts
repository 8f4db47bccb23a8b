import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { isRunning } from './retention';

export type WebhookPolicy = Schema<'WebhookPolicy'>;

export interface WebhookListParams {
  page: number;
  pageSize: number;
  name?: string;
}

export const webhookKeys = {
  all: ['webhooks'] as const,
  project: (projectId: string) => [...webhookKeys.all, projectId] as const,
  lists: (projectId: string) => [...webhookKeys.project(projectId), 'list'] as const,
  list: (projectId: string, params: WebhookListParams) => [...webhookKeys.lists(projectId), params] as const,
  events: (projectId: string) => [...webhookKeys.project(projectId), 'events'] as const,
  lastTriggers: (projectId: string) => [...webhookKeys.project(projectId), 'lasttrigger'] as const,
  executions: (projectId: string, policyId: number, page: number, pageSize: number) =>
    [...webhookKeys.project(projectId), policyId, 'executions', page, pageSize] as const,
  tasks: (projectId: string, policyId: number, executionId: number) =>
    [...webhookKeys.project(projectId), policyId, 'executions', executionId, 'tasks'] as const,
  log: (projectId: string, policyId: number, executionId: number, taskId: number) =>
    [...webhookKeys.tasks(projectId, policyId, executionId), taskId, 'log'] as const,
};

const project = (projectId: string) => ({ project_name_or_id: projectId });

export const webhookListQuery = (client: BerthClient, projectId: string, params: WebhookListParams) =>
  queryOptions({
    queryKey: webhookKeys.list(projectId, params),
    queryFn: async () => {
      const result = await client.api.GET('/projects/{project_name_or_id}/webhook/policies', {
        params: {
          path: project(projectId),
          query: {
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

/** The event types, notify types and payload formats a policy may use. */
export const webhookEventsQuery = (client: BerthClient, projectId: string) =>
  queryOptions({
    queryKey: webhookKeys.events(projectId),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/projects/{project_name_or_id}/webhook/events', {
          params: { path: project(projectId) },
        }),
      ),
    staleTime: 5 * 60_000,
  });

export const webhookLastTriggersQuery = (client: BerthClient, projectId: string) =>
  queryOptions({
    queryKey: webhookKeys.lastTriggers(projectId),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/projects/{project_name_or_id}/webhook/lasttrigger', {
          params: { path: project(projectId) },
        }),
      ),
  });

export const webhookExecutionsQuery = (
  client: BerthClient,
  projectId: string,
  policyId: number,
  page: number,
  pageSize: number,
) =>
  queryOptions({
    queryKey: webhookKeys.executions(projectId, policyId, page, pageSize),
    queryFn: async () => {
      const result = await client.api.GET(
        '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions',
        {
          params: {
            path: { ...project(projectId), webhook_policy_id: policyId },
            query: { page, page_size: pageSize },
          },
        },
      );
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
    // Deliveries retry on their own: look again while one is under way.
    refetchInterval: (query) =>
      query.state.data?.items.some((execution) => isRunning(execution.status)) ? 2000 : false,
  });

export const webhookTasksQuery = (
  client: BerthClient,
  projectId: string,
  policyId: number,
  executionId: number,
) =>
  queryOptions({
    queryKey: webhookKeys.tasks(projectId, policyId, executionId),
    queryFn: async () =>
      unwrap(
        await client.api.GET(
          '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions/{execution_id}/tasks',
          {
            params: {
              path: { ...project(projectId), webhook_policy_id: policyId, execution_id: executionId },
              query: { page: 1, page_size: 100 },
            },
          },
        ),
      ),
  });

export const webhookTaskLogQuery = (
  client: BerthClient,
  projectId: string,
  policyId: number,
  executionId: number,
  taskId: number,
) =>
  queryOptions({
    queryKey: webhookKeys.log(projectId, policyId, executionId, taskId),
    queryFn: async () =>
      unwrap(
        await client.api.GET(
          '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions/{execution_id}/tasks/{task_id}/log',
          {
            params: {
              path: {
                ...project(projectId),
                webhook_policy_id: policyId,
                execution_id: executionId,
                task_id: taskId,
              },
            },
            // The core answers the log as text/plain.
            parseAs: 'text',
          },
        ),
      ) ?? '',
  });

export type WebhookPolicyInput = Pick<
  WebhookPolicy,
  'name' | 'description' | 'targets' | 'event_types' | 'enabled'
> & {
  id?: number;
};

/**
 * Creates a policy (answering its signing secret, which the core sends once, in
 * `X-Berth-Webhook-Secret`) or replaces one (answering no secret).
 */
export function useSaveWebhook(projectId: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (policy: WebhookPolicyInput): Promise<{ secret: string | null }> => {
      if (policy.id) {
        unwrap(
          await client.api.PUT('/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}', {
            params: { path: { ...project(projectId), webhook_policy_id: policy.id } },
            body: policy as never,
          }),
        );
        return { secret: null };
      }
      const result = await client.api.POST('/projects/{project_name_or_id}/webhook/policies', {
        params: { path: project(projectId) },
        body: policy as never,
      });
      unwrap(result);
      return { secret: result.response.headers.get('X-Berth-Webhook-Secret') };
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.project(projectId) }),
  });
}

export function useDeleteWebhook(projectId: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (policyId: number) =>
      unwrap(
        await client.api.DELETE('/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}', {
          params: { path: { ...project(projectId), webhook_policy_id: policyId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.project(projectId) }),
  });
}

/** Berth's own: replaces a policy's signing secret and answers the new one, this once. */
export function useRegenerateWebhookSecret(projectId: string) {
  const client = useClient();
  return useMutation({
    mutationFn: async (policyId: number) =>
      unwrap(
        await client.api.POST('/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/secret', {
          params: { path: { ...project(projectId), webhook_policy_id: policyId } },
        }),
      ).secret,
  });
}
