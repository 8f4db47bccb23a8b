import { totalCount, unwrap, type BerthClient } from '@berth/api-client';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

/** The operations Berth writes to a project's audit log. */
export const AUDIT_OPERATIONS = ['create', 'update', 'delete', 'push', 'pull'] as const;

export interface ProjectLogParams {
  page: number;
  pageSize: number;
  operation?: string;
  username?: string;
}

export const projectLogKeys = {
  all: ['project-logs'] as const,
  lists: (projectName: string) => [...projectLogKeys.all, projectName, 'list'] as const,
  list: (projectName: string, params: ProjectLogParams) =>
    [...projectLogKeys.lists(projectName), params] as const,
};

/** Harbor's `q`: exact operation, a username containing the text; commas would split terms. */
export function auditLogQuery(params: Pick<ProjectLogParams, 'operation' | 'username'>): string | undefined {
  const terms: string[] = [];
  if (params.operation) terms.push(`operation=${params.operation}`);
  const username = params.username?.replaceAll(',', '');
  if (username) terms.push(`username=~${username}`);
  return terms.length ? terms.join(',') : undefined;
}

export const projectLogListQuery = (client: BerthClient, projectName: string, params: ProjectLogParams) =>
  queryOptions({
    queryKey: projectLogKeys.list(projectName, params),
    queryFn: async () => {
      const q = auditLogQuery(params);
      const result = await client.api.GET('/projects/{project_name}/logs', {
        params: {
          path: { project_name: projectName },
          query: { page: params.page, page_size: params.pageSize, sort: '-op_time', ...(q ? { q } : {}) },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });
