import { z } from 'zod';
import { isValidTag } from '@berth/distribution';
import { queryBoolean } from '../common/request-values.js';
import { zodDto } from '../common/zod-dto.js';
import { ZLabel } from '../labels/label.dto.js';
import { ZPageParams } from '../system/harbor-listing.js';

// --- wire shapes (Harbor's swagger definitions) ------------------------------------------------

/** Harbor's `Platform`. */
export const ZPlatform = z
  .object({
    architecture: z.string().optional(),
    os: z.string().optional(),
    "'os.version'": z.string().optional(),
    "'os.features'": z.array(z.string()).optional(),
    variant: z.string().optional(),
  })
  .meta({ id: 'Platform' });
export type PlatformDto = z.infer<typeof ZPlatform>;

/** Harbor's `Reference`: a child of an index. */
export const ZReference = z
  .object({
    parent_id: z.number().int(),
    child_id: z.number().int().optional(),
    child_digest: z.string(),
    platform: ZPlatform.optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    urls: z.array(z.string()).optional(),
  })
  .meta({ id: 'Reference' });
export type ReferenceDto = z.infer<typeof ZReference>;

/** Harbor's `Tag`. */
export const ZTag = z
  .object({
    id: z.number().int(),
    repository_id: z.number().int(),
    artifact_id: z.number().int(),
    name: z.string(),
    push_time: z.string(),
    pull_time: z.string(),
    immutable: z.boolean(),
  })
  .meta({ id: 'Tag' });
export type TagDto = z.infer<typeof ZTag>;

export { ZLabel, type LabelDto } from '../labels/label.dto.js';

/** Harbor's `Accessory`. */
export const ZAccessory = z
  .object({
    id: z.number().int(),
    artifact_id: z.number().int(),
    subject_artifact_id: z.number().int().optional(),
    subject_artifact_digest: z.string(),
    subject_artifact_repo: z.string(),
    size: z.number().int(),
    digest: z.string(),
    type: z.string(),
    icon: z.string(),
    creation_time: z.string(),
  })
  .meta({ id: 'Accessory' });
export type AccessoryDto = z.infer<typeof ZAccessory>;

/** Harbor's `AdditionLink`. */
export const ZAdditionLink = z
  .object({ href: z.string(), absolute: z.boolean() })
  .meta({ id: 'AdditionLink' });
export type AdditionLinkDto = z.infer<typeof ZAdditionLink>;

/** Harbor's `Artifact`. */
export const ZArtifact = z
  .object({
    id: z.number().int(),
    type: z.string(),
    media_type: z.string(),
    manifest_media_type: z.string(),
    artifact_type: z.string().optional(),
    project_id: z.number().int(),
    repository_id: z.number().int(),
    repository_name: z.string(),
    digest: z.string(),
    size: z.number().int(),
    push_time: z.string(),
    pull_time: z.string(),
    extra_attrs: z.record(z.string(), z.unknown()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    references: z.array(ZReference).optional(),
    tags: z.array(ZTag).optional(),
    labels: z.array(ZLabel).optional(),
    addition_links: z.record(z.string(), ZAdditionLink).optional(),
    scan_overview: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    accessories: z.array(ZAccessory).optional(),
  })
  .meta({ id: 'Artifact' });
export type ArtifactDto = z.infer<typeof ZArtifact>;

// --- requests ----------------------------------------------------------------------------------

const ARTIFACT_OPTION_FLAGS = {
  with_tag: queryBoolean('with_tag').optional(),
  with_label: queryBoolean('with_label').optional(),
  with_scan_overview: queryBoolean('with_scan_overview').optional(),
  with_sbom_overview: queryBoolean('with_sbom_overview').optional(),
  with_immutable_status: queryBoolean('with_immutable_status').optional(),
  with_accessory: queryBoolean('with_accessory').optional(),
  with_inherited_accessory: queryBoolean('with_inherited_accessory').optional(),
};

export const ZListArtifactsQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageParams,
  ...ARTIFACT_OPTION_FLAGS,
});
export type TListArtifactsQuery = z.infer<typeof ZListArtifactsQuery>;

/** Harbor's `listArtifactsOfProject`. */
export const ZListProjectArtifactsQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageParams,
  ...ARTIFACT_OPTION_FLAGS,
  latest_in_repository: queryBoolean('latest_in_repository').optional(),
});
export type TListProjectArtifactsQuery = z.infer<typeof ZListProjectArtifactsQuery>;

export const ZGetArtifactQuery = z.strictObject({
  ...ZPageParams,
  ...ARTIFACT_OPTION_FLAGS,
  with_signature: queryBoolean('with_signature').optional(),
});
export type TGetArtifactQuery = z.infer<typeof ZGetArtifactQuery>;

export const ZCopyArtifactQuery = z.strictObject({
  from: z.string({ message: 'from is required' }).min(1, 'from is required').max(1024),
});
export type TCopyArtifactQuery = z.infer<typeof ZCopyArtifactQuery>;

export const ZListTagsQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageParams,
  with_immutable_status: queryBoolean('with_immutable_status').optional(),
});
export type TListTagsQuery = z.infer<typeof ZListTagsQuery>;

export const ZListAccessoriesQuery = z.strictObject({
  q: z.string().optional(),
  sort: z.string().max(256).optional(),
  ...ZPageParams,
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

export class ListArtifactsQuery extends zodDto(ZListArtifactsQuery) {}
export class ListProjectArtifactsQuery extends zodDto(ZListProjectArtifactsQuery) {}
export class GetArtifactQuery extends zodDto(ZGetArtifactQuery) {}
export class CopyArtifactQuery extends zodDto(ZCopyArtifactQuery) {}
export class ListTagsQuery extends zodDto(ZListTagsQuery) {}
export class ListAccessoriesQuery extends zodDto(ZListAccessoriesQuery) {}
export class TagCreate extends zodDto(ZCreateTagRequest) {}
export class ArtifactLabelReq extends zodDto(ZAddLabelRequest) {}
