import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { projectKeys } from './projects';
import { sessionKeys } from './session';

export interface MemberListParams {
  page: number;
  pageSize: number;
  entityname?: string;
}

/** Harbor's project role ids, as the members API speaks them. */
export const PROJECT_ROLES = [
  { id: 1, name: 'projectAdmin' },
  { id: 4, name: 'maintainer' },
  { id: 2, name: 'developer' },
  { id: 3, name: 'guest' },
  { id: 5, name: 'limitedGuest' },
] as const;
export type ProjectRoleName = (typeof PROJECT_ROLES)[number]['name'];

/** Query keys of a project's members and of user look-ups for adding one. */
export const memberKeys = {
  all: ['members'] as const,
  lists: (projectId: string) => [...memberKeys.all, projectId, 'list'] as const,
  list: (projectId: string, params: MemberListParams) => [...memberKeys.lists(projectId), params] as const,
  userSearch: (username: string) => ['users', 'search', username] as const,
  groupSearch: (groupname: string) => ['usergroups', 'search', groupname] as const,
};

export const memberListQuery = (client: BerthClient, projectId: string, params: MemberListParams) =>
  queryOptions({
    queryKey: memberKeys.list(projectId, params),
    queryFn: async () => {
      const result = await client.api.GET('/projects/{project_name_or_id}/members', {
        params: {
          path: { project_name_or_id: projectId },
          query: {
            page: params.page,
            page_size: params.pageSize,
            ...(params.entityname ? { entityname: params.entityname } : {}),
          },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

/** Users whose name contains `username`, to pick a new member from. */
export const userSearchQuery = (client: BerthClient, username: string) =>
  queryOptions({
    queryKey: memberKeys.userSearch(username),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/users/search', { params: { query: { username, page: 1, page_size: 10 } } }),
      ),
    enabled: username !== '',
    staleTime: 30_000,
  });

/** User groups whose name contains `groupname`, to pick a new group member from. */
export const groupSearchQuery = (client: BerthClient, groupname: string) =>
  queryOptions({
    queryKey: memberKeys.groupSearch(groupname),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/usergroups/search', {
          params: { query: { groupname, page: 1, page_size: 10 } },
        }),
      ),
    enabled: groupname !== '',
    staleTime: 30_000,
  });

/**
 * What a change of membership invalidates: the member lists, the summary's members by role, and
 * the caller's own permissions there (they may have changed their own role).
 */
function useMembershipChanged(projectId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: memberKeys.lists(projectId) }),
      queryClient.invalidateQueries({ queryKey: projectKeys.summary(projectId) }),
      queryClient.invalidateQueries({ queryKey: sessionKeys.permissions(`/project/${projectId}`) }),
    ]);
}

export function useAddMember(projectId: string) {
  const client = useClient();
  const changed = useMembershipChanged(projectId);
  return useMutation({
    mutationFn: async (body: Schema<'ProjectMember'>) =>
      unwrap(
        await client.api.POST('/projects/{project_name_or_id}/members', {
          params: { path: { project_name_or_id: projectId } },
          body,
        }),
      ),
    onSuccess: changed,
  });
}

export function useChangeMemberRole(projectId: string) {
  const client = useClient();
  const changed = useMembershipChanged(projectId);
  return useMutation({
    mutationFn: async ({ memberId, roleId }: { memberId: number; roleId: number }) =>
      unwrap(
        await client.api.PUT('/projects/{project_name_or_id}/members/{mid}', {
          params: { path: { project_name_or_id: projectId, mid: memberId } },
          body: { role_id: roleId },
        }),
      ),
    onSuccess: changed,
  });
}

export function useRemoveMember(projectId: string) {
  const client = useClient();
  const changed = useMembershipChanged(projectId);
  return useMutation({
    mutationFn: async (memberId: number) =>
      unwrap(
        await client.api.DELETE('/projects/{project_name_or_id}/members/{mid}', {
          params: { path: { project_name_or_id: projectId, mid: memberId } },
        }),
      ),
    onSuccess: changed,
  });
}
