import { totalCount, unwrap, type BerthClient } from '@berth/api-client';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

/** What the project-wide artifact list is asked for; every field narrows or orders it on the server. */
export interface ProjectArtifactParams {
  page: number;
  pageSize: number;
  /** Harbor's artifact `type` (IMAGE, CHART, …); empty for every type. */
  type?: string;
  /** Part of a tag name (a fuzzy match). */
  tag?: string;
  /** A label id the artifacts must carry. */
  labelId?: number;
  /** Newest or oldest push first. */
  order: 'newest' | 'oldest';
  /**
   * Only the newest artifact of each repository. The server needs exactly one media type (or
   * artifact type) to compare like with like, so this is that media type, or empty for off.
   */
  latestOfMediaType?: string;
}

/**
 * Query keys of the project-wide artifact list. A root of its own rather than under `artifacts`, whose
 * second level is a repository name; a change to artifacts invalidates this root as well.
 */
export const projectArtifactKeys = {
  all: ['project-artifacts'] as const,
  lists: (project: string) => [...projectArtifactKeys.all, project, 'list'] as const,
  list: (project: string, params: ProjectArtifactParams) =>
    [...projectArtifactKeys.lists(project), params] as const,
};

/** Harbor's `q` for the list: `k=v` terms joined by commas, values that hold spaces quoted. */
export function projectArtifactQuery(params: ProjectArtifactParams): string | undefined {
  const terms: string[] = [];
  if (params.type) terms.push(`type=${params.type}`);
  // Commas separate terms and the server has no escape for them, so a tag search stops at one.
  const tag = params.tag?.split(',')[0]?.trim();
  if (tag) terms.push(`tags=~${tag}`);
  if (params.labelId !== undefined) terms.push(`labels=(${params.labelId})`);
  if (params.latestOfMediaType) terms.push(`media_type=${params.latestOfMediaType}`);
  return terms.length ? terms.join(',') : undefined;
}

/** `GET /projects/{p}/artifacts`: one page of the artifacts of every repository of the project. */
export const projectArtifactListQuery = (
  client: BerthClient,
  project: string,
  params: ProjectArtifactParams,
) =>
  queryOptions({
    queryKey: projectArtifactKeys.list(project, params),
    queryFn: async () => {
      const q = projectArtifactQuery(params);
      const result = await client.api.GET('/projects/{project_name_or_id}/artifacts', {
        params: {
          path: { project_name_or_id: project },
          // A project named like a number must not be read as an id.
          header: { 'X-Is-Resource-Name': true },
          query: {
            page: params.page,
            page_size: params.pageSize,
            sort: params.order === 'newest' ? '-push_time' : 'push_time',
            with_tag: true,
            with_label: true,
            ...(q ? { q } : {}),
            ...(params.latestOfMediaType ? { latest_in_repository: true } : {}),
          },
        },
      });
      return { items: unwrap(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
  });
