import type { Database, Tx } from '../database.js';
import { dateOrNull, int8, json, jsonObject, queryRows } from './job-sql.js';

/** A cron schedule (`schedule`). */
export interface Schedule {
  id: bigint;
  vendorType: string;
  vendorId: bigint;
  jobKind: string;
  cronType: string;
  cron: string;
  payload: unknown;
  extraAttrs: Record<string, unknown>;
  paused: boolean;
  nextFireAt: Date;
  lastFiredAt: Date | null;
  creationTime: Date;
  updateTime: Date;
}

export interface ScheduleWrite {
  vendorType: string;
  vendorId: bigint;
  jobKind: string;
  cronType: string;
  cron: string;
  payload: unknown;
  extraAttrs: Record<string, unknown>;
  nextFireAt: Date;
}

/** Cron schedules, one per vendor (`vendor_type`, `vendor_id`), and their claims by the scheduler. */
export class ScheduleRepository {
  constructor(private readonly database: Database) {}

  /** Creates the vendor's schedule or replaces its cron, payload and next fire time (keeps `paused`). */
  async put(schedule: ScheduleWrite, tx?: Tx): Promise<Schedule> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `INSERT INTO schedule (vendor_type, vendor_id, job_kind, cron_type, cron, payload, extra_attrs, next_fire_at)
       VALUES ($1, $2::bigint, $3, $4, $5, $6::jsonb, $7::jsonb, $8::timestamptz)
       ON CONFLICT (vendor_type, vendor_id) DO UPDATE SET job_kind = excluded.job_kind,
         cron_type = excluded.cron_type, cron = excluded.cron, payload = excluded.payload,
         extra_attrs = excluded.extra_attrs, next_fire_at = excluded.next_fire_at, update_time = now()
       RETURNING *`,
      [
        schedule.vendorType,
        schedule.vendorId.toString(),
        schedule.jobKind,
        schedule.cronType,
        schedule.cron,
        JSON.stringify(schedule.payload ?? {}),
        JSON.stringify(schedule.extraAttrs),
        schedule.nextFireAt,
      ],
    );
    return toSchedule(rows[0]!);
  }

  async find(vendorType: string, vendorId: bigint): Promise<Schedule | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `SELECT * FROM schedule WHERE vendor_type = $1 AND vendor_id = $2::bigint`,
      [vendorType, vendorId.toString()],
    );
    return rows[0] ? toSchedule(rows[0]) : null;
  }

  /** Every schedule, by id. */
  async list(): Promise<Schedule[]> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `SELECT * FROM schedule ORDER BY id`,
      [],
    );
    return rows.map(toSchedule);
  }

  /** Deletes the vendor's schedule; false when it had none. */
  async delete(vendorType: string, vendorId: bigint, tx?: Tx): Promise<boolean> {
    const rows = await queryRows(
      this.database,
      tx,
      `DELETE FROM schedule WHERE vendor_type = $1 AND vendor_id = $2::bigint RETURNING id`,
      [vendorType, vendorId.toString()],
    );
    return rows.length === 1;
  }

  /** Pauses or resumes every schedule of a vendor type (all types when absent); returns how many changed. */
  async setPaused(paused: boolean, vendorType?: string): Promise<number> {
    const rows = await queryRows(
      this.database,
      undefined,
      `UPDATE schedule SET paused = $1, update_time = now()
       WHERE paused <> $1 AND ($2::text IS NULL OR vendor_type = $2) RETURNING id`,
      [paused, vendorType ?? null],
    );
    return rows.length;
  }

  /** Schedules due at `now` and not paused, the longest overdue first. */
  async due(now: Date, limit: number): Promise<Schedule[]> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `SELECT * FROM schedule WHERE NOT paused AND next_fire_at <= $1 ORDER BY next_fire_at LIMIT $2`,
      [now, limit],
    );
    return rows.map(toSchedule);
  }

  /**
   * Claims the firing due at `fireAt` by moving the schedule to `nextFireAt`, in one UPDATE: of any
   * number of schedulers trying at once, exactly one gets the row back. Null when another claimed
   * it first, or it was paused, changed or deleted meanwhile.
   */
  async claim(tx: Tx, id: bigint, fireAt: Date, nextFireAt: Date): Promise<Schedule | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `UPDATE schedule SET next_fire_at = $3::timestamptz, last_fired_at = $2::timestamptz
       WHERE id = $1::bigint AND NOT paused
         AND date_trunc('milliseconds', next_fire_at) = date_trunc('milliseconds', $2::timestamptz)
       RETURNING *`,
      [id.toString(), fireAt, nextFireAt],
    );
    return rows[0] ? toSchedule(rows[0]) : null;
  }
}

function toSchedule(row: Record<string, unknown>): Schedule {
  return {
    id: int8(row.id),
    vendorType: String(row.vendor_type),
    vendorId: int8(row.vendor_id),
    jobKind: String(row.job_kind),
    cronType: String(row.cron_type),
    cron: String(row.cron),
    payload: json(row.payload),
    extraAttrs: jsonObject(row.extra_attrs),
    paused: Boolean(row.paused),
    nextFireAt: new Date(row.next_fire_at as Date),
    lastFiredAt: dateOrNull(row.last_fired_at),
    creationTime: new Date(row.creation_time as Date),
    updateTime: new Date(row.update_time as Date),
  };
}
