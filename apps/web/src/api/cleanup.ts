import { totalCount, unwrap, type BerthClient } from '@berth/api-client';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

/*
 * Garbage collection (`/system/gc`) and the audit-log purge (`/system/purgeaudit`): the same
 * Harbor operations on two job kinds. Their routes are being built on another branch, so the
 * shapes below are written by hand from Harbor's swagger (GCHistory, ExecHistory, Schedule,
 * ScheduleObj) and the calls go through an untyped view of the client. This module is the only
 * place to change when the generated types arrive.
 */

export type ScheduleType = 'Hourly' | 'Daily' | 'Weekly' | 'Custom' | 'Manual' | 'None' | 'Schedule';

/** Harbor's ScheduleObj. */
export interface ScheduleObj {
  type?: ScheduleType;
  cron?: string;
  next_scheduled_time?: string;
}

/** Harbor's GCHistory and ExecHistory (the same fields), plus Berth's progress of a run. */
export interface ExecHistory {
  id?: number;
  job_name?: string;
  /** The trigger: `Manual`, `Schedule`… */
  job_kind?: string;
  /** JSON of the run's parameters and, once it ran, its results. */
  job_parameters?: string;
  schedule?: ScheduleObj | null;
  job_status?: string;
  deleted?: boolean;
  creation_time?: string;
  update_time?: string;
  /** Berth's: units done of all; percent whole, null while the total is unknown. */
  progress?: { done?: number; total?: number | null; percent?: number | null } | null;
}
export type GCHistory = ExecHistory;

/** Harbor's Schedule (the body of POST/PUT `…/schedule`). */
export interface ScheduleBody {
  schedule: ScheduleObj;
  parameters?: Record<string, unknown>;
}

export type CleanupKind = 'gc' | 'purgeaudit';

type Result = { data?: unknown; error?: unknown; response: Response };
interface Init {
  params?: { path?: Record<string, string | number>; query?: Record<string, string | number> };
  body?: unknown;
  parseAs?: 'json' | 'text';
}
/** The client's calls without the path types (the routes are not in the generated document yet). */
interface UntypedApi {
  GET(path: string, init?: Init): Promise<Result>;
  POST(path: string, init?: Init): Promise<Result>;
  PUT(path: string, init?: Init): Promise<Result>;
}
/** The client's calls, untyped: `loose(client).GET(…)`. */
const loose = (client: BerthClient) => client.api as unknown as UntypedApi;
const base = (kind: CleanupKind) => `/system/${kind}` as const;

/** Query keys of the clean-up pages. */
export const cleanupKeys = {
  all: (kind: CleanupKind) => ['cleanup', kind] as const,
  history: (kind: CleanupKind, page: number, pageSize: number) =>
    [...cleanupKeys.all(kind), 'history', page, pageSize] as const,
  execution: (kind: CleanupKind, id: number) => [...cleanupKeys.all(kind), 'execution', id] as const,
  log: (kind: CleanupKind, id: number) => [...cleanupKeys.all(kind), 'log', id] as const,
  schedule: (kind: CleanupKind) => [...cleanupKeys.all(kind), 'schedule'] as const,
};

/** Statuses of a run that has not ended (Harbor's). */
export const UNFINISHED = new Set(['Pending', 'Running', 'Scheduled']);
export const isUnfinished = (execution: ExecHistory) => UNFINISHED.has(execution.job_status ?? '');

export const historyQuery = (
  client: BerthClient,
  kind: CleanupKind,
  page: number,
  pageSize: number,
  /** Refresh while a run is unfinished. */
  refetchInterval: (items: ExecHistory[] | undefined) => number | false,
) => {
  const api = loose(client);
  return queryOptions({
    queryKey: cleanupKeys.history(kind, page, pageSize),
    queryFn: async () => {
      const result = await api.GET(base(kind), {
        params: { query: { page, page_size: pageSize, sort: '-creation_time' } },
      });
      return { items: unwrap(result) as ExecHistory[], total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
    refetchInterval: (query) => refetchInterval(query.state.data?.items),
  });
};

/** One run's log as text; refreshed while `live`. */
export const logQuery = (client: BerthClient, kind: CleanupKind, id: number, live: boolean) => {
  const api = loose(client);
  return queryOptions({
    queryKey: cleanupKeys.log(kind, id),
    queryFn: async () =>
      String(
        unwrap(
          await api.GET(`${base(kind)}/{id}/log`, {
            params: { path: { id } },
            parseAs: 'text',
          }),
        ) ?? '',
      ),
    refetchInterval: live ? 2_000 : false,
  });
};

/** The schedule; Harbor answers an empty object (or no `schedule`) when there is none. */
export const scheduleQuery = (client: BerthClient, kind: CleanupKind) => {
  const api = loose(client);
  return queryOptions({
    queryKey: cleanupKeys.schedule(kind),
    queryFn: async () => (unwrap(await api.GET(`${base(kind)}/schedule`)) ?? {}) as ExecHistory,
  });
};

/**
 * Runs now (Harbor's `Manual` schedule). Answers the new run's id from the `Location` header
 * (`/api/v2.0/system/gc/12`), or null when the core sent none.
 */
export async function runNow(
  client: BerthClient,
  kind: CleanupKind,
  parameters: Record<string, unknown>,
): Promise<number | null> {
  const result = await loose(client).POST(`${base(kind)}/schedule`, {
    body: { schedule: { type: 'Manual' }, parameters } satisfies ScheduleBody,
  });
  unwrap(result);
  const id = /\/(\d+)\/?$/.exec(result.response.headers.get('Location') ?? '')?.[1];
  return id ? Number(id) : null;
}

/** Saves the schedule: created with POST when there was none, else replaced with PUT (Harbor's console does the same). */
export async function saveSchedule(
  client: BerthClient,
  kind: CleanupKind,
  body: ScheduleBody,
  exists: boolean,
): Promise<void> {
  const path = `${base(kind)}/schedule`;
  unwrap(await (exists ? loose(client).PUT(path, { body }) : loose(client).POST(path, { body })));
}

/** Stops a run (`PUT /system/gc/{id}`). */
export async function stopRun(client: BerthClient, kind: CleanupKind, id: number): Promise<void> {
  unwrap(await loose(client).PUT(`${base(kind)}/{id}`, { params: { path: { id } } }));
}

/** A run's `job_parameters` read as an object ({} when absent or unreadable). */
export function runParameters(execution: ExecHistory): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(execution.job_parameters ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const numberOf = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** What a GC run did (or, dry, would do): Harbor's result attributes in its `job_parameters`. */
export function gcResults(execution: ExecHistory) {
  const parameters = runParameters(execution);
  return {
    dryRun: parameters.dry_run === true,
    deleteUntagged: parameters.delete_untagged === true,
    workers: numberOf(parameters.workers),
    blobs: numberOf(parameters.purged_blobs),
    manifests: numberOf(parameters.purged_manifests),
    freedBytes: numberOf(parameters.freed_space),
  };
}

/** What an audit purge did: its parameters and Berth's count of entries purged (or that would be). */
export function purgeResults(execution: ExecHistory) {
  const parameters = runParameters(execution);
  const operations = parameters.include_operations;
  return {
    dryRun: parameters.dry_run === true,
    retentionHours: numberOf(parameters.audit_retention_hour),
    operations: typeof operations === 'string' ? operations : '',
    purged: numberOf(parameters.purged) ?? numberOf(parameters.would_purge),
  };
}

/** The run's progress in percent, null when it reports none (yet). */
export function progressPercent(execution: ExecHistory): number | null {
  const progress = execution.progress;
  if (!progress) return null;
  if (typeof progress.percent === 'number') return progress.percent;
  if (typeof progress.done === 'number' && typeof progress.total === 'number' && progress.total > 0)
    return Math.floor((progress.done / progress.total) * 100);
  return null;
}
