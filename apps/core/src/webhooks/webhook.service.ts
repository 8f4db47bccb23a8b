import { Inject, Injectable } from '@nestjs/common';
import {
  RecordNotFoundError,
  UniqueViolationError,
  WEBHOOK_VENDOR_TYPE,
  WebhookPolicyRepository,
  type JobStatusName,
  type WebhookPolicy,
  type WebhookPolicySortField,
  type WebhookTarget,
} from '@berth/db';
import {
  JobService,
  NOTIFY_TYPES,
  OutboundTargetGuard,
  PAYLOAD_FORMATS,
  SecretBox,
  TargetRefusedError,
  TargetUnresolvableError,
  WEBHOOK_EVENT_TYPES,
  newSigningSecret,
} from '@berth/domain';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { toExecutionDto, toTaskDto, type ExecutionDto, type TaskDto } from '../jobs/execution.dto.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import {
  pageRequest,
  parseHarborQuery,
  parseSort,
  toPage,
  type Page,
  type QueryTerm,
} from '../system/harbor-listing.js';
import type {
  SupportedWebhookEventTypesDto,
  TCreateWebhookPolicyRequest,
  TListDeliveriesQuery,
  TListWebhookJobsQuery,
  TListWebhookPoliciesQuery,
  TUpdateWebhookPolicyRequest,
  TWebhookTargetRequest,
  WebhookJobDto,
  WebhookLastTriggerDto,
  WebhookPolicyDto,
} from './webhook.dto.js';

const POLICY_SORT: Record<string, WebhookPolicySortField> = {
  id: 'id',
  name: 'name',
  creation_time: 'creationTime',
  update_time: 'updateTime',
};

/** Deliveries are listed newest first; these are the orders that says. */
const DELIVERY_SORTS = new Set(['-id', '-start_time', '-creation_time', '-update_time']);
const STATUSES: readonly JobStatusName[] = ['Pending', 'Running', 'Stopped', 'Error', 'Success'];

/** A policy created: its id, and its signing secret, which is shown this once. */
export interface CreatedPolicy {
  id: bigint;
  secret: string;
}

/**
 * Webhook policies of a project (Harbor's notification policies) and their deliveries. Targets
 * are checked when a policy is written (an http(s) URL without credentials, whose host is not, and
 * does not resolve to, a loopback, private, link-local… address unless BERTH_ALLOW_PRIVATE_TARGETS
 * allows it; a name that does not resolve yet is accepted, since every delivery checks again). Auth
 * headers and the signing secret are sealed with the instance key; the secret is answered once, at
 * creation (and at each regeneration). Deliveries are the `webhook` job kind's executions.
 */
@Injectable()
export class WebhookService {
  private readonly guard: OutboundTargetGuard;

  constructor(
    @Inject(WebhookPolicyRepository) private readonly policies: WebhookPolicyRepository,
    @Inject(JobService) private readonly jobs: JobService,
    @Inject(SecretBox) private readonly secrets: SecretBox,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    this.guard = new OutboundTargetGuard({ allowPrivateTargets: config.allowPrivateTargets });
  }

  async list(project: ProjectRef, query: TListWebhookPoliciesQuery): Promise<Page<WebhookPolicyDto>> {
    const page = pageRequest(query);
    const terms = parseHarborQuery(query.q, { name: ['exact', 'fuzzy'], enabled: ['exact'] });
    const name = terms.get('name');
    const enabled = terms.get('enabled');
    if (enabled && enabled.kind === 'exact' && !['true', 'false'].includes(enabled.value)) {
      throw HarborError.badRequest('enabled must be true or false in q');
    }
    const { total, items } = await this.policies.list({
      projectId: project.id,
      names: name ? [name.kind === 'fuzzy' ? { contains: termValue(name) } : { is: termValue(name) }] : [],
      ...(enabled ? { enabled: termValue(enabled) === 'true' } : {}),
      sort: parseSort(query.sort, POLICY_SORT),
      offset: page.offset,
      limit: page.pageSize,
    });
    return toPage(
      items.map((policy) => this.toDto(policy)),
      total,
      page,
    );
  }

  async get(project: ProjectRef, policyId: bigint): Promise<WebhookPolicyDto> {
    return this.toDto(await this.find(project, policyId));
  }

  async create(
    project: ProjectRef,
    principal: Principal,
    request: TCreateWebhookPolicyRequest,
  ): Promise<CreatedPolicy> {
    const targets = await this.checkTargets(request.targets);
    const secret = newSigningSecret();
    try {
      const policy = await this.policies.create(undefined, {
        projectId: project.id,
        name: request.name,
        description: request.description ?? '',
        targets,
        eventTypes: request.event_types,
        creator: principalName(principal),
        enabled: request.enabled ?? true,
        signingSecretSealed: this.secrets.seal(secret),
      });
      return { id: policy.id, secret };
    } catch (error) {
      throw this.nameTaken(error, project, request.name);
    }
  }

  async update(project: ProjectRef, policyId: bigint, request: TUpdateWebhookPolicyRequest): Promise<void> {
    const current = await this.find(project, policyId);
    const targets = await this.checkTargets(request.targets);
    try {
      await this.policies.update(undefined, current.id, {
        name: request.name,
        description: request.description ?? current.description,
        targets,
        eventTypes: request.event_types,
        enabled: request.enabled ?? current.enabled,
      });
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw this.notFound(project, policyId);
      throw this.nameTaken(error, project, request.name);
    }
  }

  /** Deletes the policy with its deliveries (Harbor deletes its executions too). */
  async delete(project: ProjectRef, policyId: bigint): Promise<void> {
    const policy = await this.find(project, policyId);
    if (!(await this.policies.delete(policy.id))) throw this.notFound(project, policyId);
  }

  /** A new signing secret for the policy, answered this once; deliveries sign with it from now on. */
  async regenerateSecret(project: ProjectRef, policyId: bigint): Promise<{ secret: string }> {
    const policy = await this.find(project, policyId);
    const secret = newSigningSecret();
    if (!(await this.policies.replaceSigningSecret(undefined, policy.id, this.secrets.seal(secret)))) {
      throw this.notFound(project, policyId);
    }
    return { secret };
  }

  async listExecutions(
    project: ProjectRef,
    policyId: bigint,
    query: TListDeliveriesQuery,
  ): Promise<Page<ExecutionDto>> {
    const policy = await this.find(project, policyId);
    return this.deliveries(policy.id, query, [], (execution) => toExecutionDto(execution));
  }

  async listTasks(
    project: ProjectRef,
    policyId: bigint,
    executionId: bigint,
    query: TListDeliveriesQuery,
  ): Promise<Page<TaskDto>> {
    await this.findExecution(project, policyId, executionId);
    const page = pageRequest(query);
    parseHarborQuery(query.q, {});
    parseSort(query.sort, { id: 'id', creation_time: 'creationTime', start_time: 'startTime' });
    // A delivery has one task: there is nothing to order.
    const { total, items } = await this.jobs.listTasks(executionId, {
      offset: page.offset,
      limit: page.pageSize,
    });
    return toPage(items.map(toTaskDto), total, page);
  }

  async taskLog(project: ProjectRef, policyId: bigint, executionId: bigint, taskId: bigint): Promise<string> {
    await this.findExecution(project, policyId, executionId);
    const task = await this.jobs.getTask(taskId);
    if (!task || task.executionId !== executionId) {
      throw HarborError.notFound(`task ${taskId} not found in execution ${executionId}`);
    }
    return (await this.jobs.taskLog(taskId)) ?? '';
  }

  /** Per policy and event type, when it last fired (Harbor's last-trigger listing). */
  async lastTriggers(project: ProjectRef): Promise<WebhookLastTriggerDto[]> {
    const policies = await this.policies.listAll(project.id);
    return policies.flatMap((policy) =>
      policy.eventTypes.map((eventType) => {
        const last = policy.lastTriggered.get(eventType);
        return {
          policy_name: policy.name,
          event_type: eventType,
          enabled: policy.enabled,
          creation_time: policy.creationTime.toISOString(),
          ...(last ? { last_trigger_time: last.toISOString() } : {}),
        };
      }),
    );
  }

  supportedEventTypes(): SupportedWebhookEventTypesDto {
    return {
      event_type: [...WEBHOOK_EVENT_TYPES],
      notify_type: [...NOTIFY_TYPES],
      payload_formats: [{ notify_type: 'http', formats: [...PAYLOAD_FORMATS] }],
    };
  }

  /** Harbor's deprecated webhook jobs: a policy's deliveries, one execution each. */
  async listJobs(project: ProjectRef, query: TListWebhookJobsQuery): Promise<Page<WebhookJobDto>> {
    const policy = await this.find(project, BigInt(query.policy_id));
    const statuses = (query.status ?? []).map(knownStatus);
    return this.deliveries(policy.id, query, statuses, (execution) => ({
      id: Number(execution.id),
      policy_id: Number(execution.vendorId),
      event_type: stringAttr(execution.extraAttrs.event_type),
      notify_type: stringAttr(execution.extraAttrs.notify_type) || 'http',
      status: execution.status,
      job_detail: stringAttr(execution.extraAttrs.payload),
      creation_time: execution.startTime.toISOString(),
      update_time: execution.updateTime.toISOString(),
    }));
  }

  private async deliveries<T>(
    policyId: bigint,
    query: { page?: number | undefined; page_size?: number | undefined; q?: string; sort?: string },
    statuses: JobStatusName[],
    map: (execution: Parameters<typeof toExecutionDto>[0]) => T,
  ): Promise<Page<T>> {
    const page = pageRequest(query);
    const status = parseHarborQuery(query.q, { status: ['exact', 'anyOf'] }).get('status');
    const fromQuery = status ? termValues(status).map((value) => knownStatus(value)) : [];
    const sort = query.sort?.trim();
    if (sort && !DELIVERY_SORTS.has(sort)) {
      throw HarborError.badRequest(
        `deliveries are listed newest first; sort accepts ${[...DELIVERY_SORTS].join(', ')}`,
      );
    }
    const wanted = [...new Set([...statuses, ...fromQuery])];
    const { total, items } = await this.jobs.listExecutions(
      {
        vendorType: WEBHOOK_VENDOR_TYPE,
        vendorId: policyId,
        ...(wanted.length > 0 ? { statuses: wanted } : {}),
      },
      { offset: page.offset, limit: page.pageSize },
    );
    return toPage(items.map(map), total, page);
  }

  private async findExecution(project: ProjectRef, policyId: bigint, executionId: bigint) {
    const policy = await this.find(project, policyId);
    const execution = await this.jobs.getExecution(executionId);
    if (!execution || execution.vendorType !== WEBHOOK_VENDOR_TYPE || execution.vendorId !== policy.id) {
      throw HarborError.notFound(`execution ${executionId} not found in webhook policy ${policyId}`);
    }
    return execution;
  }

  private async find(project: ProjectRef, policyId: bigint): Promise<WebhookPolicy> {
    const policy = await this.policies.findById(policyId);
    if (!policy || policy.projectId !== project.id) throw this.notFound(project, policyId);
    return policy;
  }

  /**
   * Checks and seals the targets: an http(s) address Berth may send to (the SSRF guard), no
   * address twice, a payload format only for http (Default when none is given), the auth header
   * sealed.
   */
  private async checkTargets(requested: TWebhookTargetRequest[]): Promise<WebhookTarget[]> {
    const seen = new Set<string>();
    const targets: WebhookTarget[] = [];
    for (const target of requested) {
      if (seen.has(target.address)) {
        throw HarborError.badRequest(`the target ${target.address} is listed twice`);
      }
      seen.add(target.address);
      if (target.type === 'slack' && target.payload_format) {
        throw HarborError.badRequest('set payload format is not allowed for slack');
      }
      try {
        await this.guard.check(target.address);
      } catch (error) {
        if (error instanceof TargetRefusedError) {
          throw HarborError.badRequest(`invalid target address: ${error.message}`);
        }
        // Not resolvable now: deliveries check again each time, so the policy may wait for DNS.
        if (!(error instanceof TargetUnresolvableError)) throw error;
      }
      targets.push({
        type: target.type,
        address: target.address,
        authHeaderSealed: target.auth_header ? this.secrets.seal(target.auth_header) : null,
        skipCertVerify: target.skip_cert_verify ?? false,
        payloadFormat: target.type === 'http' ? target.payload_format || 'Default' : '',
      });
    }
    return targets;
  }

  private toDto(policy: WebhookPolicy): WebhookPolicyDto {
    return {
      id: Number(policy.id),
      name: policy.name,
      description: policy.description,
      project_id: Number(policy.projectId),
      targets: policy.targets.map((target) => ({
        type: target.type,
        address: target.address,
        // Harbor answers the auth header to those who may read the policy (its console edits it).
        ...(target.authHeaderSealed ? { auth_header: this.openOrEmpty(target.authHeaderSealed) } : {}),
        skip_cert_verify: target.skipCertVerify,
        ...(target.payloadFormat ? { payload_format: target.payloadFormat } : {}),
      })),
      event_types: policy.eventTypes,
      creator: policy.creator,
      creation_time: policy.creationTime.toISOString(),
      update_time: policy.updateTime.toISOString(),
      enabled: policy.enabled,
    };
  }

  /** A header sealed under another instance key cannot be shown; the policy still can. */
  private openOrEmpty(sealed: string): string {
    try {
      return this.secrets.open(sealed);
    } catch {
      return '';
    }
  }

  private notFound(project: ProjectRef, policyId: bigint): HarborError {
    return HarborError.notFound(`webhook policy ${policyId} not found in project ${project.name}`);
  }

  private nameTaken(error: unknown, project: ProjectRef, name: string): unknown {
    if (error instanceof UniqueViolationError) {
      return HarborError.conflict(
        `notification policy named ${name} already exists in project ${project.name}`,
      );
    }
    return error;
  }
}

function termValue(term: QueryTerm): string {
  return term.kind === 'exact' || term.kind === 'fuzzy' ? term.value : '';
}

function termValues(term: QueryTerm): string[] {
  if (term.kind === 'exact') return [term.value];
  if (term.kind === 'anyOf' || term.kind === 'allOf') return term.values;
  return [];
}

function knownStatus(value: string): JobStatusName {
  const known = STATUSES.find((status) => status.toLowerCase() === value.toLowerCase());
  if (!known) throw HarborError.badRequest(`unknown status ${value}; one of ${STATUSES.join(', ')}`);
  return known;
}

function stringAttr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
