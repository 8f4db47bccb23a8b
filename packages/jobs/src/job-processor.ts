import type { JobKind, PayloadOf } from './job-kind.js';
import type { Trigger } from './status.js';

/** A task's log: lines appended as the task runs, readable (as text) while it grows. */
export interface TaskLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Writes what is buffered; the runner also flushes at the end of every run. */
  flush(): Promise<void>;
}

/** The execution a task belongs to, as its processor sees it. */
export interface ExecutionInfo {
  readonly id: bigint;
  readonly vendorType: string;
  readonly vendorId: bigint;
  readonly trigger: Trigger;
  readonly extraAttrs: Readonly<Record<string, unknown>>;
}

export interface TaskInfo {
  readonly id: bigint;
  readonly jobId: string;
  /** Runs so far, this one included. */
  readonly runCount: number;
  readonly extraAttrs: Readonly<Record<string, unknown>>;
}

/** What a processor gets for one run of one task. */
export interface JobContext<P> {
  readonly payload: P;
  readonly execution: ExecutionInfo;
  readonly task: TaskInfo;
  /** 1 for the first attempt (see `QueuedJob.attempt`). */
  readonly attempt: number;
  readonly maxAttempts: number;
  /**
   * Fires when the execution is stopped, the worker shuts down, or the job was lost to another
   * worker. A processor checks it between units of work (and passes it to I/O that accepts one)
   * and returns or throws soon after: a stop is reported once the processor has returned.
   */
  readonly signal: AbortSignal;
  readonly log: TaskLog;
  /** Records progress: `done` of `total` units (total null or absent when not known yet). */
  progress(done: number, total?: number | null): Promise<void>;
  /** Merges attributes into the execution's `extra_attrs` (freed bytes, counts…). */
  updateExecutionAttrs(attrs: Record<string, unknown>): Promise<void>;
  /** Merges attributes into the task's `extra_attrs`. */
  updateTaskAttrs(attrs: Record<string, unknown>): Promise<void>;
}

/** Runs tasks of one kind. Stateless apart from its injected dependencies. */
export interface JobProcessor<K extends JobKind = JobKind> {
  readonly kind: K;
  run(context: JobContext<PayloadOf<K>>): Promise<void>;
}

/** A processor for `kind`, typed by its payload. */
export function defineProcessor<K extends JobKind>(
  kind: K,
  run: (context: JobContext<PayloadOf<K>>) => Promise<void>,
): JobProcessor<K> {
  return { kind, run };
}

/**
 * A failure that retrying cannot fix (bad input, a missing policy): the task ends in `Error` at
 * once instead of using up its attempts.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/**
 * Checks that every kind has exactly one processor and every processor a declared kind, and returns
 * them by kind name. Throws listing every problem: a worker must not boot with a job it cannot run.
 */
export function assertProcessors(
  kinds: readonly JobKind[],
  processors: readonly JobProcessor[],
): ReadonlyMap<string, JobProcessor> {
  const declared = new Set(kinds.map((kind) => kind.name));
  const byKind = new Map<string, JobProcessor[]>();
  for (const processor of processors) {
    const list = byKind.get(processor.kind.name) ?? [];
    list.push(processor);
    byKind.set(processor.kind.name, list);
  }
  const problems: string[] = [];
  for (const kind of kinds) {
    const count = byKind.get(kind.name)?.length ?? 0;
    if (count === 0) problems.push(`job kind ${kind.name} has no processor`);
    if (count > 1) problems.push(`job kind ${kind.name} has ${count} processors`);
  }
  for (const name of byKind.keys()) {
    if (!declared.has(name))
      problems.push(`a processor is registered for job kind ${name}, which is not declared`);
  }
  if (problems.length > 0)
    throw new Error(`job processors do not match the job kinds: ${problems.join('; ')}`);
  return new Map([...byKind].map(([name, list]) => [name, list[0]!] as const));
}
