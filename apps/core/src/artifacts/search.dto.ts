import { z } from 'zod';

/** Harbor's `Project`, as the search answers it. */
export interface SearchProjectDto {
  project_id: number;
  owner_id: number;
  name: string;
  creation_time: string;
  update_time: string;
  deleted: boolean;
  owner_name: string;
  togglable: boolean;
  current_user_role_id: number;
  current_user_role_ids: number[];
  repo_count: number;
  metadata: Record<string, string>;
}

/** Harbor's `SearchRepository`. */
export interface SearchRepositoryDto {
  project_id: number;
  project_name: string;
  project_public: boolean;
  repository_name: string;
  pull_count: number;
  artifact_count: number;
}

/** Harbor's `Search`. */
export interface SearchDto {
  project: SearchProjectDto[];
  repository: SearchRepositoryDto[];
}

export const ZSearchQuery = z.strictObject({
  q: z.string({ message: 'q is required' }).max(256, 'q is longer than 256 characters'),
});
export type TSearchQuery = z.infer<typeof ZSearchQuery>;
