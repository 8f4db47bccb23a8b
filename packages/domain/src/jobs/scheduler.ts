import type { Database, Schedule, ScheduleRepository } from '@berth/db';
import { nextFireTime, type JobKind } from '@berth/jobs';
import type { JobService, PreparedExecution, TriggerTask } from './job.service.js';

/**
 * Builds the tasks of a scheduled run when they depend on the moment it fires (a retention run
 * lists the repositories then). Kinds without a launcher get one task with the schedule's payload.
 */
export type ScheduleLauncher = (
  schedule: Schedule,
  kind: JobKind,
) => Promise<readonly TriggerTask<unknown>[]>;

export interface SchedulerOptions {
  /** How often due schedules are looked for. Default 1 s. */
  tickMs?: number;
  launchers?: ReadonlyMap<string, ScheduleLauncher>;
  logger?: { warn(message: string): void; error(message: string): void };
}

export interface SchedulerDeps {
  database: Database;
  schedules: ScheduleRepository;
  service: JobService;
}

/** Schedules fired per tick at most; the rest wait for the next tick. */
const BATCH = 20;

/**
 * Fires due schedules, each firing once across any number of schedulers: a firing is claimed by
 * one UPDATE that moves the schedule to its next time only if it still holds the time being fired,
 * and the claim commits together with the execution it creates (dedupe key
 * `schedule:<id>:<fire time>`). Firings missed while no scheduler ran collapse into one.
 */
export class Scheduler {
  private readonly tickMs: number;
  private readonly launchers: ReadonlyMap<string, ScheduleLauncher>;
  private readonly logger: NonNullable<SchedulerOptions['logger']>;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly deps: SchedulerDeps,
    options: SchedulerOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 1000;
    this.launchers = options.launchers ?? new Map();
    this.logger = options.logger ?? {
      warn: (message) => console.warn(message),
      error: (message) => console.error(message),
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** Fires what is due now; returns the executions this scheduler created. */
  async tick(now = new Date()): Promise<PreparedExecution[]> {
    const fired: PreparedExecution[] = [];
    for (const schedule of await this.deps.schedules.due(now, BATCH)) {
      try {
        const prepared = await this.fire(schedule, now);
        if (prepared) fired.push(prepared);
      } catch (error) {
        this.logger.error(`schedule ${schedule.id} (${schedule.jobKind}): ${messageOf(error)}`);
      }
    }
    return fired;
  }

  private async fire(schedule: Schedule, now: Date): Promise<PreparedExecution | null> {
    const next = nextFireTime(schedule.cron, now);
    let kind: JobKind;
    try {
      kind = this.deps.service.kind(schedule.jobKind);
    } catch (error) {
      await this.skip(schedule, next, messageOf(error));
      return null;
    }
    const fireAt = schedule.nextFireAt;
    let prepared: PreparedExecution | null;
    try {
      prepared = await this.deps.database.transaction(async (tx) => {
        const claimed = await this.deps.schedules.claim(tx, schedule.id, fireAt, next);
        if (!claimed) return null;
        const launcher = this.launchers.get(kind.name);
        const tasks = launcher ? await launcher(claimed, kind) : [{ payload: claimed.payload }];
        return this.deps.service.createExecution(tx, kind, {
          trigger: 'SCHEDULE',
          vendorId: claimed.vendorId,
          extraAttrs: claimed.extraAttrs,
          dedupeKey: `schedule:${claimed.id}:${fireAt.toISOString()}`,
          tasks,
        });
      });
    } catch (error) {
      // A firing that cannot make its execution must not be retried every tick: move on to the next time.
      await this.skip(schedule, next, messageOf(error));
      return null;
    }
    if (prepared?.created) await this.deps.service.enqueue(kind, prepared.tasks);
    return prepared;
  }

  private async skip(schedule: Schedule, next: Date, reason: string): Promise<void> {
    const claimed = await this.deps.database.transaction((tx) =>
      this.deps.schedules.claim(tx, schedule.id, schedule.nextFireAt, next),
    );
    if (claimed)
      this.logger.warn(`schedule ${schedule.id} (${schedule.jobKind}) skipped a firing: ${reason}`);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.tick();
      } catch (error) {
        this.logger.error(`scheduler: ${messageOf(error)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.tickMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
