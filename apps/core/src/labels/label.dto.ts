import { z } from 'zod';
import { queryInteger, ZId } from '../common/request-values.js';
import { zodDto } from '../common/zod-dto.js';
import { ZPageParams } from '../system/harbor-listing.js';

export const LABEL_SCOPES = ['g', 'p'] as const;
export type LabelScope = (typeof LABEL_SCOPES)[number];

const NAME_MESSAGE = 'name must be 1 to 128 characters without control characters';
const ZLabelName = z
  .string({ message: 'name is required (a string)' })
  .trim()
  .min(1, NAME_MESSAGE)
  .max(128, NAME_MESSAGE)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, NAME_MESSAGE);
const ZDescription = z.string().max(1024, 'description must be at most 1024 characters');
const ZColor = z
  .string()
  .regex(/^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})?$/, 'color must be a hex color such as #1D5100, or empty');
const ZScope = z.enum(LABEL_SCOPES, { message: 'scope must be g (global) or p (project)' });
const ZProjectId = z.number().int('project_id must be an integer').min(0, 'project_id must be a project id');

/** Harbor's Label as a creation body. */
export const ZCreateLabelRequest = z.strictObject({
  name: ZLabelName,
  description: ZDescription.optional(),
  color: ZColor.optional(),
  scope: ZScope,
  project_id: ZProjectId.nullable().optional(),
});
export type TCreateLabelRequest = z.output<typeof ZCreateLabelRequest>;

/**
 * Harbor's Label as an update body: name, description and color change; scope and project_id may be
 * repeated (Harbor's console sends the whole label) but not changed.
 */
export const ZUpdateLabelRequest = z.strictObject({
  id: z.number().int().optional(),
  name: ZLabelName.optional(),
  description: ZDescription.optional(),
  color: ZColor.optional(),
  scope: ZScope.optional(),
  project_id: ZProjectId.nullable().optional(),
  creation_time: z.string().optional(),
  update_time: z.string().optional(),
});
export type TUpdateLabelRequest = z.output<typeof ZUpdateLabelRequest>;

export const ZListLabelsQuery = z.strictObject({
  ...ZPageParams,
  q: z.string().max(1024).optional(),
  sort: z.string().max(256).optional(),
  name: z.string().max(128).optional(),
  scope: z.string().max(8).optional(),
  project_id: queryInteger('project_id', 0, Number.MAX_SAFE_INTEGER).optional(),
});
export type TListLabelsQuery = z.output<typeof ZListLabelsQuery>;

export const ZLabelId = ZId;

/** Harbor's Label. */
export const ZLabel = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    color: z.string(),
    scope: z.string().describe('g: global; p: a project'),
    project_id: z.number().int(),
    creation_time: z.string(),
    update_time: z.string(),
  })
  .meta({ id: 'Label' });
export type LabelDto = z.infer<typeof ZLabel>;

export class LabelCreate extends zodDto(ZCreateLabelRequest) {}
export class LabelUpdate extends zodDto(ZUpdateLabelRequest) {}
export class ListLabelsQuery extends zodDto(ZListLabelsQuery) {}
