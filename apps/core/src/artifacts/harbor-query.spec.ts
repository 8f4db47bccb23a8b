import { describe, expect, it } from 'vitest';
import { HarborError } from '../common/harbor-error.js';
import { linkHeader, likeEscape, parseHarborQuery, parseSort } from './harbor-query.js';

describe(parseHarborQuery.name, () => {
  it('reads exact, fuzzy, range and list terms', () => {
    const sut = parseHarborQuery(
      'tags=nil,name=~ab,push_time=[2024-01-01 00:00:00~],type={IMAGE CHART},labels=(1 2)',
      ['tags', 'name', 'push_time', 'type', 'labels'],
    );
    expect(Object.fromEntries(sut)).toEqual({
      tags: { kind: 'exact', value: 'nil' },
      name: { kind: 'fuzzy', value: 'ab' },
      push_time: { kind: 'range', min: '2024-01-01 00:00:00', max: null },
      type: { kind: 'or', values: ['IMAGE', 'CHART'] },
      labels: { kind: 'and', values: ['1', '2'] },
    });
  });

  it('keeps commas inside quotes and brackets', () => {
    const sut = parseHarborQuery('name="a,b",labels=(1,2)', ['name', 'labels']);
    expect(sut.get('name')).toEqual({ kind: 'exact', value: 'a,b' });
    expect(sut.get('labels')).toEqual({ kind: 'and', values: ['1,2'] });
  });

  it('answers nothing for an empty q', () => {
    expect(parseHarborQuery(undefined, []).size).toBe(0);
    expect(parseHarborQuery('  ', []).size).toBe(0);
  });

  it.each(['nokey', '=v', 'bad key=1', 'other=1', 'name=1,name=2', 'name="open', `name=${'x'.repeat(3000)}`])(
    'refuses %s',
    (q) => {
      expect(() => parseHarborQuery(q, ['name'])).toThrow(HarborError);
    },
  );
});

describe(parseSort.name, () => {
  it('reads ascending and descending fields', () => {
    expect(parseSort('name,-push_time', ['name', 'push_time'])).toEqual([
      { field: 'name', desc: false },
      { field: 'push_time', desc: true },
    ]);
  });

  it('refuses fields it does not know', () => {
    expect(() => parseSort('name;drop table x', ['name'])).toThrow(HarborError);
  });
});

describe(linkHeader.name, () => {
  it('links the previous and next pages, keeping the query', () => {
    const sut = linkHeader('/api/v2.0/x?q=a%3Db&page=2&page_size=10', {
      items: [],
      total: 35,
      page: 2,
      pageSize: 10,
    });
    expect(sut).toBe(
      '</api/v2.0/x?q=a%3Db&page=1&page_size=10>; rel="prev" , </api/v2.0/x?q=a%3Db&page=3&page_size=10>; rel="next"',
    );
  });

  it('answers null for a single page', () => {
    expect(linkHeader('/x', { items: [], total: 3, page: 1, pageSize: 10 })).toBeNull();
  });
});

describe(likeEscape.name, () => {
  it('escapes LIKE wildcards', () => {
    expect(likeEscape('a%b_c\\d')).toBe('a\\%b\\_c\\\\d');
  });
});
