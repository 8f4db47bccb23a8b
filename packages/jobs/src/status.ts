/**
 * Harbor's statuses of executions and tasks (`src/jobservice/job/status.go`, as its API shows them).
 * Harbor also knows `Scheduled`; Berth never parks a task in it (delays are the queue's business).
 */
export const JOB_STATUSES = ['Pending', 'Running', 'Stopped', 'Error', 'Success'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A status that never changes again. */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['Stopped', 'Error', 'Success']);

export function isFinalStatus(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/** What started an execution, as Harbor spells it. */
export const TRIGGERS = ['MANUAL', 'SCHEDULE', 'EVENT'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** How many of an execution's tasks are in each status (Harbor's `Metrics`). */
export type TaskStatusCounts = Readonly<Record<JobStatus, number>>;

export function emptyStatusCounts(): Record<JobStatus, number> {
  return { Pending: 0, Running: 0, Stopped: 0, Error: 0, Success: 0 };
}

/**
 * An execution's status from its tasks' (Harbor's `refreshStatus`): unfinished work wins, then
 * Error, then Stopped, then Success. One change from Harbor: while no task has started, the
 * execution is `Pending`, not `Running`, so a paused or backed-up queue shows as waiting. Null when
 * the execution has no task (its own status stands).
 */
export function executionStatusOf(counts: TaskStatusCounts, started: boolean): JobStatus | null {
  const total = counts.Pending + counts.Running + counts.Stopped + counts.Error + counts.Success;
  if (total === 0) return null;
  if (counts.Running > 0) return 'Running';
  if (counts.Pending > 0) return started || counts.Pending < total ? 'Running' : 'Pending';
  if (counts.Error > 0) return 'Error';
  if (counts.Stopped > 0) return 'Stopped';
  return 'Success';
}

/** Whole percent of `done` out of `total`, 0 to 100; null when the total is unknown. */
export function percentOf(done: number, total: number | null): number | null {
  if (total === null || total < 0) return null;
  if (total === 0) return 100;
  return Math.max(0, Math.min(100, Math.floor((done * 100) / total)));
}
