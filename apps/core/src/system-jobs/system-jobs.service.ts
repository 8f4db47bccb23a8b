import { Inject, Injectable } from '@nestjs/common';
import type { Schedule } from '@berth/db';
import {
  ExecutionFinishedError,
  ExecutionNotFoundError,
  InvalidJobRequestError,
  JobScheduleService,
  JobService,
  type ExecutionView,
} from '@berth/domain';
import {
  InvalidScheduleError,
  JOB_STATUSES,
  gcJob,
  parseSchedule,
  purgeAuditJob,
  type JobStatus,
  type ScheduleRequest,
  type TGcPayload,
  type TPurgeAuditPayload,
} from '@berth/jobs';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { pageRequest, parseHarborQuery, parseSort, toPage, type Page } from '../system/harbor-listing.js';
import type { GCHistoryDto, THistoryQuery, TScheduleRequest } from './system-jobs.dto.js';

/**
 * One system job as `/system/gc` and `/system/purgeaudit` show it: its kind, how Harbor's
 * `parameters` become a payload and back.
 */
export interface SystemJobSpec<P> {
  kind: typeof gcJob | typeof purgeAuditJob;
  /** What the answers call it (`job_name`). */
  name: string;
  /** Harbor's `parameters` to the kind's payload; throws HarborError 400 on a bad value. */
  payloadOf(parameters: Record<string, unknown>): P;
  /** The payload as Harbor's `parameters`. */
  parametersOf(payload: P): Record<string, unknown>;
}

export const GC_SPEC: SystemJobSpec<TGcPayload> = {
  kind: gcJob,
  name: 'GARBAGE_COLLECTION',
  payloadOf(parameters) {
    known(parameters, ['delete_untagged', 'dry_run', 'workers']);
    const workers = parameters.workers ?? 1;
    if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > 5) {
      throw HarborError.badRequest('workers must be an integer from 1 to 5');
    }
    return {
      deleteUntagged: flag(parameters, 'delete_untagged'),
      dryRun: flag(parameters, 'dry_run'),
      workers,
    };
  },
  parametersOf(payload) {
    return { delete_untagged: payload.deleteUntagged, dry_run: payload.dryRun, workers: payload.workers };
  },
};

/** Harbor's default: entries older than 30 days go when no retention is given. */
const DEFAULT_AUDIT_RETENTION_HOURS = 24 * 30;

export const PURGE_AUDIT_SPEC: SystemJobSpec<TPurgeAuditPayload> = {
  kind: purgeAuditJob,
  name: 'PURGE_AUDIT_LOG',
  payloadOf(parameters) {
    known(parameters, ['audit_retention_hour', 'include_operations', 'dry_run']);
    const hours = parameters.audit_retention_hour ?? DEFAULT_AUDIT_RETENTION_HOURS;
    if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 1 || hours > 24 * 365 * 100) {
      throw HarborError.badRequest('audit_retention_hour must be a whole number of hours from 1 to 876000');
    }
    const operations = parameters.include_operations ?? '';
    if (typeof operations !== 'string' || operations.length > 1024) {
      throw HarborError.badRequest('include_operations must be a comma-separated list of operations');
    }
    const list = operations
      .split(',')
      .map((operation) => operation.trim())
      .filter((operation) => operation !== '');
    if (list.length > 32 || list.some((operation) => !/^[a-z_]{1,64}$/.test(operation))) {
      throw HarborError.badRequest('include_operations must list operations such as create,delete,pull');
    }
    return { retentionHours: hours, includeOperations: list, dryRun: flag(parameters, 'dry_run') };
  },
  parametersOf(payload) {
    return {
      audit_retention_hour: payload.retentionHours,
      include_operations: payload.includeOperations.join(','),
      dry_run: payload.dryRun,
    };
  },
};

/** Executions, logs, stops and the schedule of GC and audit purges, as Harbor's `/system/*` shows them. */
@Injectable()
export class SystemJobsService {
  constructor(
    @Inject(JobService) private readonly jobs: JobService,
    @Inject(JobScheduleService) private readonly schedules: JobScheduleService,
  ) {}

  async list<P>(spec: SystemJobSpec<P>, query: THistoryQuery): Promise<Page<GCHistoryDto>> {
    const page = pageRequest(query);
    const terms = parseHarborQuery(query.q, { job_status: ['exact', 'anyOf'] });
    const sort = parseSort(query.sort, { creation_time: 'id', id: 'id' });
    const status = terms.get('job_status');
    const statuses =
      status?.kind === 'exact' ? [status.value] : status?.kind === 'anyOf' ? status.values : undefined;
    if (statuses?.some((value) => !(JOB_STATUSES as readonly string[]).includes(value))) {
      throw HarborError.badRequest(`job_status must be one of ${JOB_STATUSES.join(', ')}`);
    }
    const listing = await this.jobs.listExecutions(
      {
        vendorType: spec.kind.vendorType,
        ...(statuses ? { statuses: statuses as JobStatus[] } : {}),
        ascending: sort[0] ? !sort[0].descending : false,
      },
      { offset: page.offset, limit: page.pageSize },
    );
    return toPage(
      listing.items.map((execution) => historyOf(spec, execution)),
      listing.total,
      page,
    );
  }

  async get<P>(spec: SystemJobSpec<P>, id: bigint): Promise<GCHistoryDto> {
    return historyOf(spec, await this.execution(spec, id));
  }

  /** The run's log as text (it grows while the run goes on). */
  async log<P>(spec: SystemJobSpec<P>, id: bigint): Promise<string> {
    await this.execution(spec, id);
    const [task] = (await this.jobs.listTasks(id, { offset: 0, limit: 1 })).items;
    if (!task) return '';
    return (await this.jobs.taskLog(task.id)) ?? '';
  }

  async stop<P>(spec: SystemJobSpec<P>, id: bigint): Promise<void> {
    await this.execution(spec, id);
    try {
      await this.jobs.stop(id);
    } catch (error) {
      if (error instanceof ExecutionFinishedError)
        throw HarborError.conflict(`the execution ${id} has ended`);
      if (error instanceof ExecutionNotFoundError) throw HarborError.notFound(`execution ${id} not found`);
      throw error;
    }
  }

  /** Harbor's answer to `GET …/schedule`: `{}` when there is none. */
  async schedule<P>(spec: SystemJobSpec<P>): Promise<GCHistoryDto> {
    const schedule = await this.schedules.get(spec.kind);
    return schedule ? scheduleDto(spec, schedule) : {};
  }

  /**
   * `POST|PUT …/schedule`: `Manual` runs now (resolves the execution's id; 409 while another run is
   * unfinished), `None` removes the schedule, the other types set it.
   */
  async setSchedule<P>(
    spec: SystemJobSpec<P>,
    body: TScheduleRequest,
    principal: Principal,
  ): Promise<bigint | null> {
    let request: ScheduleRequest;
    try {
      request = parseSchedule(body.schedule ?? {});
    } catch (error) {
      if (error instanceof InvalidScheduleError) throw HarborError.badRequest(error.message);
      throw error;
    }
    const payload = spec.payloadOf(body.parameters ?? {});
    try {
      if (request.type === 'Manual') {
        const running = await this.jobs.listExecutions(
          { vendorType: spec.kind.vendorType, statuses: ['Pending', 'Running'] },
          { offset: 0, limit: 1 },
        );
        if (running.total > 0) {
          throw HarborError.conflict(`a ${spec.kind.name} run is already in progress`);
        }
        const { execution } = await this.jobs.trigger(spec.kind, {
          trigger: 'MANUAL',
          extraAttrs: { ...spec.parametersOf(payload), operator: principalName(principal) },
          tasks: [{ payload: payload as never }],
        });
        return execution.id;
      }
      await this.schedules.set(spec.kind, {
        schedule: request,
        payload: payload as never,
        extraAttrs: spec.parametersOf(payload),
      });
      return null;
    } catch (error) {
      if (error instanceof InvalidScheduleError || error instanceof InvalidJobRequestError) {
        throw HarborError.badRequest(error.message);
      }
      throw error;
    }
  }

  private async execution<P>(spec: SystemJobSpec<P>, id: bigint): Promise<ExecutionView> {
    const execution = await this.jobs.getExecution(id);
    if (!execution || execution.vendorType !== spec.kind.vendorType) {
      throw HarborError.notFound(`${spec.kind.name} execution ${id} not found`);
    }
    return execution;
  }
}

/** Harbor's GCHistory / ExecHistory of an execution: `job_parameters` holds its parameters and results. */
function historyOf<P>(spec: SystemJobSpec<P>, execution: ExecutionView): GCHistoryDto {
  const scheduled = execution.trigger === 'SCHEDULE';
  return {
    id: Number(execution.id),
    job_name: spec.name,
    job_kind: scheduled ? 'SCHEDULE' : 'MANUAL',
    job_parameters: JSON.stringify(withoutOperator(execution.extraAttrs)),
    schedule: { type: scheduled ? 'Custom' : 'Manual' },
    job_status: execution.status,
    deleted: false,
    creation_time: execution.startTime.toISOString(),
    update_time: (execution.endTime ?? execution.updateTime).toISOString(),
    progress: {
      done: Number(execution.progress.done),
      total: execution.progress.total === null ? null : Number(execution.progress.total),
      percent: execution.progress.percent,
    },
  };
}

function scheduleDto<P>(spec: SystemJobSpec<P>, schedule: Schedule): GCHistoryDto {
  const payload = spec.kind.payload.safeParse(schedule.payload);
  return {
    id: Number(schedule.id),
    job_name: spec.name,
    job_kind: schedule.cronType,
    job_parameters: JSON.stringify(payload.success ? spec.parametersOf(payload.data as P) : {}),
    schedule: {
      type: schedule.cronType,
      cron: schedule.cron,
      next_scheduled_time: schedule.nextFireAt.toISOString(),
    },
    deleted: false,
    creation_time: schedule.creationTime.toISOString(),
    update_time: schedule.updateTime.toISOString(),
  };
}

function withoutOperator(attrs: Record<string, unknown>): Record<string, unknown> {
  const { operator: _operator, ...rest } = attrs;
  return rest;
}

function known(parameters: Record<string, unknown>, names: string[]): void {
  const unknown = Object.keys(parameters).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw HarborError.badRequest(`unknown parameters ${unknown.join(', ')}; expected ${names.join(', ')}`);
  }
}

function flag(parameters: Record<string, unknown>, name: string): boolean {
  const value = parameters[name] ?? false;
  if (typeof value !== 'boolean') throw HarborError.badRequest(`${name} must be true or false`);
  return value;
}
