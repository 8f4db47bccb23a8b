import { NOTIFY_TYPES, PAYLOAD_FORMATS, WEBHOOK_EVENT_TYPES } from '@berth/domain';
import { z } from 'zod';
import { queryInteger, ZId } from '../common/request-values.js';
import { zodDto } from '../common/zod-dto.js';
import { ZPageParams } from '../system/harbor-listing.js';

/* eslint-disable no-control-regex */
const NAME_MESSAGE = 'name must be 1 to 256 characters without control characters';
const ZPolicyName = z
  .string({ message: 'name is required (a string)' })
  .trim()
  .min(1, NAME_MESSAGE)
  .max(256, NAME_MESSAGE)
  .regex(/^[^\u0000-\u001f\u007f]+$/, NAME_MESSAGE);

/** At most 10 targets and every event type once: more is a mistake, not a use. */
export const MAX_TARGETS = 10;

/**
 * Harbor's WebhookTargetObject as a request sends it. The address is checked by the service (an
 * http(s) URL Berth may send to); the auth header travels as one header value, so no line breaks.
 */
const ZWebhookTargetRequest = z.strictObject({
  type: z.enum(NOTIFY_TYPES, { message: `type must be one of ${NOTIFY_TYPES.join(', ')}` }).default('http'),
  address: z
    .string({ message: 'address is required (a string)' })
    .trim()
    .min(1, 'address is required')
    .max(2048, 'address must be at most 2048 characters'),
  auth_header: z
    .string()
    .max(4096, 'auth_header must be at most 4096 characters')
    .regex(/^[^\u0000-\u0008\u000a-\u001f\u007f]*$/, 'auth_header must be one line of text')
    .optional(),
  skip_cert_verify: z.boolean().optional(),
  payload_format: z
    .union([z.enum(PAYLOAD_FORMATS), z.literal('')], {
      message: `payload_format must be one of ${PAYLOAD_FORMATS.join(', ')}`,
    })
    .optional(),
});
export type TWebhookTargetRequest = z.output<typeof ZWebhookTargetRequest>;

const ZEventTypes = z
  .array(
    z.enum(WEBHOOK_EVENT_TYPES as [string, ...string[]], {
      message: `event types must be among ${WEBHOOK_EVENT_TYPES.join(', ')}`,
    }),
    { message: 'event_types is required (a list of event types)' },
  )
  .min(1, 'event_types must name at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length, `event_types lists at most ${WEBHOOK_EVENT_TYPES.length} types`)
  .refine((types) => new Set(types).size === types.length, 'event_types names a type twice');

const ZTargets = z
  .array(ZWebhookTargetRequest, { message: 'targets is required (a list of targets)' })
  .min(1, 'targets must name at least one target')
  .max(MAX_TARGETS, `a policy has at most ${MAX_TARGETS} targets`);

/** Fields Harbor's console sends back with the whole policy; they are read-only and ignored. */
const ZReadOnlyFields = {
  id: z.number().int().optional(),
  project_id: z.number().int().optional(),
  creator: z.string().max(256).optional(),
  creation_time: z.string().max(64).optional(),
  update_time: z.string().max(64).optional(),
};

/** Harbor's WebhookPolicy as a creation body. `enabled` defaults to true (Harbor's to false). */
export const ZCreateWebhookPolicyRequest = z.strictObject({
  name: ZPolicyName,
  description: z.string().max(1024, 'description must be at most 1024 characters').optional(),
  targets: ZTargets,
  event_types: ZEventTypes,
  enabled: z.boolean().optional(),
  ...ZReadOnlyFields,
});
export type TCreateWebhookPolicyRequest = z.output<typeof ZCreateWebhookPolicyRequest>;

/**
 * Harbor's WebhookPolicy as an update body: the whole policy (name, targets and event types);
 * a description or `enabled` left out keeps its value.
 */
export const ZUpdateWebhookPolicyRequest = ZCreateWebhookPolicyRequest;
export type TUpdateWebhookPolicyRequest = TCreateWebhookPolicyRequest;

const ZListQueryText = {
  q: z.string().max(2048).optional(),
  sort: z.string().max(256).optional(),
};

export const ZListWebhookPoliciesQuery = z.strictObject({ ...ZPageParams, ...ZListQueryText });
export type TListWebhookPoliciesQuery = z.output<typeof ZListWebhookPoliciesQuery>;

export const ZListDeliveriesQuery = z.strictObject({ ...ZPageParams, ...ZListQueryText });
export type TListDeliveriesQuery = z.output<typeof ZListDeliveriesQuery>;

/** Harbor's `status` array parameter: repeated (`status=a&status=b`) or once. */
const ZStatusList = z
  .union([z.string().max(32), z.array(z.string().max(32)).max(10)])
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .meta({ type: 'array', items: { type: 'string' }, anyOf: undefined });

export const ZListWebhookJobsQuery = z.strictObject({
  ...ZPageParams,
  ...ZListQueryText,
  policy_id: queryInteger('policy_id', 1, Number.MAX_SAFE_INTEGER),
  status: ZStatusList.optional(),
});
export type TListWebhookJobsQuery = z.output<typeof ZListWebhookJobsQuery>;

export const ZWebhookPolicyId = ZId;

// ---- answers ----

/** Harbor's WebhookTargetObject. */
export const ZWebhookTargetObject = z
  .object({
    type: z.string(),
    address: z.string(),
    auth_header: z.string().optional(),
    skip_cert_verify: z.boolean(),
    payload_format: z.string().optional(),
  })
  .meta({ id: 'WebhookTargetObject' });

/** Harbor's WebhookPolicy. */
export const ZWebhookPolicy = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    project_id: z.number().int(),
    targets: z.array(ZWebhookTargetObject),
    event_types: z.array(z.string()),
    creator: z.string(),
    creation_time: z.string(),
    update_time: z.string(),
    enabled: z.boolean(),
  })
  .meta({ id: 'WebhookPolicy' });
export type WebhookPolicyDto = z.infer<typeof ZWebhookPolicy>;

/** Harbor's WebhookLastTrigger; `last_trigger_time` absent while the type never fired. */
export const ZWebhookLastTrigger = z
  .object({
    policy_name: z.string(),
    event_type: z.string(),
    enabled: z.boolean(),
    creation_time: z.string(),
    last_trigger_time: z.string().optional(),
  })
  .meta({ id: 'WebhookLastTrigger' });
export type WebhookLastTriggerDto = z.infer<typeof ZWebhookLastTrigger>;

/** Harbor's WebhookJob: a delivery as Harbor's deprecated `webhook/jobs` listed it. */
export const ZWebhookJob = z
  .object({
    id: z.number().int(),
    policy_id: z.number().int(),
    event_type: z.string(),
    notify_type: z.string(),
    status: z.string(),
    job_detail: z.string(),
    creation_time: z.string(),
    update_time: z.string(),
  })
  .meta({ id: 'WebhookJob' });
export type WebhookJobDto = z.infer<typeof ZWebhookJob>;

/** Harbor's PayloadFormat. */
export const ZPayloadFormat = z
  .object({ notify_type: z.string(), formats: z.array(z.string()) })
  .meta({ id: 'PayloadFormat' });

/** Harbor's SupportedWebhookEventTypes. */
export const ZSupportedWebhookEventTypes = z
  .object({
    event_type: z.array(z.string()),
    notify_type: z.array(z.string()),
    payload_formats: z.array(ZPayloadFormat),
  })
  .meta({ id: 'SupportedWebhookEventTypes' });
export type SupportedWebhookEventTypesDto = z.infer<typeof ZSupportedWebhookEventTypes>;

/** Berth's answer to a secret's regeneration: the new signing secret, shown this once. */
export const ZWebhookSigningSecret = z
  .object({
    secret: z.string().describe('The HMAC-SHA256 key of the X-Harbor-Signature header'),
  })
  .meta({ id: 'WebhookSigningSecret' });
export type WebhookSigningSecretDto = z.infer<typeof ZWebhookSigningSecret>;

export class WebhookPolicyCreate extends zodDto(ZCreateWebhookPolicyRequest) {}
export class WebhookPolicyUpdate extends zodDto(ZUpdateWebhookPolicyRequest) {}
export class ListWebhookPoliciesQuery extends zodDto(ZListWebhookPoliciesQuery) {}
export class ListWebhookDeliveriesQuery extends zodDto(ZListDeliveriesQuery) {}
export class ListWebhookJobsQuery extends zodDto(ZListWebhookJobsQuery) {}
