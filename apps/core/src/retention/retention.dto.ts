import { z } from 'zod';
import { ZId } from '../common/request-values.js';
import { zodDto } from '../common/zod-dto.js';
import { ZPageParams } from '../system/harbor-listing.js';
import { ZRetentionSelector, ZScopeSelectorsRequest, ZSelectorRequest } from './selector.dto.js';

/** Harbor's RetentionRule as a request field, with Berth's `per_tag`. */
export const ZRetentionRuleRequest = z.strictObject({
  id: z.number().int().min(0).max(1_000_000).optional(),
  priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  disabled: z.boolean().optional(),
  action: z.string({ message: 'action is required ("retain")' }).max(64),
  template: z.string({ message: 'template is required (a rule template such as latestPushedK)' }).max(64),
  params: z.record(z.string().max(64), z.unknown()).optional(),
  tag_selectors: z.array(ZSelectorRequest, { message: 'tag_selectors must be a list of selectors' }).max(16),
  scope_selectors: ZScopeSelectorsRequest,
  /** Berth's: judge each tag on its own, removing single tags (goharbor/harbor#16157). */
  per_tag: z.boolean().optional(),
});
export type TRetentionRuleRequest = z.output<typeof ZRetentionRuleRequest>;

const ZTriggerRequest = z.strictObject({
  kind: z.string({ message: 'trigger.kind is required ("Schedule")' }).max(64),
  settings: z
    .strictObject({
      cron: z.string({ message: 'trigger.settings.cron must be a string' }).max(256).optional(),
      next_scheduled_time: z.unknown().optional(),
    })
    .optional(),
  references: z.record(z.string(), z.unknown()).optional(),
});

/** Harbor's RetentionPolicy as a request body. */
export const ZRetentionPolicyRequest = z.strictObject({
  id: z.number().int().optional(),
  algorithm: z.string().max(16).optional(),
  rules: z.array(ZRetentionRuleRequest, { message: 'rules must be a list of rules' }).max(64).default([]),
  trigger: ZTriggerRequest,
  scope: z.strictObject({
    level: z.string({ message: 'scope.level is required ("project")' }).max(32),
    ref: z.number({ message: 'scope.ref must be the project id' }).int(),
  }),
});
export type TRetentionPolicyRequest = z.output<typeof ZRetentionPolicyRequest>;

/** `POST /retentions/{id}/executions`. */
export const ZTriggerRetentionRequest = z.strictObject({ dry_run: z.boolean().optional() });
export type TTriggerRetentionRequest = z.output<typeof ZTriggerRetentionRequest>;

/** `PATCH /retentions/{id}/executions/{eid}`: only `stop`. */
export const ZOperateRetentionRequest = z.strictObject({
  action: z.string({ message: 'action is required ("stop")' }).max(32),
});
export type TOperateRetentionRequest = z.output<typeof ZOperateRetentionRequest>;

export const ZRetentionListQuery = z.strictObject({ ...ZPageParams });
export type TRetentionListQuery = z.output<typeof ZRetentionListQuery>;

export const ZRetentionId = ZId;

/** Harbor's RetentionRule, with Berth's `per_tag`. */
export const ZRetentionRule = z
  .object({
    id: z.number().int(),
    priority: z.number().int(),
    disabled: z.boolean(),
    action: z.string(),
    template: z.string(),
    params: z.record(z.string(), z.unknown()),
    tag_selectors: z.array(ZRetentionSelector),
    scope_selectors: z.record(z.string(), z.array(ZRetentionSelector)),
    per_tag: z.boolean().describe("Berth's: the rule retains single tags; see docs/retention.md"),
  })
  .meta({ id: 'RetentionRule' });

export const ZRetentionPolicy = z
  .object({
    id: z.number().int(),
    algorithm: z.string(),
    rules: z.array(ZRetentionRule),
    trigger: z
      .object({
        kind: z.string(),
        settings: z.record(z.string(), z.unknown()),
        references: z.record(z.string(), z.unknown()),
      })
      .meta({ id: 'RetentionRuleTrigger' }),
    scope: z.object({ level: z.string(), ref: z.number().int() }).meta({ id: 'RetentionPolicyScope' }),
  })
  .meta({ id: 'RetentionPolicy' });
export type RetentionPolicyDto = z.infer<typeof ZRetentionPolicy>;

const ZProgress = z
  .object({
    done: z.number().int(),
    total: z.number().int().nullable(),
    percent: z.number().int().nullable().describe('whole percent; null while the total is unknown'),
  })
  .meta({ id: 'JobProgress' });

export const ZRetentionExecution = z
  .object({
    id: z.number().int(),
    policy_id: z.number().int(),
    start_time: z.string(),
    end_time: z.string(),
    status: z.string(),
    trigger: z.string(),
    dry_run: z.boolean(),
    operator: z.string().describe("Berth's: who started the run"),
    status_message: z.string().describe("Berth's"),
    progress: ZProgress.describe("Berth's: repositories done of all (the run's tasks)"),
  })
  .meta({ id: 'RetentionExecution' });
export type RetentionExecutionDto = z.infer<typeof ZRetentionExecution>;

export const ZRetentionExecutionTask = z
  .object({
    id: z.number().int(),
    execution_id: z.number().int(),
    repository: z.string(),
    job_id: z.string(),
    status: z.string(),
    status_code: z.number().int(),
    status_revision: z.number().int(),
    start_time: z.string(),
    end_time: z.string(),
    total: z.number().int(),
    retained: z.number().int(),
    deleted: z.number().int().describe("Berth's: artifacts deleted (a dry run: that would be)"),
    untagged: z.number().int().describe("Berth's: tags removed from retained artifacts (per-tag rules)"),
    progress: ZProgress.describe("Berth's: deletions done of those to do"),
  })
  .meta({ id: 'RetentionExecutionTask' });
export type RetentionExecutionTaskDto = z.infer<typeof ZRetentionExecutionTask>;

const ZSelectorMetadata = z
  .object({ display_text: z.string(), kind: z.string(), decorations: z.array(z.string()) })
  .meta({ id: 'RetentionSelectorMetadata' });

export const ZRetentionMetadata = z
  .object({
    templates: z.array(
      z
        .object({
          rule_template: z.string(),
          display_text: z.string(),
          action: z.string(),
          params: z.array(
            z
              .object({ type: z.string(), unit: z.string(), required: z.boolean() })
              .meta({ id: 'RetentionRuleParamMetadata' }),
          ),
        })
        .meta({ id: 'RetentionRuleMetadata' }),
    ),
    scope_selectors: z.array(ZSelectorMetadata),
    tag_selectors: z.array(ZSelectorMetadata),
  })
  .meta({ id: 'RetentionMetadata' });
export type RetentionMetadataDto = z.infer<typeof ZRetentionMetadata>;

export class RetentionPolicyCreate extends zodDto(ZRetentionPolicyRequest) {}
export class RetentionPolicyUpdate extends zodDto(ZRetentionPolicyRequest) {}
export class RetentionExecutionRequest extends zodDto(ZTriggerRetentionRequest) {}
export class RetentionExecutionOperation extends zodDto(ZOperateRetentionRequest) {}
export class RetentionListQuery extends zodDto(ZRetentionListQuery) {}
