import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { sessionKeys } from './session';

export interface UserListParams {
  page: number;
  pageSize: number;
  /** Part of a username, matched case-insensitively. */
  username?: string;
}

/** Query keys of user accounts, rooted at one key. */
export const userKeys = {
  all: ['users'] as const,
  lists: () => [...userKeys.all, 'list'] as const,
  list: (params: UserListParams) => [...userKeys.lists(), params] as const,
};

export const userListQuery = (client: BerthClient, params: UserListParams) =>
  queryOptions({
    queryKey: userKeys.list(params),
    queryFn: async () => {
      const result = await client.api.GET('/users', {
        params: {
          query: {
            page: params.page,
            page_size: params.pageSize,
            sort: 'username',
            ...(params.username ? { q: `username=~${params.username}` } : {}),
          },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

/** Harbor's password policy, as the core enforces it. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function isValidPassword(password: string): boolean {
  return (
    password.length >= PASSWORD_MIN &&
    password.length <= PASSWORD_MAX &&
    /[a-z]/.test(password) &&
    /[A-Z]/.test(password) &&
    /[0-9]/.test(password)
  );
}

const SECRET_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random secret that satisfies the password policy: 32 characters from the browser's CSPRNG. */
export function generateSecret(): string {
  // Bytes past the last whole multiple of the alphabet are dropped, so every character is equally likely.
  const limit = 256 - (256 % SECRET_ALPHABET.length);
  let body = '';
  while (body.length < 29) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      if (byte < limit && body.length < 29) body += SECRET_ALPHABET[byte % SECRET_ALPHABET.length];
    }
  }
  // One of each required class, so the policy holds whatever the random part drew.
  return `${body}Aa1`;
}

export function useCreateUser() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schema<'UserCreationReq'>) => unwrap(await client.api.POST('/users', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.lists() }),
  });
}

export function useSetSysadmin() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, sysadmin }: { userId: number; sysadmin: boolean }) =>
      unwrap(
        await client.api.PUT('/users/{user_id}/sysadmin', {
          params: { path: { user_id: userId } },
          body: { sysadmin_flag: sysadmin },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.lists() }),
  });
}

/**
 * Sets a password. Your own needs the old one; an administrator resetting someone else's does not.
 * Nothing listed changes, so nothing is invalidated.
 */
export function useChangePassword() {
  const client = useClient();
  return useMutation({
    mutationFn: async ({
      userId,
      oldPassword,
      newPassword,
    }: {
      userId: number;
      oldPassword?: string;
      newPassword: string;
    }) =>
      unwrap(
        await client.api.PUT('/users/{user_id}/password', {
          params: { path: { user_id: userId } },
          body: {
            ...(oldPassword !== undefined ? { old_password: oldPassword } : {}),
            new_password: newPassword,
          },
        }),
      ),
  });
}

export function useDeleteUser() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (userId: number) =>
      unwrap(await client.api.DELETE('/users/{user_id}', { params: { path: { user_id: userId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.lists() }),
  });
}

/** Sets the signed-in user's CLI secret; the current user (which carries it) is read again. */
export function useSetCliSecret() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, secret }: { userId: number; secret: string }) =>
      unwrap(
        await client.api.PUT('/users/{user_id}/cli_secret', {
          params: { path: { user_id: userId } },
          body: { secret },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionKeys.currentUser() }),
  });
}

/** The fields of `PUT /users/{user_id}`; one left out keeps its value. */
export type ProfileChange = Schema<'UserProfile'>;

/** Updates one's own profile; the current user and any user list showing the account are read again. */
export function useUpdateProfile() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, profile }: { userId: number; profile: ProfileChange }) =>
      unwrap(
        await client.api.PUT('/users/{user_id}', {
          params: { path: { user_id: userId } },
          body: profile,
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: sessionKeys.currentUser() }),
        queryClient.invalidateQueries({ queryKey: userKeys.lists() }),
      ]),
  });
}
