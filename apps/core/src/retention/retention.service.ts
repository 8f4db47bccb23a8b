import { Inject, Injectable } from '@nestjs/common';
import {
  Database,
  ProjectRepository,
  RetentionRepository,
  ScheduleRepository,
  UniqueViolationError,
  type RetentionPolicy,
  type RetentionPolicyWrite,
  type RetentionRule,
  type Tx,
} from '@berth/db';
import {
  ConflictingRulesError,
  ExecutionFinishedError,
  ExecutionNotFoundError,
  InvalidRuleError,
  JobService,
  RETENTION_ACTOR,
  RetentionLauncher,
  RULE_TEMPLATES,
  validateRetentionRules,
  type ExecutionView,
  type Progress,
  type TaskView,
} from '@berth/domain';
import { InvalidScheduleError, nextFireTime, retentionJob, validateHarborCron } from '@berth/jobs';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { AccessControlService, type ProjectRef } from '../rbac/access-control.service.js';
import { ProjectLookupService } from '../rbac/project-lookup.service.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import { pageRequest, toPage, type Page } from '../system/harbor-listing.js';
import type {
  RetentionExecutionDto,
  RetentionExecutionTaskDto,
  RetentionMetadataDto,
  RetentionPolicyDto,
  TOperateRetentionRequest,
  TRetentionListQuery,
  TRetentionPolicyRequest,
  TRetentionRuleRequest,
  TTriggerRetentionRequest,
} from './retention.dto.js';
import { selectorDto, toScopeSelectors, toSelector } from './selector.dto.js';

/** Harbor's "never", for an end time not reached yet. */
const NEVER = '0001-01-01T00:00:00.000Z';
const SCHEDULE_KIND = 'Schedule';
const PROJECT_LEVEL = 'project';
const ALGORITHM = 'or';
/** The project metadata key naming its policy, as Harbor's console reads it. */
const RETENTION_ID_KEY = 'retention_id';

/**
 * Tag retention policies (Harbor's `/retentions`): one per project, named by the project metadata
 * `retention_id`; a cron schedule of its own; runs as executions of the `retention` job kind, one
 * task per repository its rules choose (built now for a manual run, at firing time for a scheduled
 * one). The routes are open to signed-in callers and each call checks the `tag-retention`
 * permission in the policy's project, as Harbor's handler does.
 */
@Injectable()
export class RetentionService {
  private readonly launcher: RetentionLauncher;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(RetentionRepository) private readonly retention: RetentionRepository,
    @Inject(ProjectRepository) private readonly projects: ProjectRepository,
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(JobService) private readonly jobs: JobService,
    @Inject(AccessControlService) private readonly access: AccessControlService,
    @Inject(ProjectLookupService) private readonly lookup: ProjectLookupService,
  ) {
    this.launcher = new RetentionLauncher(retention);
  }

  metadata(): RetentionMetadataDto {
    return {
      templates: RULE_TEMPLATES.map((template) => ({
        rule_template: template.id,
        display_text: template.displayText,
        action: 'retain',
        params: template.param ? [{ type: 'int', unit: template.param.unit, required: true }] : [],
      })),
      scope_selectors: [
        { display_text: 'Repositories', kind: 'doublestar', decorations: ['repoMatches', 'repoExcludes'] },
      ],
      tag_selectors: [{ display_text: 'Tags', kind: 'doublestar', decorations: ['matches', 'excludes'] }],
    };
  }

  async create(principal: Principal, request: TRetentionPolicyRequest): Promise<bigint> {
    const write = toWrite(request);
    if (request.scope.level !== PROJECT_LEVEL) {
      throw HarborError.badRequest(
        `scope ${request.scope.level.slice(0, 32)} is not supported: use "project"`,
      );
    }
    const project = request.scope.ref > 0 ? await this.lookup.find(String(request.scope.ref), false) : null;
    if (!project) throw HarborError.badRequest(`invalid Project id ${request.scope.ref}`);
    await this.require(principal, project, Action.Create);
    const cron = cronOf(request);
    const policy = await this.database.transaction(async (tx) => {
      const metadata = await this.projects.lockMetadata(tx, project.id);
      if (metadata === null) throw HarborError.badRequest(`invalid Project id ${request.scope.ref}`);
      const existing = await this.retention.findByProject(project.id, tx);
      if (existing) {
        throw HarborError.badRequest(`project ${project.id} already has retention policy ${existing.id}`);
      }
      const created = await this.retention.create(tx, project.id, write).catch((error: unknown) => {
        // The project's row lock serializes creations; the unique index is the last word all the same.
        if (error instanceof UniqueViolationError) {
          throw HarborError.badRequest(`project ${project.id} already has a retention policy`);
        }
        throw error;
      });
      await this.projects.update(tx, project.id, {
        metadata: { ...metadata, [RETENTION_ID_KEY]: String(created.id) },
      });
      await this.schedule(tx, created.id, cron);
      return created;
    });
    return policy.id;
  }

  async get(principal: Principal, id: bigint): Promise<RetentionPolicyDto> {
    const { policy } = await this.policy(principal, id, Action.Read);
    const schedule = await this.schedules.find(retentionJob.vendorType, policy.id);
    return toPolicyDto(policy, schedule?.nextFireAt ?? null);
  }

  async update(principal: Principal, id: bigint, request: TRetentionPolicyRequest): Promise<void> {
    const { policy } = await this.policy(principal, id, Action.Update);
    // Harbor checks the body names the policy's own project (else: the policy "does not match").
    if (request.scope.level !== PROJECT_LEVEL || BigInt(request.scope.ref) !== policy.projectId) {
      throw HarborError.notFound(`the retention policy id ${id} does not match the scope of the request`);
    }
    const write = toWrite(request);
    const cron = cronOf(request);
    await this.database.transaction(async (tx) => {
      if (!(await this.retention.lock(tx, id))) throw notFound(id);
      await this.retention.update(tx, id, write);
      await this.schedule(tx, id, cron);
    });
  }

  async delete(principal: Principal, id: bigint): Promise<void> {
    const { policy } = await this.policy(principal, id, Action.Delete);
    // Its unfinished runs stop first: their tasks carry the rules, but a deleted policy runs no more.
    for (const execution of (await this.unfinished(id)).items) await this.stopQuietly(execution.id);
    await this.database.transaction(async (tx) => {
      if (!(await this.retention.delete(tx, id))) throw notFound(id);
      const metadata = await this.projects.lockMetadata(tx, policy.projectId);
      if (metadata && metadata[RETENTION_ID_KEY] === String(id)) {
        const rest = { ...metadata };
        delete rest[RETENTION_ID_KEY];
        await this.projects.update(tx, policy.projectId, { metadata: rest });
      }
    });
  }

  async trigger(principal: Principal, id: bigint, request: TTriggerRetentionRequest): Promise<bigint> {
    const { policy } = await this.policy(principal, id, Action.Update);
    const dryRun = request.dry_run ?? false;
    const { execution } = await this.jobs.trigger(retentionJob, {
      trigger: 'MANUAL',
      vendorId: policy.id,
      extraAttrs: { dry_run: dryRun, operator: principalName(principal) },
      tasks: await this.launcher.tasksFor(policy, dryRun),
    });
    return execution.id;
  }

  async listExecutions(
    principal: Principal,
    id: bigint,
    query: TRetentionListQuery,
  ): Promise<Page<RetentionExecutionDto>> {
    await this.policy(principal, id, Action.List);
    const page = pageRequest(query);
    const listing = await this.jobs.listExecutions(
      { vendorType: retentionJob.vendorType, vendorId: id },
      { offset: page.offset, limit: page.pageSize },
    );
    return toPage(listing.items.map(toExecutionDto), listing.total, page);
  }

  async operate(
    principal: Principal,
    id: bigint,
    executionId: bigint,
    request: TOperateRetentionRequest,
  ): Promise<void> {
    if (request.action !== 'stop') throw HarborError.badRequest("action should be 'stop'");
    await this.policy(principal, id, Action.Update);
    await this.execution(id, executionId);
    try {
      await this.jobs.stop(executionId);
    } catch (error) {
      if (error instanceof ExecutionFinishedError) throw HarborError.conflict(error.message);
      if (error instanceof ExecutionNotFoundError) throw HarborError.notFound(error.message);
      throw error;
    }
  }

  async listTasks(
    principal: Principal,
    id: bigint,
    executionId: bigint,
    query: TRetentionListQuery,
  ): Promise<Page<RetentionExecutionTaskDto>> {
    await this.policy(principal, id, Action.List);
    await this.execution(id, executionId);
    const page = pageRequest(query);
    const listing = await this.jobs.listTasks(executionId, { offset: page.offset, limit: page.pageSize });
    return toPage(listing.items.map(toTaskDto), listing.total, page);
  }

  async taskLog(principal: Principal, id: bigint, executionId: bigint, taskId: bigint): Promise<string> {
    await this.policy(principal, id, Action.Read);
    await this.execution(id, executionId);
    const task = await this.jobs.getTask(taskId);
    if (!task || task.executionId !== executionId) {
      throw HarborError.notFound(`task ${taskId} not found in retention execution ${executionId}`);
    }
    return (await this.jobs.taskLog(taskId)) ?? '';
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The policy, once the principal may `action` it in its project; 404 when there is none. */
  private async policy(
    principal: Principal,
    id: bigint,
    action: Action,
  ): Promise<{ policy: RetentionPolicy; project: ProjectRef }> {
    const policy = await this.retention.findById(id);
    if (!policy) throw notFound(id);
    const project = await this.lookup.find(String(policy.projectId), false);
    if (!project) throw notFound(id);
    await this.require(principal, project, action);
    return { policy, project };
  }

  private async require(principal: Principal, project: ProjectRef, action: Action): Promise<void> {
    if (await this.access.can(principal, project, ProjectResource.TagRetention, action)) return;
    if (principal.kind === 'anonymous') throw HarborError.unauthorized();
    throw HarborError.forbidden(`no ${action} permission on the tag retention of project ${project.name}`);
  }

  /** The execution, when it is a run of this policy; 404 otherwise. */
  private async execution(policyId: bigint, executionId: bigint): Promise<ExecutionView> {
    const execution = await this.jobs.getExecution(executionId);
    if (!execution || execution.vendorType !== retentionJob.vendorType || execution.vendorId !== policyId) {
      throw HarborError.notFound(`retention execution ${executionId} not found for policy ${policyId}`);
    }
    return execution;
  }

  private unfinished(policyId: bigint) {
    return this.jobs.listExecutions(
      { vendorType: retentionJob.vendorType, vendorId: policyId, statuses: ['Pending', 'Running'] },
      { offset: 0, limit: 1000 },
    );
  }

  private async stopQuietly(executionId: bigint): Promise<void> {
    try {
      await this.jobs.stop(executionId);
    } catch (error) {
      if (!(error instanceof ExecutionFinishedError) && !(error instanceof ExecutionNotFoundError))
        throw error;
    }
  }

  /** Sets the policy's schedule in `tx`, or removes it when the cron is empty (manual runs only). */
  private async schedule(tx: Tx, policyId: bigint, cron: string | null): Promise<void> {
    if (cron === null) {
      await this.schedules.delete(retentionJob.vendorType, policyId, tx);
      return;
    }
    await this.schedules.put(
      {
        vendorType: retentionJob.vendorType,
        vendorId: policyId,
        jobKind: retentionJob.name,
        cronType: 'Custom',
        cron,
        payload: {},
        extraAttrs: { dry_run: false, operator: RETENTION_ACTOR },
        nextFireAt: nextFireTime(cron, new Date()),
      },
      tx,
    );
  }
}

function notFound(id: bigint): HarborError {
  return HarborError.notFound(`retention policy ${id} not found`);
}

/** The policy's rules and trigger, checked (400 for what is malformed, 409 for two rules alike). */
function toWrite(request: TRetentionPolicyRequest): RetentionPolicyWrite {
  const algorithm = request.algorithm || ALGORITHM;
  if (algorithm !== ALGORITHM) {
    throw HarborError.badRequest(`algorithm must be "${ALGORITHM}", not "${algorithm.slice(0, 16)}"`);
  }
  if (request.trigger.kind !== SCHEDULE_KIND) {
    throw HarborError.badRequest(
      `trigger.kind must be "${SCHEDULE_KIND}", not "${request.trigger.kind.slice(0, 32)}"`,
    );
  }
  let rules: RetentionRule[];
  try {
    rules = validateRetentionRules(request.rules.map(toRule));
  } catch (error) {
    if (error instanceof InvalidRuleError) throw HarborError.badRequest(error.message);
    if (error instanceof ConflictingRulesError) throw HarborError.conflict(error.message);
    throw error;
  }
  const cron = request.trigger.settings?.cron?.trim() ?? '';
  return { algorithm, rules, trigger: { kind: SCHEDULE_KIND, settings: { cron } } };
}

/** The trigger's cron as Harbor checks it (six fields, seconds 0); null for manual runs only. */
function cronOf(request: TRetentionPolicyRequest): string | null {
  const cron = request.trigger.settings?.cron?.trim() ?? '';
  if (cron === '') return null;
  try {
    return validateHarborCron(cron);
  } catch (error) {
    if (error instanceof InvalidScheduleError) {
      throw HarborError.badRequest(
        `invalid cron string for scheduled tag retention: ${cron.slice(0, 64)}, error: ${error.message}`,
      );
    }
    throw error;
  }
}

function toRule(rule: TRetentionRuleRequest): RetentionRule {
  return {
    id: rule.id ?? 0,
    priority: rule.priority ?? 0,
    disabled: rule.disabled ?? false,
    action: rule.action,
    template: rule.template,
    params: rule.params ?? {},
    tagSelectors: rule.tag_selectors.map(toSelector),
    scopeSelectors: toScopeSelectors(rule.scope_selectors),
    perTag: rule.per_tag ?? false,
  };
}

function toPolicyDto(policy: RetentionPolicy, nextFireAt: Date | null): RetentionPolicyDto {
  return {
    id: Number(policy.id),
    algorithm: policy.algorithm,
    rules: policy.rules.map((rule) => ({
      id: rule.id,
      priority: rule.priority,
      disabled: rule.disabled,
      action: rule.action,
      template: rule.template,
      params: rule.params,
      tag_selectors: rule.tagSelectors.map(selectorDto),
      scope_selectors: Object.fromEntries(
        Object.entries(rule.scopeSelectors).map(([scope, list]) => [scope, list.map(selectorDto)]),
      ),
      per_tag: rule.perTag,
    })),
    trigger: {
      kind: policy.trigger.kind,
      settings: {
        cron: typeof policy.trigger.settings.cron === 'string' ? policy.trigger.settings.cron : '',
        ...(nextFireAt ? { next_scheduled_time: nextFireAt.toISOString() } : {}),
      },
      references: {},
    },
    scope: { level: PROJECT_LEVEL, ref: Number(policy.projectId) },
  };
}

function toExecutionDto(execution: ExecutionView): RetentionExecutionDto {
  return {
    id: Number(execution.id),
    policy_id: Number(execution.vendorId),
    start_time: execution.startTime.toISOString(),
    end_time: execution.endTime?.toISOString() ?? NEVER,
    status: execution.status,
    trigger: execution.trigger,
    dry_run: execution.extraAttrs.dry_run === true,
    operator: typeof execution.extraAttrs.operator === 'string' ? execution.extraAttrs.operator : '',
    status_message: execution.statusMessage,
    progress: progressDto(execution.progress),
  };
}

/** Harbor's status codes: 0 pending, 2 running, 3 for every final status. */
const STATUS_CODES: Record<string, number> = { Pending: 0, Running: 2, Stopped: 3, Error: 3, Success: 3 };

function toTaskDto(task: TaskView): RetentionExecutionTaskDto {
  const count = (key: string) =>
    typeof task.extraAttrs[key] === 'number' ? (task.extraAttrs[key] as number) : 0;
  return {
    id: Number(task.id),
    execution_id: Number(task.executionId),
    repository: typeof task.extraAttrs.repository === 'string' ? task.extraAttrs.repository : '',
    job_id: task.jobId,
    status: task.status,
    status_code: STATUS_CODES[task.status] ?? -1,
    status_revision: task.runCount,
    start_time: task.startTime?.toISOString() ?? NEVER,
    end_time: task.endTime?.toISOString() ?? NEVER,
    total: count('total'),
    retained: count('retained'),
    deleted: count('deleted'),
    untagged: count('untagged'),
    progress: progressDto(task.progress),
  };
}

function progressDto(progress: Progress) {
  return {
    done: Number(progress.done),
    total: progress.total === null ? null : Number(progress.total),
    percent: progress.percent,
  };
}
