import { z } from 'zod';
import { ZPageQuery } from './harbor-query.js';

/** Harbor's `Repository`. */
export interface RepositoryDto {
  id: number;
  project_id: number;
  /** Full name, project included (`library/alpine`). */
  name: string;
  description: string;
  artifact_count: number;
  pull_count: number;
  creation_time: string;
  update_time: string;
}

export const ZListRepositoriesQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageQuery,
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
