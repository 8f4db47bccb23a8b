import { repositoryParam, unwrap, type BerthClient } from '@berth/api-client';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './client';
import { projectArtifactKeys } from './project-artifacts';
import { projectKeys } from './projects';
import { artifactKeys, repositoryKeys } from './repositories';
import { searchKeys } from './search';

/**
 * One repository's own entry. Beside the project's repository lists (not under them) so that
 * refreshing the lists after a push does not also refetch every repository read on its own.
 */
export const repositoryDetailKey = (project: string, repository: string) =>
  [...repositoryKeys.all, project, 'detail', repository] as const;

/** `GET /projects/{project}/repositories/{repository}`; `repository` is the name without the project. */
export const repositoryQuery = (client: BerthClient, project: string, repository: string) =>
  queryOptions({
    queryKey: repositoryDetailKey(project, repository),
    queryFn: async () =>
      unwrap(
        await client.api.GET('/projects/{project_name}/repositories/{repository_name}', {
          params: { path: { project_name: project, repository_name: repositoryParam(repository) } },
        }),
      ),
  });

/** Edits a repository's description: its own entry and the lists that show it change. */
export function useUpdateRepositoryDescription(project: string, repository: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (description: string) =>
      unwrap(
        await client.api.PUT('/projects/{project_name}/repositories/{repository_name}', {
          params: { path: { project_name: project, repository_name: repositoryParam(repository) } },
          body: { description },
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: repositoryDetailKey(project, repository) }),
        queryClient.invalidateQueries({ queryKey: repositoryKeys.lists(project) }),
      ]),
  });
}

/**
 * Deletes a repository with all its artifacts. The project's repository and artifact lists, its
 * details (repository count, quota usage), the project list (which shows both) and searches (which
 * found the repository) refresh. What was cached about the repository itself is left alone: the
 * page showing it navigates away, and reading it again would only answer 404.
 */
export function useDeleteRepository(project: string, repository: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await client.api.DELETE('/projects/{project_name}/repositories/{repository_name}', {
          params: { path: { project_name: project, repository_name: repositoryParam(repository) } },
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: repositoryKeys.lists(project) }),
        queryClient.invalidateQueries({ queryKey: projectArtifactKeys.lists(project) }),
        queryClient.invalidateQueries({ queryKey: projectKeys.details() }),
        queryClient.invalidateQueries({ queryKey: projectKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: searchKeys.all }),
      ]),
  });
}

/** Where an artifact is copied from and to; repositories without their project. */
export interface CopyArtifactInput {
  source: { project: string; repository: string; digest: string };
  target: { project: string; repository: string };
}

/** Harbor's `from` query: `project/repository@digest`. */
export function copySource({ project, repository, digest }: CopyArtifactInput['source']): string {
  return `${project}/${repository}@${digest}`;
}

/**
 * Copies an artifact (with its tags, children and accessories) into another repository, which the
 * copy creates when needed. Everything cached about the target repository may have changed (a tag
 * that moved), as have the target project's repository and artifact lists, its details (quota
 * usage, repository count), the project list and searches (a repository may be new).
 */
export function useCopyArtifact() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ source, target }: CopyArtifactInput) =>
      unwrap(
        await client.api.POST('/projects/{project_name}/repositories/{repository_name}/artifacts', {
          params: {
            path: { project_name: target.project, repository_name: repositoryParam(target.repository) },
            query: { from: copySource(source) },
          },
        }),
      ),
    onSuccess: (_, { target }) =>
      Promise.all([
        queryClient.invalidateQueries({
          queryKey: artifactKeys.repository(target.project, target.repository),
        }),
        queryClient.invalidateQueries({ queryKey: repositoryDetailKey(target.project, target.repository) }),
        queryClient.invalidateQueries({ queryKey: repositoryKeys.lists(target.project) }),
        queryClient.invalidateQueries({ queryKey: projectArtifactKeys.lists(target.project) }),
        queryClient.invalidateQueries({ queryKey: projectKeys.details() }),
        queryClient.invalidateQueries({ queryKey: projectKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: searchKeys.all }),
      ]),
  });
}
