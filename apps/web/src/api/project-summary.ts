import { unwrap, type BerthClient } from '@berth/api-client';
import { queryOptions } from '@tanstack/react-query';
import { repositoryKeys } from './repositories';

/**
 * The project's most recently updated repositories, for its summary. Keyed under the project's
 * repository lists so that whatever refreshes those refreshes this too.
 */
export const recentRepositoriesQuery = (client: BerthClient, project: string, count: number) =>
  queryOptions({
    queryKey: [...repositoryKeys.lists(project), { recent: count }] as const,
    queryFn: async () =>
      unwrap(
        await client.api.GET('/projects/{project_name}/repositories', {
          params: {
            path: { project_name: project },
            query: { page: 1, page_size: count, sort: '-update_time' },
          },
        }),
      ),
  });
