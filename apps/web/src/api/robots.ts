import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';

/** Whose robots: a project's (by id and name) or the system's. */
export type RobotScope = { level: 'project'; projectId: number; projectName: string } | { level: 'system' };

export interface RobotListParams {
  page: number;
  pageSize: number;
  name?: string;
}

function scopeKey(scope: RobotScope): string {
  return scope.level === 'project' ? `project:${scope.projectId}` : 'system';
}

export const robotKeys = {
  all: ['robots'] as const,
  lists: (scope: RobotScope) => [...robotKeys.all, scopeKey(scope), 'list'] as const,
  list: (scope: RobotScope, params: RobotListParams) => [...robotKeys.lists(scope), params] as const,
};

/** Harbor's `q` for robots: the level, the project, a name containing the text. */
export function robotQuery(scope: RobotScope, name?: string): string {
  const terms = [scope.level === 'project' ? `Level=project,ProjectID=${scope.projectId}` : 'Level=system'];
  const part = name?.replaceAll(',', '');
  if (part) terms.push(`name=~${part}`);
  return terms.join(',');
}

export const robotListQuery = (client: BerthClient, scope: RobotScope, params: RobotListParams) =>
  queryOptions({
    queryKey: robotKeys.list(scope, params),
    queryFn: async () => {
      const result = await client.api.GET('/robots', {
        params: {
          query: { q: robotQuery(scope, params.name), page: params.page, page_size: params.pageSize },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

export function useCreateRobot(scope: RobotScope) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schema<'RobotCreate'>) => unwrap(await client.api.POST('/robots', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: robotKeys.lists(scope) }),
  });
}

/** `PUT /robots/{id}` with the whole robot, as Harbor wants it (used to disable and enable). */
export function useUpdateRobot(scope: RobotScope) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (robot: Schema<'Robot'> & { id: number }) =>
      unwrap(
        await client.api.PUT('/robots/{robot_id}', {
          params: { path: { robot_id: robot.id } },
          body: {
            name: robot.name,
            description: robot.description,
            // Berth answers only these two levels.
            level: robot.level as Schema<'RobotUpdate'>['level'],
            duration: robot.duration,
            disable: robot.disable,
            permissions: robot.permissions,
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: robotKeys.lists(scope) }),
  });
}

/** A new random secret; nothing listed changes, so nothing is invalidated. */
export function useRefreshRobotSecret() {
  const client = useClient();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await client.api.PATCH('/robots/{robot_id}', { params: { path: { robot_id: id } }, body: {} })),
  });
}

export function useDeleteRobot(scope: RobotScope) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await client.api.DELETE('/robots/{robot_id}', { params: { path: { robot_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: robotKeys.lists(scope) }),
  });
}
