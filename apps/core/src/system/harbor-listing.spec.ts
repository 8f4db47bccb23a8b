import { describe, expect, it } from 'vitest';
import { HarborError } from '../common/harbor-error.js';
import { pageLinks } from '../common/paging.js';
import { likeEscape, parseHarborQuery, parseQueryTime, parseSort } from './harbor-listing.js';

describe('parseHarborQuery', () => {
  const spec = {
    name: ['exact', 'fuzzy', 'anyOf', 'allOf'],
    op_time: ['range'],
  } as const;

  it('parses exact, fuzzy, range and list forms', () => {
    const terms = parseHarborQuery('name=~ab,op_time=[2020-01-01 00:00:00~2020-02-01 00:00:00]', spec);
    expect(terms.get('name')).toEqual({ kind: 'fuzzy', value: 'ab' });
    expect(terms.get('op_time')).toEqual({
      kind: 'range',
      min: '2020-01-01 00:00:00',
      max: '2020-02-01 00:00:00',
    });
    expect(parseHarborQuery('name={a b "c d"}', spec).get('name')).toEqual({
      kind: 'anyOf',
      values: ['a', 'b', 'c d'],
    });
    expect(parseHarborQuery('name=(a b)', spec).get('name')).toEqual({ kind: 'allOf', values: ['a', 'b'] });
    expect(parseHarborQuery("name='a,b'", spec).get('name')).toEqual({ kind: 'exact', value: 'a,b' });
    expect(parseHarborQuery('op_time=[~2020-01-01]', spec).get('op_time')).toEqual({
      kind: 'range',
      max: '2020-01-01',
    });
    expect(parseHarborQuery(undefined, spec).size).toBe(0);
  });

  it('refuses unknown keys, unsupported forms, duplicates and broken syntax', () => {
    for (const q of ['other=1', 'op_time=1', 'name=1,name=2', 'name', 'op_time=[a]', 'name={a']) {
      expect(() => parseHarborQuery(q, spec), q).toThrow(HarborError);
    }
  });

  it('reads every form of the artifact list in one q', () => {
    const sut = parseHarborQuery(
      'tags=nil,name=~ab,push_time=[2024-01-01 00:00:00~],type={IMAGE CHART},labels=(1 2)',
      {
        tags: ['exact'],
        name: ['fuzzy'],
        push_time: ['range'],
        type: ['anyOf'],
        labels: ['allOf'],
      },
    );
    expect(Object.fromEntries(sut)).toEqual({
      tags: { kind: 'exact', value: 'nil' },
      name: { kind: 'fuzzy', value: 'ab' },
      push_time: { kind: 'range', min: '2024-01-01 00:00:00' },
      type: { kind: 'anyOf', values: ['IMAGE', 'CHART'] },
      labels: { kind: 'allOf', values: ['1', '2'] },
    });
  });

  it('keeps commas inside quotes and brackets', () => {
    const sut = parseHarborQuery('name="a,b",labels=(1,2)', { name: ['exact'], labels: ['allOf'] });
    expect(sut.get('name')).toEqual({ kind: 'exact', value: 'a,b' });
    expect(sut.get('labels')).toEqual({ kind: 'allOf', values: ['1,2'] });
  });

  it('answers nothing for an empty q', () => {
    expect(parseHarborQuery(undefined, {}).size).toBe(0);
    expect(parseHarborQuery('  ', {}).size).toBe(0);
  });

  it.each(['nokey', '=v', 'bad key=1', 'other=1', 'name=1,name=2', 'name="open', `name=${'x'.repeat(3000)}`])(
    'refuses %s',
    (q) => {
      expect(() => parseHarborQuery(q, { name: ['exact'] })).toThrow(HarborError);
    },
  );
});

describe('parseSort', () => {
  it('maps wire names to fields and refuses others', () => {
    expect(parseSort('name,-time', { name: 'name', time: 'createdAt' })).toEqual([
      { field: 'name', descending: false },
      { field: 'createdAt', descending: true },
    ]);
    expect(() => parseSort('constructor', { name: 'name' })).toThrow(HarborError);
    expect(() => parseSort('name;drop table x', { name: 'name' })).toThrow(HarborError);
  });
});

describe('pageLinks', () => {
  it('links to the previous and next pages, keeping the query', () => {
    const links = pageLinks('/api/v2.0/users?q=a%3Db&page=2&page_size=10', {
      items: [],
      total: 35,
      page: 2,
      pageSize: 10,
    });
    expect(links).toBe(
      '</api/v2.0/users?q=a%3Db&page=1&page_size=10>; rel="prev" , </api/v2.0/users?q=a%3Db&page=3&page_size=10>; rel="next"',
    );
    expect(pageLinks('/x', { items: [], total: 5, page: 1, pageSize: 10 })).toBeNull();
  });

  it('links no previous page from past the end', () => {
    expect(pageLinks('/x?page=9', { items: [], total: 5, page: 9, pageSize: 10 })).toBeNull();
  });
});

describe('helpers', () => {
  it('parses Harbor times as UTC and escapes LIKE wildcards', () => {
    expect(parseQueryTime('2020-04-09 02:36:00', 'op_time').toISOString()).toBe('2020-04-09T02:36:00.000Z');
    expect(() => parseQueryTime('yesterday', 'op_time')).toThrow(HarborError);
    expect(likeEscape('a_b%c\\')).toBe('a\\_b\\%c\\\\');
  });
});
