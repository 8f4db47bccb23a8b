import { unwrap, type BerthClient } from '@berth/api-client';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';

/** Query keys of the signed-in user. */
export const sessionKeys = {
  all: ['session'] as const,
  currentUser: () => [...sessionKeys.all, 'current-user'] as const,
  permissions: (scope: string) => [...sessionKeys.all, 'permissions', scope] as const,
};

/** The current user, or null when nobody is signed in (401). */
export const currentUserQuery = (client: BerthClient) =>
  queryOptions({
    queryKey: sessionKeys.currentUser(),
    queryFn: async () => {
      const result = await client.api.GET('/users/current');
      if (result.response.status === 401) return null;
      return unwrap(result);
    },
    staleTime: 60_000,
  });

/** What the user may do in a scope (`/system`, `/project/{id}`), as `resource:action` strings. */
export const permissionsQuery = (client: BerthClient, scope: string) =>
  queryOptions({
    queryKey: sessionKeys.permissions(scope),
    queryFn: async () => {
      const list = unwrap(
        await client.api.GET('/users/current/permissions', { params: { query: { scope, relative: true } } }),
      );
      return new Set(list.map((p) => `${p.resource ?? ''}:${p.action ?? ''}`));
    },
    staleTime: 60_000,
  });

export function useSignIn() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { principal: string; password: string }) =>
      client.login(input.principal, input.password),
    // A new identity: everything cached was seen by someone else.
    onSuccess: () => queryClient.resetQueries(),
  });
}

export function useSignOut() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => client.logout(),
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData(sessionKeys.currentUser(), null);
    },
  });
}
