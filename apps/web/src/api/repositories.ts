import { repositoryParam, totalCount, unwrap, type BerthClient } from '@berth/api-client';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

export interface PageParams {
  page: number;
  pageSize: number;
}

/** Query keys of repositories and their artifacts. */
export const repositoryKeys = {
  all: ['repositories'] as const,
  lists: (project: string) => [...repositoryKeys.all, project, 'list'] as const,
  list: (project: string, params: PageParams & { name?: string }) =>
    [...repositoryKeys.lists(project), params] as const,
};

export const artifactKeys = {
  all: ['artifacts'] as const,
  /** Everything cached about one repository's artifacts: what a delete in it may change. */
  repository: (project: string, repository: string) => [...artifactKeys.all, project, repository] as const,
  lists: (project: string, repository: string) =>
    [...artifactKeys.repository(project, repository), 'list'] as const,
  list: (project: string, repository: string, params: PageParams) =>
    [...artifactKeys.lists(project, repository), params] as const,
  detail: (project: string, repository: string, reference: string) =>
    [...artifactKeys.repository(project, repository), 'detail', reference] as const,
  accessories: (project: string, repository: string, reference: string, params: PageParams) =>
    [...artifactKeys.detail(project, repository, reference), 'accessories', params] as const,
  buildHistory: (project: string, repository: string, reference: string) =>
    [...artifactKeys.detail(project, repository, reference), 'build-history'] as const,
};

/** Strips the project from a repository's full name (`library/a/b` → `a/b`). */
export function shortRepositoryName(project: string, fullName: string): string {
  return fullName.startsWith(`${project}/`) ? fullName.slice(project.length + 1) : fullName;
}

export const repositoryListQuery = (
  client: BerthClient,
  project: string,
  params: PageParams & { name?: string },
) =>
  queryOptions({
    queryKey: repositoryKeys.list(project, params),
    queryFn: async () => {
      const result = await client.api.GET('/projects/{project_name}/repositories', {
        params: {
          path: { project_name: project },
          query: {
            page: params.page,
            page_size: params.pageSize,
            ...(params.name ? { q: `name=~${params.name}` } : {}),
          },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

export const artifactListQuery = (
  client: BerthClient,
  project: string,
  repository: string,
  params: PageParams,
) =>
  queryOptions({
    queryKey: artifactKeys.list(project, repository, params),
    queryFn: async () => {
      const result = await client.api.GET(
        '/projects/{project_name}/repositories/{repository_name}/artifacts',
        {
          params: {
            path: { project_name: project, repository_name: repositoryParam(repository) },
            query: {
              page: params.page,
              page_size: params.pageSize,
              with_tag: true,
              with_label: true,
              with_accessory: true,
            },
          },
        },
      );
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });
