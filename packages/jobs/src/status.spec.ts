import { describe, expect, it } from 'vitest';
import { emptyStatusCounts, executionStatusOf, isFinalStatus, percentOf, type JobStatus } from './status.js';

function counts(values: Partial<Record<JobStatus, number>>): Record<JobStatus, number> {
  return { ...emptyStatusCounts(), ...values };
}

describe(executionStatusOf.name, () => {
  it.each<[Partial<Record<JobStatus, number>>, boolean, JobStatus | null]>([
    [{}, false, null],
    [{ Pending: 2 }, false, 'Pending'],
    [{ Pending: 2 }, true, 'Running'],
    [{ Pending: 1, Success: 1 }, false, 'Running'],
    [{ Running: 1, Error: 3 }, false, 'Running'],
    [{ Error: 1, Stopped: 1, Success: 5 }, true, 'Error'],
    [{ Stopped: 1, Success: 5 }, true, 'Stopped'],
    [{ Success: 5 }, true, 'Success'],
  ])('derives %o (started %s) as %s', (values, started, expected) => {
    expect(executionStatusOf(counts(values), started)).toBe(expected);
  });
});

describe(isFinalStatus.name, () => {
  it('knows which statuses never change', () => {
    expect(
      ['Pending', 'Running', 'Stopped', 'Error', 'Success'].map((s) => isFinalStatus(s as JobStatus)),
    ).toEqual([false, false, true, true, true]);
  });
});

describe(percentOf.name, () => {
  it('is whole, bounded, and null without a total', () => {
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(3, 3)).toBe(100);
    expect(percentOf(5, 3)).toBe(100);
    expect(percentOf(0, 0)).toBe(100);
    expect(percentOf(2, null)).toBeNull();
  });
});
