import { describe, expect, it } from 'vitest';
import { InvalidScheduleError, nextFireTime, parseSchedule, validateHarborCron } from './schedule.js';

describe(parseSchedule.name, () => {
  it('reads the presets with Harbor crons', () => {
    expect(parseSchedule({ type: 'Hourly' })).toEqual({ type: 'Hourly', cron: '0 0 * * * *' });
    expect(parseSchedule({ type: 'Daily', cron: '' })).toEqual({ type: 'Daily', cron: '0 0 0 * * *' });
    expect(parseSchedule({ type: 'Weekly' })).toEqual({ type: 'Weekly', cron: '0 0 0 * * 0' });
    expect(parseSchedule({ type: 'Daily', cron: '0 30 2 * * *' })).toEqual({
      type: 'Daily',
      cron: '0 30 2 * * *',
    });
  });

  it('reads custom crons, None and Manual', () => {
    expect(parseSchedule({ type: 'Custom', cron: ' 0  */5 * * * * ' })).toEqual({
      type: 'Custom',
      cron: '0 */5 * * * *',
    });
    expect(parseSchedule({ type: 'Schedule', cron: '0 0 4 * * 1' })).toEqual({
      type: 'Custom',
      cron: '0 0 4 * * 1',
    });
    expect(parseSchedule({ type: 'None' })).toEqual({ type: 'None' });
    expect(parseSchedule({ type: 'Manual' })).toEqual({ type: 'Manual' });
  });

  it.each([
    [{ type: 'Sometimes' }, /type must be one of/],
    [{ type: 'Custom' }, /needs a cron/],
    [{ type: 'Custom', cron: '*/5 * * * *' }, /6 fields/],
    [{ type: 'Custom', cron: '30 0 * * * *' }, /must be 0/],
    [{ type: 'Custom', cron: '0 0 25 * * *' }, /invalid cron/],
    [{ type: 'Custom', cron: '0 a b c d e' }, /invalid cron/],
    [{ type: 'Daily', cron: '0 0 0 31 2 *' }, /invalid cron/],
    [{ type: 'Custom', cron: 7 }, /cron a string/],
    [null, /invalid schedule/],
  ])('refuses %o', (input, message) => {
    expect(() => parseSchedule(input)).toThrow(InvalidScheduleError);
    expect(() => parseSchedule(input)).toThrow(message);
  });
});

describe(validateHarborCron.name, () => {
  it('normalizes spaces', () => {
    expect(validateHarborCron('0\t0  0 * * 0')).toBe('0 0 0 * * 0');
  });
});

describe(nextFireTime.name, () => {
  const at = new Date('2026-12-07T10:15:30Z');

  it('finds the next match in UTC, strictly after the given time', () => {
    expect(nextFireTime('0 0 * * * *', at).toISOString()).toBe('2026-12-07T11:00:00.000Z');
    expect(nextFireTime('0 0 0 * * *', at).toISOString()).toBe('2026-12-08T00:00:00.000Z');
    expect(nextFireTime('0 0 0 * * 0', at).toISOString()).toBe('2026-12-13T00:00:00.000Z');
    expect(nextFireTime('0 0 * * * *', new Date('2026-12-07T11:00:00Z')).toISOString()).toBe(
      '2026-12-07T12:00:00.000Z',
    );
  });

  it('accepts seconds for internal schedules, and refuses descriptors', () => {
    expect(nextFireTime('*/2 * * * * *', at).toISOString()).toBe('2026-12-07T10:15:32.000Z');
    expect(() => nextFireTime('@daily', at)).toThrow(InvalidScheduleError);
  });
});
