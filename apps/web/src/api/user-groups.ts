import { totalCount, unwrap, type BerthClient } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { memberKeys } from './members';

export interface UserGroupListParams {
  page: number;
  pageSize: number;
  /** Part of a group name, matched case-insensitively. */
  name?: string;
}

export interface GroupMemberListParams {
  page: number;
  pageSize: number;
}

/**
 * Query keys of user groups, rooted at the key the members tab's group search also starts with,
 * so a group created, renamed or deleted here is never offered stale there.
 */
export const userGroupKeys = {
  all: ['usergroups'] as const,
  lists: () => [...userGroupKeys.all, 'list'] as const,
  list: (params: UserGroupListParams) => [...userGroupKeys.lists(), params] as const,
  memberLists: (groupId: number) => [...userGroupKeys.all, groupId, 'members'] as const,
  members: (groupId: number, params: GroupMemberListParams) =>
    [...userGroupKeys.memberLists(groupId), params] as const,
};

export const userGroupListQuery = (client: BerthClient, params: UserGroupListParams) =>
  queryOptions({
    queryKey: userGroupKeys.list(params),
    queryFn: async () => {
      const result = await client.api.GET('/usergroups', {
        params: {
          query: {
            page: params.page,
            page_size: params.pageSize,
            ...(params.name ? { group_name: params.name } : {}),
          },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

/** The local users in a group (a Berth extension of Harbor's API). */
export const groupMemberListQuery = (client: BerthClient, groupId: number, params: GroupMemberListParams) =>
  queryOptions({
    queryKey: userGroupKeys.members(groupId, params),
    queryFn: async () => {
      const result = await client.api.GET('/usergroups/{group_id}/members', {
        params: { path: { group_id: groupId }, query: { page: params.page, page_size: params.pageSize } },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

export function useCreateUserGroup() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) =>
      unwrap(await client.api.POST('/usergroups', { body: { group_name: name, group_type: 2 } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userGroupKeys.all }),
  });
}

/** Renames a group; project member lists show group names, so they are read again too. */
export function useRenameUserGroup() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, name }: { id: number; name: string }) =>
      unwrap(
        await client.api.PUT('/usergroups/{group_id}', {
          params: { path: { group_id: id } },
          body: { group_name: name },
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: userGroupKeys.all }),
        queryClient.invalidateQueries({ queryKey: memberKeys.all }),
      ]),
  });
}

/** Deletes a group; its project memberships go with it, so member lists are read again. */
export function useDeleteUserGroup() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await client.api.DELETE('/usergroups/{group_id}', { params: { path: { group_id: id } } })),
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: userGroupKeys.memberLists(id) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: userGroupKeys.all }),
        queryClient.invalidateQueries({ queryKey: memberKeys.all }),
      ]);
    },
  });
}

export function useAddGroupMember(groupId: number) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (username: string) =>
      unwrap(
        await client.api.POST('/usergroups/{group_id}/members', {
          params: { path: { group_id: groupId } },
          body: { username },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userGroupKeys.memberLists(groupId) }),
  });
}

export function useRemoveGroupMember(groupId: number) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (userId: number) =>
      unwrap(
        await client.api.DELETE('/usergroups/{group_id}/members/{user_id}', {
          params: { path: { group_id: groupId, user_id: userId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userGroupKeys.memberLists(groupId) }),
  });
}
