import { z } from 'zod';
import { ZId } from '../common/request-values.js';
import { zodDto } from '../common/zod-dto.js';
import { ZImmutableSelector, ZScopeSelectorsRequest, ZSelectorRequest } from '../retention/selector.dto.js';
import { ZPageParams } from '../system/harbor-listing.js';

/** Harbor's ImmutableRule as a request body (the console sends the whole rule back on updates). */
export const ZImmutableRuleRequest = z.strictObject({
  id: z.number().int().optional(),
  project_id: z.number().int().optional(),
  priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  disabled: z.boolean().optional(),
  action: z.string().max(64).optional(),
  template: z.string().max(64).optional(),
  params: z.record(z.string().max(64), z.unknown()).optional(),
  tag_selectors: z.array(ZSelectorRequest, { message: 'tag_selectors must be a list of selectors' }).max(16),
  scope_selectors: ZScopeSelectorsRequest,
});
export type TImmutableRuleRequest = z.output<typeof ZImmutableRuleRequest>;

export const ZListImmuRulesQuery = z.strictObject({
  ...ZPageParams,
  q: z.string().max(2048).optional(),
  sort: z.string().max(256).optional(),
});
export type TListImmuRulesQuery = z.output<typeof ZListImmuRulesQuery>;

export const ZImmutableRuleId = ZId;

/** Harbor's ImmutableRule. */
export const ZImmutableRule = z
  .object({
    id: z.number().int(),
    priority: z.number().int(),
    disabled: z.boolean(),
    action: z.string(),
    template: z.string(),
    // Immutability rules take no parameters; Harbor's swagger types each as an object.
    params: z.record(z.string(), z.record(z.string(), z.unknown())),
    tag_selectors: z.array(ZImmutableSelector),
    scope_selectors: z.record(z.string(), z.array(ZImmutableSelector)),
  })
  .meta({ id: 'ImmutableRule' });
export type ImmutableRuleDto = z.infer<typeof ZImmutableRule>;

export class ImmutableRuleCreate extends zodDto(ZImmutableRuleRequest) {}
export class ImmutableRuleUpdate extends zodDto(ZImmutableRuleRequest) {}
export class ListImmuRulesQuery extends zodDto(ZListImmuRulesQuery) {}
