import { unwrap, type Schema } from '@berth/api-client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { projectKeys } from './projects';

/** `PUT /projects/{id}`: metadata, the CVE allowlist and (for system administrators) the storage limit. */
export function useUpdateProject(projectId: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schema<'ProjectUpdateReq'>) =>
      unwrap(
        await client.api.PUT('/projects/{project_name_or_id}', {
          params: { path: { project_name_or_id: projectId } },
          body,
        }),
      ),
    // The project's detail and summary (quota) changed, and the lists show access and usage.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: projectKeys.detail(projectId) }),
        queryClient.invalidateQueries({ queryKey: projectKeys.lists() }),
      ]),
  });
}
