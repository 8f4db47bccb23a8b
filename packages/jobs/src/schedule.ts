import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/**
 * Harbor's schedule object (`ScheduleObj`): `Hourly`, `Daily`, `Weekly` and `Custom` run on a cron;
 * `None` cancels a schedule; `Manual` means "run now" (and `Schedule`, Harbor's legacy alias of a
 * cron schedule). Harbor's crons have six fields, seconds first, and the seconds must be 0.
 */
export const SCHEDULE_TYPES = ['Hourly', 'Daily', 'Weekly', 'Custom', 'Manual', 'None', 'Schedule'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

/** The types that store a cron. */
export type CronScheduleType = 'Hourly' | 'Daily' | 'Weekly' | 'Custom';

/** The crons Harbor's console sends with each preset type. */
export const PRESET_CRONS: Readonly<Record<'Hourly' | 'Daily' | 'Weekly', string>> = {
  Hourly: '0 0 * * * *',
  Daily: '0 0 0 * * *',
  Weekly: '0 0 0 * * 0',
};

export const ZScheduleObj = z.object({
  type: z.enum(SCHEDULE_TYPES),
  cron: z.string().max(256).optional(),
});
export type TScheduleObj = z.output<typeof ZScheduleObj>;

/** A schedule as stored and fired: a validated cron. */
export interface CronSchedule {
  type: CronScheduleType;
  cron: string;
}

/** What a schedule object asks for. */
export type ScheduleRequest = { type: 'None' } | { type: 'Manual' } | CronSchedule;

export class InvalidScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidScheduleError';
  }
}

/**
 * Reads a Harbor schedule object. Presets without a cron take Harbor's; `Custom` (and the legacy
 * `Schedule`, read as `Custom`) need one. Throws InvalidScheduleError with a message fit for a 400.
 */
export function parseSchedule(input: unknown): ScheduleRequest {
  const parsed = ZScheduleObj.safeParse(input);
  if (!parsed.success) {
    throw new InvalidScheduleError(
      `invalid schedule: type must be one of ${SCHEDULE_TYPES.join(', ')} and cron a string`,
    );
  }
  const { type } = parsed.data;
  const cron = parsed.data.cron?.trim() || undefined;
  if (type === 'None' || type === 'Manual') return { type };
  if (type === 'Custom' || type === 'Schedule') {
    if (!cron) throw new InvalidScheduleError(`a ${type} schedule needs a cron`);
    return { type: 'Custom', cron: validateHarborCron(cron) };
  }
  return { type, cron: validateHarborCron(cron ?? PRESET_CRONS[type]) };
}

/**
 * Checks a cron the way Harbor does (six fields, seconds first and 0) and returns it with single
 * spaces. Throws InvalidScheduleError.
 */
export function validateHarborCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new InvalidScheduleError(
      `invalid cron "${cron}": it needs 6 fields (second minute hour day-of-month month day-of-week)`,
    );
  }
  if (fields[0] !== '0') {
    throw new InvalidScheduleError(
      `invalid cron "${cron}": the 1st field (indicating Seconds of time) of the cron setting must be 0`,
    );
  }
  const normalized = fields.join(' ');
  nextFireTime(normalized, new Date());
  return normalized;
}

/**
 * The first time strictly after `after` that `cron` (five fields, or six with seconds first)
 * matches, in UTC. Throws InvalidScheduleError for a cron that does not parse or never matches.
 */
export function nextFireTime(cron: string, after: Date): Date {
  if (cron.trim().startsWith('@')) {
    throw new InvalidScheduleError(`invalid cron "${cron}": descriptors such as @daily are not accepted`);
  }
  try {
    const expression = CronExpressionParser.parse(cron, { currentDate: after, tz: 'UTC' });
    return expression.next().toDate();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidScheduleError(`invalid cron "${cron}": ${reason}`);
  }
}
