import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';

/** Harbor's `Project`, as the search answers it (without the CVE allowlist). */
export const ZSearchProject = z.object({
  project_id: z.number().int(),
  owner_id: z.number().int(),
  name: z.string(),
  creation_time: z.string(),
  update_time: z.string(),
  deleted: z.boolean(),
  owner_name: z.string(),
  togglable: z.boolean(),
  current_user_role_id: z.number().int(),
  current_user_role_ids: z.array(z.number().int()),
  repo_count: z.number().int(),
  metadata: z.record(z.string(), z.string()),
});
export type SearchProjectDto = z.infer<typeof ZSearchProject>;

/** Harbor's `SearchRepository`. */
export const ZSearchRepository = z
  .object({
    project_id: z.number().int(),
    project_name: z.string(),
    project_public: z.boolean(),
    repository_name: z.string(),
    pull_count: z.number().int(),
    artifact_count: z.number().int(),
  })
  .meta({ id: 'SearchRepository' });
export type SearchRepositoryDto = z.infer<typeof ZSearchRepository>;

/** Harbor's `Search`. */
export const ZSearch = z
  .object({ project: z.array(ZSearchProject), repository: z.array(ZSearchRepository) })
  .meta({ id: 'Search' });
export type SearchDto = z.infer<typeof ZSearch>;

export const ZSearchQuery = z.strictObject({
  q: z.string({ message: 'q is required' }).max(256, 'q is longer than 256 characters'),
});
export type TSearchQuery = z.infer<typeof ZSearchQuery>;
export class SearchQuery extends zodDto(ZSearchQuery) {}
