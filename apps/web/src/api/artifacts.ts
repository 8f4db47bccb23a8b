import { repositoryParam, totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { labelKeys } from './labels';
import { projectArtifactKeys } from './project-artifacts';
import { projectKeys } from './projects';
import { useClient } from './client';
import { artifactKeys, repositoryKeys, type PageParams } from './repositories';

/** Where an artifact lives: project name, repository name without the project, digest or tag. */
export interface ArtifactRef {
  project: string;
  repository: string;
  reference: string;
}

const artifactPath = (ref: ArtifactRef) => ({
  project_name: ref.project,
  repository_name: repositoryParam(ref.repository),
  reference: ref.reference,
});

export const artifactQuery = (client: BerthClient, { project, repository, reference }: ArtifactRef) =>
  queryOptions({
    queryKey: artifactKeys.detail(project, repository, reference),
    queryFn: async () =>
      unwrap(
        await client.api.GET(
          '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}',
          {
            params: {
              path: artifactPath({ project, repository, reference }),
              query: { with_tag: true, with_label: true, with_accessory: true, with_immutable_status: true },
            },
          },
        ),
      ),
  });

export const accessoryListQuery = (
  client: BerthClient,
  { project, repository, reference }: ArtifactRef,
  params: PageParams,
) =>
  queryOptions({
    queryKey: artifactKeys.accessories(project, repository, reference, params),
    queryFn: async () => {
      const result = await client.api.GET(
        '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/accessories',
        {
          params: {
            path: artifactPath({ project, repository, reference }),
            query: { page: params.page, page_size: params.pageSize },
          },
        },
      );
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });

/** One step of an image's build history, as the image config records it. */
export interface BuildHistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

/**
 * The build history of an image, or null when the artifact has none (an index, a non-image, or a
 * core without the addition all answer 404).
 */
export const buildHistoryQuery = (client: BerthClient, { project, repository, reference }: ArtifactRef) =>
  queryOptions({
    queryKey: artifactKeys.buildHistory(project, repository, reference),
    queryFn: async (): Promise<BuildHistoryEntry[] | null> => {
      const result = await client.api.GET(
        '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/{addition}',
        {
          params: {
            path: { ...artifactPath({ project, repository, reference }), addition: 'build_history' },
          },
        },
      );
      if (result.response.status === 404) return null;
      // The swagger calls the addition a string; the core answers the history array itself.
      const history: unknown = unwrap(result);
      return Array.isArray(history) ? (history as BuildHistoryEntry[]) : null;
    },
    staleTime: Infinity,
  });

/** A Helm chart's dependency, as its Chart.yaml declares it. */
export interface ChartDependency {
  name?: string;
  version?: string;
  repository?: string;
  condition?: string;
  alias?: string;
}

/** The text additions of a Helm chart: files read from the chart archive. */
export type ChartFile = 'readme.md' | 'values.yaml';

/**
 * A Helm chart's README or values.yaml, '' when the chart has no such file (the server answers an
 * empty body), or null when the artifact has no such addition at all (404).
 */
export const chartFileQuery = (
  client: BerthClient,
  { project, repository, reference }: ArtifactRef,
  file: ChartFile,
) =>
  queryOptions({
    queryKey: [...artifactKeys.detail(project, repository, reference), 'addition', file] as const,
    queryFn: async (): Promise<string | null> => {
      const result = await client.api.GET(
        '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/{addition}',
        {
          params: { path: { ...artifactPath({ project, repository, reference }), addition: file } },
          // The core answers text/markdown and text/plain, not JSON.
          parseAs: 'text',
        },
      );
      if (result.response.status === 404) return null;
      return unwrap(result) ?? '';
    },
    // What a digest holds never changes.
    staleTime: Infinity,
  });

/** A Helm chart's dependencies, or null when the artifact has none to answer (404). */
export const chartDependenciesQuery = (
  client: BerthClient,
  { project, repository, reference }: ArtifactRef,
) =>
  queryOptions({
    queryKey: [...artifactKeys.detail(project, repository, reference), 'addition', 'dependencies'] as const,
    queryFn: async (): Promise<ChartDependency[] | null> => {
      const result = await client.api.GET(
        '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/{addition}',
        {
          params: { path: { ...artifactPath({ project, repository, reference }), addition: 'dependencies' } },
        },
      );
      if (result.response.status === 404) return null;
      // The swagger calls the addition a string; the core answers the array itself.
      const dependencies: unknown = unwrap(result);
      return Array.isArray(dependencies) ? (dependencies as ChartDependency[]) : [];
    },
    staleTime: Infinity,
  });

/** The global labels and the project's own: what may be attached to an artifact of the project. */
export const attachableLabelsQuery = (client: BerthClient, projectId: number) =>
  queryOptions({
    // Invalidated by every change to the project's labels (api/labels.ts).
    queryKey: labelKeys.attachable(projectId),
    queryFn: async () => {
      const [global, project] = await Promise.all([
        client.api.GET('/labels', { params: { query: { scope: 'g', page_size: 100 } } }),
        client.api.GET('/labels', {
          params: { query: { scope: 'p', project_id: projectId, page_size: 100 } },
        }),
      ]);
      return [...unwrap(global), ...unwrap(project)];
    },
  });

/**
 * Invalidates what changes when an artifact's tags or labels change: its detail, its repository's
 * lists and the project-wide lists (which filter by tag and label).
 */
function useInvalidateArtifact() {
  const queryClient = useQueryClient();
  return (ref: ArtifactRef) =>
    Promise.all([
      queryClient.invalidateQueries({
        queryKey: artifactKeys.detail(ref.project, ref.repository, ref.reference),
      }),
      queryClient.invalidateQueries({ queryKey: artifactKeys.lists(ref.project, ref.repository) }),
      queryClient.invalidateQueries({ queryKey: projectArtifactKeys.lists(ref.project) }),
    ]);
}

export function useCreateTag(ref: ArtifactRef) {
  const client = useClient();
  const invalidate = useInvalidateArtifact();
  return useMutation({
    mutationFn: async (name: string) =>
      unwrap(
        await client.api.POST(
          '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags',
          { params: { path: artifactPath(ref) }, body: { name } },
        ),
      ),
    onSuccess: () => invalidate(ref),
  });
}

export function useDeleteTag(ref: ArtifactRef) {
  const client = useClient();
  const invalidate = useInvalidateArtifact();
  return useMutation({
    mutationFn: async (tagName: string) =>
      unwrap(
        await client.api.DELETE(
          '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags/{tag_name}',
          { params: { path: { ...artifactPath(ref), tag_name: tagName } } },
        ),
      ),
    onSuccess: () => invalidate(ref),
  });
}

export function useAddLabel(ref: ArtifactRef) {
  const client = useClient();
  const invalidate = useInvalidateArtifact();
  return useMutation({
    mutationFn: async (label: Schema<'Label'>) =>
      unwrap(
        await client.api.POST(
          '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/labels',
          { params: { path: artifactPath(ref) }, body: { id: label.id } },
        ),
      ),
    onSuccess: () => invalidate(ref),
  });
}

export function useRemoveLabel(ref: ArtifactRef) {
  const client = useClient();
  const invalidate = useInvalidateArtifact();
  return useMutation({
    mutationFn: async (labelId: number) =>
      unwrap(
        await client.api.DELETE(
          '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/labels/{label_id}',
          { params: { path: { ...artifactPath(ref), label_id: labelId } } },
        ),
      ),
    onSuccess: () => invalidate(ref),
  });
}

/**
 * Deletes an artifact. Everything cached about its repository may have changed (an index takes its
 * children along, an accessory leaves its subject), as have the project-wide artifact lists, the
 * repository list's counts and the project's quota usage. The deleted artifact's own details are left alone: the page showing them
 * navigates away, and reading them again would only answer 404.
 */
export function useDeleteArtifact(ref: ArtifactRef) {
  const client = useClient();
  const queryClient = useQueryClient();
  const deleted = artifactKeys.detail(ref.project, ref.repository, ref.reference);
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await client.api.DELETE(
          '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}',
          {
            params: { path: artifactPath(ref) },
          },
        ),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({
          queryKey: artifactKeys.repository(ref.project, ref.repository),
          predicate: (query) => !deleted.every((part, at) => query.queryKey[at] === part),
        }),
        queryClient.invalidateQueries({ queryKey: projectArtifactKeys.lists(ref.project) }),
        queryClient.invalidateQueries({ queryKey: repositoryKeys.lists(ref.project) }),
        queryClient.invalidateQueries({ queryKey: projectKeys.details() }),
      ]),
  });
}
