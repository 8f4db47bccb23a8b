import type { Schedule, ScheduleRepository } from '@berth/db';
import {
  InvalidScheduleError,
  nextFireTime,
  type JobKind,
  type PayloadInputOf,
  type ScheduleRequest,
} from '@berth/jobs';
import { InvalidJobRequestError } from './job-errors.js';

export interface SetScheduleRequest<P> {
  /** The object the schedule belongs to (a retention policy); -1 (none) by default. */
  vendorId?: bigint;
  /**
   * A parsed Harbor schedule object (`parseSchedule`): a cron type sets the schedule, `None`
   * removes it; `Manual` ("run now") is not a schedule and is refused.
   */
  schedule: ScheduleRequest;
  /** The payload of the task each firing creates (kinds without a launcher). */
  payload: P;
  extraAttrs?: Record<string, unknown>;
}

/** Reads and writes cron schedules (Harbor's `/system/gc/schedule`, `/retentions` triggers…). */
export class JobScheduleService {
  constructor(private readonly schedules: ScheduleRepository) {}

  /**
   * Sets (or with `None` removes) the schedule of a kind's vendor. The payload is validated now, so
   * a bad one fails the request instead of every firing. Returns the schedule, or null once removed.
   */
  async set<K extends JobKind>(
    kind: K,
    request: SetScheduleRequest<PayloadInputOf<K>>,
  ): Promise<Schedule | null> {
    const vendorId = request.vendorId ?? -1n;
    if (request.schedule.type === 'None') {
      await this.schedules.delete(kind.vendorType, vendorId);
      return null;
    }
    if (request.schedule.type === 'Manual') {
      throw new InvalidScheduleError(
        'a Manual schedule runs the job now: trigger it instead of scheduling it',
      );
    }
    const parsed = kind.payload.safeParse(request.payload);
    if (!parsed.success)
      throw new InvalidJobRequestError(`invalid ${kind.name} payload: ${parsed.error.message}`);
    let nextFireAt: Date;
    try {
      nextFireAt = nextFireTime(request.schedule.cron, new Date());
    } catch (error) {
      if (error instanceof InvalidScheduleError) throw error;
      throw new InvalidScheduleError(String(error));
    }
    return this.schedules.put({
      vendorType: kind.vendorType,
      vendorId,
      jobKind: kind.name,
      cronType: request.schedule.type,
      cron: request.schedule.cron,
      payload: parsed.data,
      extraAttrs: request.extraAttrs ?? {},
      nextFireAt,
    });
  }

  get(kind: JobKind, vendorId = -1n): Promise<Schedule | null> {
    return this.schedules.find(kind.vendorType, vendorId);
  }

  list(): Promise<Schedule[]> {
    return this.schedules.list();
  }

  /** Pauses (or resumes) every schedule, or those of one kind; returns how many changed. */
  setPaused(paused: boolean, kind?: JobKind): Promise<number> {
    return this.schedules.setPaused(paused, kind?.vendorType);
  }
}
