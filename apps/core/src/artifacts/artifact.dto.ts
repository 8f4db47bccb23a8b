import { z } from 'zod';
import { isValidTag } from '@berth/distribution';
import { ZPageQuery, zQueryBoolean } from './harbor-query.js';

// --- wire shapes (Harbor's swagger definitions) ------------------------------------------------

/** Harbor's `Platform`. */
export interface PlatformDto {
  architecture?: string;
  os?: string;
  "'os.version'"?: string;
  "'os.features'"?: string[];
  variant?: string;
}

/** Harbor's `Reference`: a child of an index. */
export interface ReferenceDto {
  parent_id: number;
  child_id?: number;
  child_digest: string;
  platform?: PlatformDto;
  annotations?: Record<string, string>;
  urls?: string[];
}

/** Harbor's `Tag`. */
export interface TagDto {
  id: number;
  repository_id: number;
  artifact_id: number;
  name: string;
  push_time: string;
  pull_time: string;
  immutable: boolean;
}

/** Harbor's `Label`. */
export interface LabelDto {
  id: number;
  name: string;
  description: string;
  color: string;
  scope: string;
  project_id: number;
  creation_time: string;
  update_time: string;
}

/** Harbor's `Accessory`. */
export interface AccessoryDto {
  id: number;
  artifact_id: number;
  subject_artifact_id?: number;
  subject_artifact_digest: string;
  subject_artifact_repo: string;
  size: number;
  digest: string;
  type: string;
  icon: string;
  creation_time: string;
}

/** Harbor's `AdditionLink`. */
export interface AdditionLinkDto {
  href: string;
  absolute: boolean;
}

/** Harbor's `Artifact`. */
export interface ArtifactDto {
  id: number;
  type: string;
  media_type: string;
  manifest_media_type: string;
  artifact_type?: string;
  project_id: number;
  repository_id: number;
  repository_name: string;
  digest: string;
  size: number;
  push_time: string;
  pull_time: string;
  extra_attrs?: Record<string, unknown>;
  annotations?: Record<string, string>;
  references?: ReferenceDto[];
  tags?: TagDto[];
  labels?: LabelDto[];
  addition_links?: Record<string, AdditionLinkDto>;
  scan_overview?: Record<string, unknown>;
  accessories?: AccessoryDto[];
}

// --- requests ----------------------------------------------------------------------------------

const ARTIFACT_OPTION_FLAGS = {
  with_tag: zQueryBoolean.optional(),
  with_label: zQueryBoolean.optional(),
  with_scan_overview: zQueryBoolean.optional(),
  with_sbom_overview: zQueryBoolean.optional(),
  with_immutable_status: zQueryBoolean.optional(),
  with_accessory: zQueryBoolean.optional(),
  with_inherited_accessory: zQueryBoolean.optional(),
};

export const ZListArtifactsQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageQuery,
  ...ARTIFACT_OPTION_FLAGS,
});
export type TListArtifactsQuery = z.infer<typeof ZListArtifactsQuery>;

/** Harbor's `listArtifactsOfProject`. */
export const ZListProjectArtifactsQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageQuery,
  ...ARTIFACT_OPTION_FLAGS,
  latest_in_repository: zQueryBoolean.optional(),
});
export type TListProjectArtifactsQuery = z.infer<typeof ZListProjectArtifactsQuery>;

export const ZGetArtifactQuery = z.strictObject({
  ...ZPageQuery,
  ...ARTIFACT_OPTION_FLAGS,
  with_signature: zQueryBoolean.optional(),
});
export type TGetArtifactQuery = z.infer<typeof ZGetArtifactQuery>;

export const ZCopyArtifactQuery = z.strictObject({
  from: z.string({ message: 'from is required' }).min(1, 'from is required').max(1024),
});
export type TCopyArtifactQuery = z.infer<typeof ZCopyArtifactQuery>;

export const ZListTagsQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageQuery,
  with_immutable_status: zQueryBoolean.optional(),
});
export type TListTagsQuery = z.infer<typeof ZListTagsQuery>;

export const ZListAccessoriesQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageQuery,
});
export type TListAccessoriesQuery = z.infer<typeof ZListAccessoriesQuery>;

export const ZCreateTagRequest = z.strictObject({
  name: z
    .string({ message: 'name is required' })
    .refine(isValidTag, 'name must be a valid tag: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}'),
});
export type TCreateTagRequest = z.infer<typeof ZCreateTagRequest>;

/** Harbor's `Label` as a request body: only `id` matters, the rest is tolerated as the console sends it. */
export const ZAddLabelRequest = z.strictObject({
  id: z.number({ message: 'id is required' }).int().positive().max(Number.MAX_SAFE_INTEGER),
  name: z.string().optional(),
  description: z.string().optional(),
  color: z.string().optional(),
  scope: z.string().optional(),
  project_id: z.number().int().optional(),
  creation_time: z.string().optional(),
  update_time: z.string().optional(),
});
export type TAddLabelRequest = z.infer<typeof ZAddLabelRequest>;

export const ADDITIONS = [
  'build_history',
  'values.yaml',
  'readme.md',
  'dependencies',
  'sbom',
  'license',
  'files',
] as const;
