import { z } from 'zod';
import { queryBoolean } from '../common/request-values.js';
import { zodDto } from '../common/zod-dto.js';
import { ZPageParams } from '../system/harbor-listing.js';
import { ZCveAllowlist, ZCveAllowlistDto } from '../security/cve-allowlist.dto.js';
import { IGNORED_METADATA_KEYS, METADATA_KEYS } from './project-metadata.js';

/** Harbor's project names: lower case, 1–255 characters, separators only between alphanumerics. */
export const PROJECT_NAME_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const PROJECT_NAME_MESSAGE =
  'project_name must be 1 to 255 lower-case letters, digits and single ".", "_" or "-" between them';

export const ZProjectName = z
  .string({ message: 'project_name is required (a string)' })
  .max(255, PROJECT_NAME_MESSAGE)
  .regex(PROJECT_NAME_PATTERN, PROJECT_NAME_MESSAGE);

/** Bytes: -1 is unlimited; Harbor's largest quota is 1024 TiB. */
export const MAX_STORAGE_LIMIT = 2 ** 50;
const STORAGE_LIMIT_MESSAGE = `must be -1 (unlimited) or a number of bytes from 1 to ${MAX_STORAGE_LIMIT}`;
export const ZStorageLimit = z
  .number({ message: `storage_limit ${STORAGE_LIMIT_MESSAGE}` })
  .int(`storage_limit ${STORAGE_LIMIT_MESSAGE}`)
  .refine((n) => n === -1 || (n >= 0 && n <= MAX_STORAGE_LIMIT), `storage_limit ${STORAGE_LIMIT_MESSAGE}`);

// Harbor's ProjectMetadata: every value a string (booleans accepted for the boolean keys); the keys
// are checked strictly, their values by normalizeMetadata (so the message names the key).
const metadataShape = Object.fromEntries(
  [...METADATA_KEYS, ...IGNORED_METADATA_KEYS].map((key) => [
    key,
    z.union([z.string().max(1024), z.boolean(), z.null()]).optional(),
  ]),
);
export const ZProjectMetadata = z.strictObject(metadataShape);

/** Harbor's ProjectReq, for creation. */
export const ZCreateProjectRequest = z.strictObject({
  project_name: ZProjectName,
  public: z.boolean().nullable().optional(),
  metadata: ZProjectMetadata.nullable().optional(),
  cve_allowlist: ZCveAllowlist.nullable().optional(),
  storage_limit: ZStorageLimit.nullable().optional(),
  /** Proxy-cache projects are not supported; Berth ignores the field (Harbor's UI sends null). */
  registry_id: z.number().int().nullable().optional(),
});
export type TCreateProjectRequest = z.output<typeof ZCreateProjectRequest>;

/** Harbor's ProjectReq, for an update: every field optional; the name cannot change. */
export const ZUpdateProjectRequest = z.strictObject({
  project_name: z.string().optional(),
  public: z.boolean().nullable().optional(),
  metadata: ZProjectMetadata.nullable().optional(),
  cve_allowlist: ZCveAllowlist.nullable().optional(),
  storage_limit: ZStorageLimit.nullable().optional(),
  registry_id: z.number().int().nullable().optional(),
});
export type TUpdateProjectRequest = z.output<typeof ZUpdateProjectRequest>;

export const ZListProjectsQuery = z.strictObject({
  ...ZPageParams,
  q: z.string().max(1024).optional(),
  sort: z.string().max(256).optional(),
  name: z.string().max(255).optional(),
  public: queryBoolean('public').optional(),
  owner: z.string().max(255).optional(),
  with_detail: queryBoolean('with_detail').optional(),
});
export type TListProjectsQuery = z.output<typeof ZListProjectsQuery>;

export const ZHeadProjectQuery = z.strictObject({
  project_name: z
    .string({ message: 'project_name is required' })
    .min(1, 'project_name is required')
    .max(1024),
});
export type THeadProjectQuery = z.output<typeof ZHeadProjectQuery>;

/** `POST /projects/{p}/metadatas` and `PUT …/metadatas/{name}`: a string map. */
export const ZMetadataMap = z
  .record(z.string(), z.union([z.string().max(1024), z.boolean()]))
  .refine((map) => Object.keys(map).length > 0, 'at least one metadata key and value is required');
export type TMetadataMap = z.output<typeof ZMetadataMap>;

/** Harbor's Project. */
export const ZProject = z
  .object({
    project_id: z.number().int(),
    owner_id: z.number().int().optional(),
    name: z.string(),
    creation_time: z.string(),
    update_time: z.string(),
    deleted: z.boolean(),
    owner_name: z.string().optional(),
    togglable: z.boolean(),
    current_user_role_id: z.number().int(),
    current_user_role_ids: z.array(z.number().int()),
    repo_count: z.number().int(),
    metadata: z.record(z.string(), z.string()),
    cve_allowlist: ZCveAllowlistDto,
  })
  .meta({ id: 'Project' });
export type ProjectDto = z.infer<typeof ZProject>;

/** Harbor's ProjectDeletable. */
export const ZProjectDeletable = z
  .object({ deletable: z.boolean(), message: z.string().optional() })
  .meta({ id: 'ProjectDeletable' });
export type ProjectDeletableDto = z.infer<typeof ZProjectDeletable>;

const ZStorage = z.object({ storage: z.number().int() });

/** Harbor's ProjectSummary. */
export const ZProjectSummary = z
  .object({
    repo_count: z.number().int(),
    project_admin_count: z.number().int().optional(),
    maintainer_count: z.number().int().optional(),
    developer_count: z.number().int().optional(),
    guest_count: z.number().int().optional(),
    limited_guest_count: z.number().int().optional(),
    quota: z.object({ hard: ZStorage, used: ZStorage }).optional(),
  })
  .meta({ id: 'ProjectSummary' });
export type ProjectSummaryDto = z.infer<typeof ZProjectSummary>;

/** Harbor's Statistic. */
export const ZStatistic = z
  .object({
    private_project_count: z.number().int(),
    private_repo_count: z.number().int(),
    public_project_count: z.number().int(),
    public_repo_count: z.number().int(),
    total_project_count: z.number().int(),
    total_repo_count: z.number().int(),
    total_storage_consumption: z.number().int().optional(),
  })
  .meta({ id: 'Statistic' });
export type StatisticDto = z.infer<typeof ZStatistic>;

// Request DTOs: the validation pipe reads their schema, the OpenAPI document their class name.
export class ProjectReq extends zodDto(ZCreateProjectRequest) {}
export class ProjectUpdateReq extends zodDto(ZUpdateProjectRequest) {}
export class ListProjectsQuery extends zodDto(ZListProjectsQuery) {}
export class HeadProjectQuery extends zodDto(ZHeadProjectQuery) {}
export class ProjectMetadataMap extends zodDto(ZMetadataMap) {}
