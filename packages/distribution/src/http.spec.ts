import { describe, expect, it } from 'vitest';
import { parseByteRange, parseContentRange } from './http.js';

describe(parseByteRange.name, () => {
  it('parses bounded, open and suffix ranges', () => {
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseByteRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
  });

  it('answers unsatisfiable past the end and null for no or foreign ranges', () => {
    expect(parseByteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=9-3', 100)).toBe('unsatisfiable');
    expect(parseByteRange(undefined, 100)).toBeNull();
    expect(parseByteRange('items=0-1', 100)).toBeNull();
  });
});

describe(parseContentRange.name, () => {
  it('parses chunk ranges with and without a unit', () => {
    expect(parseContentRange('0-1023')).toEqual({ start: 0, end: 1023 });
    expect(parseContentRange('bytes 10-20/*')).toEqual({ start: 10, end: 20 });
    expect(parseContentRange(undefined)).toBeNull();
    expect(parseContentRange('20-10')).toBe('invalid');
    expect(parseContentRange('abc')).toBe('invalid');
  });
});
