import { z } from 'zod';
import { zodDto } from '../common/zod-dto.js';
import { ZPageParams } from '../system/harbor-listing.js';

/** Harbor's `Repository`. */
export const ZRepository = z
  .object({
    id: z.number().int(),
    project_id: z.number().int(),
    name: z.string().describe('Full name, project included (library/alpine)'),
    description: z.string(),
    artifact_count: z.number().int(),
    pull_count: z.number().int(),
    creation_time: z.string(),
    update_time: z.string(),
  })
  .meta({ id: 'Repository' });
export type RepositoryDto = z.infer<typeof ZRepository>;

export const ZListRepositoriesQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageParams,
});
export type TListRepositoriesQuery = z.infer<typeof ZListRepositoriesQuery>;

export const MAX_DESCRIPTION_LENGTH = 64 * 1024;

/**
 * Harbor's `Repository` as an update body: only `description` is applied; the other fields are
 * tolerated because Harbor's console sends the object back whole.
 */
export const ZUpdateRepositoryRequest = z.strictObject({
  description: z
    .string()
    .max(MAX_DESCRIPTION_LENGTH, `description is longer than ${MAX_DESCRIPTION_LENGTH} characters`),
  id: z.number().int().optional(),
  project_id: z.number().int().optional(),
  name: z.string().optional(),
  artifact_count: z.number().int().optional(),
  pull_count: z.number().int().optional(),
  creation_time: z.string().optional(),
  update_time: z.string().optional(),
});
export type TUpdateRepositoryRequest = z.infer<typeof ZUpdateRepositoryRequest>;

export class ListRepositoriesQuery extends zodDto(ZListRepositoriesQuery) {}
export class RepositoryUpdate extends zodDto(ZUpdateRepositoryRequest) {}
