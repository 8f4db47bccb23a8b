import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { projectKeys } from './projects';

export type RetentionPolicy = Schema<'RetentionPolicy'>;
export type RetentionRule = Schema<'RetentionRule'>;
export type RetentionExecution = Schema<'RetentionExecution'>;

/** Harbor's rule templates, in its console's order; `unit` names the parameter, null when none. */
export const RETENTION_TEMPLATES = [
  { template: 'latestPushedK', unit: 'count' },
  { template: 'latestPulledN', unit: 'count' },
  { template: 'latestActiveK', unit: 'count' },
  { template: 'lastXDays', unit: 'days' },
  { template: 'nDaysSinceLastPush', unit: 'days' },
  { template: 'nDaysSinceLastPull', unit: 'days' },
  { template: 'always', unit: null },
] as const;

export const retentionKeys = {
  all: ['retentions'] as const,
  metadata: () => [...retentionKeys.all, 'metadata'] as const,
  policy: (id: number) => [...retentionKeys.all, id] as const,
  executions: (id: number) => [...retentionKeys.policy(id), 'executions'] as const,
  executionPage: (id: number, page: number, pageSize: number) =>
    [...retentionKeys.executions(id), page, pageSize] as const,
  tasks: (id: number, eid: number) => [...retentionKeys.executions(id), eid, 'tasks'] as const,
  log: (id: number, eid: number, tid: number) => [...retentionKeys.tasks(id, eid), tid, 'log'] as const,
};

/** A run still under way: its list and tasks are polled until it ends. */
export function isRunning(status: string | undefined): boolean {
  return status === 'Pending' || status === 'Running' || status === 'Scheduled' || status === 'InProgress';
}

export const retentionPolicyQuery = (client: BerthClient, id: number) =>
  queryOptions({
    queryKey: retentionKeys.policy(id),
    queryFn: async () =>
      unwrap(await client.api.GET('/retentions/{id}', { params: { path: { id } } })) as RetentionPolicy,
  });

export const retentionExecutionsQuery = (client: BerthClient, id: number, page: number, pageSize: number) =>
  queryOptions({
    queryKey: retentionKeys.executionPage(id, page, pageSize),
    queryFn: async () => {
      const result = await client.api.GET('/retentions/{id}/executions', {
        params: { path: { id }, query: { page, page_size: pageSize } },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
    // Runs end on their own: look again while one is under way.
    refetchInterval: (query) =>
      query.state.data?.items.some((execution) => isRunning(execution.status)) ? 2000 : false,
  });

export const retentionTasksQuery = (client: BerthClient, id: number, eid: number) =>
  queryOptions({
    queryKey: retentionKeys.tasks(id, eid),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/retentions/{id}/executions/{eid}/tasks', {
          params: { path: { id, eid }, query: { page: 1, page_size: 100 } },
        }),
      ),
    refetchInterval: (query) => (query.state.data?.some((task) => isRunning(task.status)) ? 2000 : false),
  });

export const retentionTaskLogQuery = (client: BerthClient, id: number, eid: number, tid: number) =>
  queryOptions({
    queryKey: retentionKeys.log(id, eid, tid),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/retentions/{id}/executions/{eid}/tasks/{tid}', {
          params: { path: { id, eid, tid } },
          // The core answers the log as text/plain.
          parseAs: 'text',
        }),
      ) ?? '',
  });

/**
 * Saves the project's whole policy: creates it when the project has none (the core then names it
 * in the project's `retention_id`, so the project is read again), else replaces it.
 */
export function useSaveRetention(projectId: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (policy: Omit<RetentionPolicy, 'id'> & { id?: number }) => {
      if (policy.id) {
        unwrap(
          await client.api.PUT('/retentions/{id}', {
            params: { path: { id: policy.id } },
            body: { ...policy, id: policy.id } as never,
          }),
        );
        return policy.id;
      }
      const result = await client.api.POST('/retentions', { body: policy as never });
      unwrap(result);
      const location = result.response.headers.get('Location') ?? '';
      return Number(location.split('/').pop());
    },
    onSuccess: (id) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: retentionKeys.policy(id) }),
        queryClient.invalidateQueries({ queryKey: projectKeys.detail(projectId) }),
      ]),
  });
}

/** "Run now" and "Dry run". */
export function useTriggerRetention(id: number) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (dryRun: boolean) =>
      unwrap(
        await client.api.POST('/retentions/{id}/executions', {
          params: { path: { id } },
          body: { dry_run: dryRun },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: retentionKeys.executions(id) }),
  });
}

export function useStopRetention(id: number) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (eid: number) =>
      unwrap(
        await client.api.PATCH('/retentions/{id}/executions/{eid}', {
          params: { path: { id, eid } },
          body: { action: 'stop' },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: retentionKeys.executions(id) }),
  });
}
