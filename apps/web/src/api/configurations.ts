import { unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';

/** Query keys of the system configuration. */
export const configurationKeys = {
  all: ['configurations'] as const,
};

export const configurationsQuery = (client: BerthClient) =>
  queryOptions({
    queryKey: configurationKeys.all,
    queryFn: async () => unwrap(await client.api.GET('/configurations')),
  });

export function useUpdateConfigurations() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schema<'Configurations'>) =>
      unwrap(await client.api.PUT('/configurations', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: configurationKeys.all }),
  });
}
