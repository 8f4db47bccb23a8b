import { totalCount, unwrap, type BerthClient, type Schema } from '@berth/api-client';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

/*
 * Garbage collection (`/system/gc`) and the audit-log purge (`/system/purgeaudit`): the same
 * Harbor operations on two job kinds (GCHistory and ExecHistory have the same fields), plus
 * Berth's `progress` of a run.
 */

/** Harbor's GCHistory and ExecHistory, with Berth's progress of a run. */
export type ExecHistory = Schema<'GCHistory'>;
export type GCHistory = Schema<'GCHistory'>;
/** Harbor's Schedule (the body of POST/PUT `…/schedule`). */
export type ScheduleBody = Schema<'Schedule'>;
/** Harbor's ScheduleObj. */
export type ScheduleObj = NonNullable<ScheduleBody['schedule']>;

export type CleanupKind = 'gc' | 'purgeaudit';

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
) =>
  queryOptions({
    queryKey: cleanupKeys.history(kind, page, pageSize),
    queryFn: async () => {
      const query = { page, page_size: pageSize, sort: '-creation_time' };
      const result =
        kind === 'gc'
          ? await client.api.GET('/system/gc', { params: { query } })
          : await client.api.GET('/system/purgeaudit', { params: { query } });
      return { items: unwrap<ExecHistory[]>(result), total: totalCount(result.response) };
    },
    placeholderData: keepPreviousData,
    refetchInterval: (query) => refetchInterval(query.state.data?.items),
  });

/** One run's log as text; refreshed while `live`. */
export const logQuery = (client: BerthClient, kind: CleanupKind, id: number, live: boolean) =>
  queryOptions({
    queryKey: cleanupKeys.log(kind, id),
    queryFn: async () => {
      const result =
        kind === 'gc'
          ? await client.api.GET('/system/gc/{gc_id}/log', {
              params: { path: { gc_id: id } },
              parseAs: 'text',
            })
          : await client.api.GET('/system/purgeaudit/{purge_id}/log', {
              params: { path: { purge_id: id } },
              parseAs: 'text',
            });
      return String(unwrap(result) ?? '');
    },
    refetchInterval: live ? 2_000 : false,
  });

/** The schedule; Harbor answers an empty object (no `schedule`) when there is none. */
export const scheduleQuery = (client: BerthClient, kind: CleanupKind) =>
  queryOptions({
    queryKey: cleanupKeys.schedule(kind),
    queryFn: async (): Promise<ExecHistory> =>
      unwrap(
        kind === 'gc'
          ? await client.api.GET('/system/gc/schedule')
          : await client.api.GET('/system/purgeaudit/schedule'),
      ) ?? {},
  });

/**
 * Runs now (Harbor's `Manual` schedule). Answers the new run's id from the `Location` header
 * (`/api/v2.0/system/gc/12`), or null when the core sent none.
 */
export async function runNow(
  client: BerthClient,
  kind: CleanupKind,
  parameters: Record<string, unknown>,
): Promise<number | null> {
  const body: ScheduleBody = { schedule: { type: 'Manual' }, parameters };
  const result =
    kind === 'gc'
      ? await client.api.POST('/system/gc/schedule', { body })
      : await client.api.POST('/system/purgeaudit/schedule', { body });
  unwrap(result);
  const id = /\/(\d+)\/?$/.exec(result.response.headers.get('Location') ?? '')?.[1];
  return id ? Number(id) : null;
}

/** Saves the schedule: created with POST when there was none, else replaced with PUT (as Harbor's console does). */
export async function saveSchedule(
  client: BerthClient,
  kind: CleanupKind,
  body: ScheduleBody,
  exists: boolean,
): Promise<void> {
  const api = client.api;
  if (kind === 'gc')
    unwrap(
      exists
        ? await api.PUT('/system/gc/schedule', { body })
        : await api.POST('/system/gc/schedule', { body }),
    );
  else
    unwrap(
      exists
        ? await api.PUT('/system/purgeaudit/schedule', { body })
        : await api.POST('/system/purgeaudit/schedule', { body }),
    );
}

/** Stops a run (`PUT /system/gc/{gc_id}`). */
export async function stopRun(client: BerthClient, kind: CleanupKind, id: number): Promise<void> {
  unwrap(
    kind === 'gc'
      ? await client.api.PUT('/system/gc/{gc_id}', { params: { path: { gc_id: id } } })
      : await client.api.PUT('/system/purgeaudit/{purge_id}', { params: { path: { purge_id: id } } }),
  );
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
