import type { RetentionArtifact, RetentionRule, Selector } from '@berth/db';
import { describe, expect, it } from 'vitest';
import { decideRetention, type RetentionMark } from './retention-decision.js';
import { RULE_TEMPLATES, ruleTemplate, templateParameter } from './rule-templates.js';
import { ConflictingRulesError, ruleAppliesTo, validateRetentionRules } from './retention-policy.js';
import { InvalidRuleError } from './selectors.js';

const NOW = Date.parse('2026-12-08T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const IMAGE = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';

let nextId = 1n;
function artifact(
  options: {
    tags?: (string | { name: string; pushedAt: number })[];
    pushedAt?: number;
    pulledAt?: number | null;
    mediaType?: string;
    children?: string[];
    subject?: string;
    digest?: string;
  } = {},
): RetentionArtifact {
  const id = nextId++;
  const pushedAt = options.pushedAt ?? NOW - DAY * 30;
  return {
    id,
    digest: options.digest ?? `sha256:${id.toString(16).padStart(64, '0')}`,
    mediaType: options.mediaType ?? IMAGE,
    pushedAt: new Date(pushedAt),
    pulledAt: options.pulledAt ? new Date(options.pulledAt) : null,
    subjectDigest: options.subject ?? null,
    tags: (options.tags ?? []).map((tag) =>
      typeof tag === 'string'
        ? { name: tag, pushedAt: new Date(pushedAt) }
        : { name: tag.name, pushedAt: new Date(tag.pushedAt) },
    ),
    childDigests: options.children ?? [],
    labels: [],
  };
}

const selector = (decoration: string, pattern: string, extras = ''): Selector => ({
  kind: 'doublestar',
  decoration,
  pattern,
  extras,
});

function rule(
  template: string,
  param: number | null,
  options: { tags?: Selector[]; repositories?: Selector[]; perTag?: boolean; disabled?: boolean } = {},
): RetentionRule {
  return {
    id: 0,
    priority: 0,
    disabled: options.disabled ?? false,
    action: 'retain',
    template,
    params: param === null ? {} : { [template]: param },
    tagSelectors: options.tags ?? [selector('matches', '**', '{"untagged":false}')],
    scopeSelectors: { repository: options.repositories ?? [selector('repoMatches', '**')] },
    perTag: options.perTag ?? false,
  };
}

function marks(
  artifacts: RetentionArtifact[],
  rules: RetentionRule[],
  immutable?: (tag: string) => string | null,
) {
  const { decisions } = decideRetention(artifacts, rules, NOW, immutable);
  const count = (mark: RetentionMark) => decisions.filter((d) => d.mark === mark).length;
  return {
    decisions,
    retained: count('RETAIN') + count('UNTAG') + count('IMMUTABLE'),
    deleted: count('DEL'),
  };
}

/**
 * Harbor's documentation examples ("Create Tag Retention Rules"): repository A has 102 artifacts, 2
 * untagged, all pulled in the last week; repositories B to E have 7 artifacts each, 1 untagged,
 * none pulled in the last month.
 */
function repositoryA(): RetentionArtifact[] {
  return [
    ...Array.from({ length: 100 }, (_, i) =>
      artifact({ tags: [`a-${i}`], pulledAt: NOW - DAY * 6 + i * 60_000, pushedAt: NOW - DAY * 60 }),
    ),
    artifact({ pulledAt: NOW - DAY, pushedAt: NOW - DAY * 60 }),
    artifact({ pulledAt: NOW - DAY, pushedAt: NOW - DAY * 60 }),
  ];
}
function repositoryB(): RetentionArtifact[] {
  return [
    ...Array.from({ length: 6 }, (_, i) =>
      artifact({ tags: [`b-${i}`], pulledAt: NOW - DAY * 40, pushedAt: NOW - DAY * 60 }),
    ),
    artifact({ pulledAt: NOW - DAY * 40, pushedAt: NOW - DAY * 60 }),
  ];
}

describe('retention decisions on Harbor’s documentation examples', () => {
  const untaggedUnchecked = [selector('matches', '**', '{"untagged":false}')];

  it('example 1: the 10 most recently pulled artifacts of each repository, untagged ones deleted', () => {
    const rules = [rule('latestPulledN', 10, { tags: untaggedUnchecked })];
    const a = marks(repositoryA(), rules);
    expect(a.retained).toBe(10);
    // The ten pulled last are the last ten tagged ones.
    expect(a.decisions.filter((d) => d.mark === 'RETAIN').map((d) => d.artifact.tags[0]!.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `a-${90 + i}`),
    );
    const b = marks(repositoryB(), rules);
    expect(b).toMatchObject({ retained: 6, deleted: 1 });
    expect(b.decisions.find((d) => d.artifact.tags.length === 0)?.mark).toBe('DEL');
    // 10 in A and 6 in each of B to E: 34 in the project.
    expect(a.retained + 4 * b.retained).toBe(34);
  });

  it('example 2: artifacts pulled in the last 7 days; untagged ones deleted', () => {
    const rules = [rule('nDaysSinceLastPull', 7, { tags: untaggedUnchecked })];
    expect(marks(repositoryA(), rules)).toMatchObject({ retained: 100, deleted: 2 });
    expect(marks(repositoryB(), rules)).toMatchObject({ retained: 0, deleted: 7 });
  });

  it('example 3: with "untagged artifacts" checked, every artifact of A stays', () => {
    const rules = [rule('nDaysSinceLastPull', 7, { tags: [selector('matches', '**', '{"untagged":true}')] })];
    expect(marks(repositoryA(), rules)).toMatchObject({ retained: 102, deleted: 0 });
    expect(marks(repositoryB(), rules)).toMatchObject({ retained: 0, deleted: 7 });
  });

  it('example 4: rules are OR’ed, pulled in 7 days or among the 10 pulled last', () => {
    const rules = [
      rule('nDaysSinceLastPull', 7, { tags: untaggedUnchecked }),
      rule('latestPulledN', 10, { tags: untaggedUnchecked }),
    ];
    expect(marks(repositoryA(), rules)).toMatchObject({ retained: 100, deleted: 2 });
    expect(marks(repositoryB(), rules)).toMatchObject({ retained: 6, deleted: 1 });
  });

  it('example 5: two tag filters, starting with 2 or ending with -prod, retain 8 of 12 tags', () => {
    const tags = ['2.1', '2.2', '3.1', '4.4'].flatMap((version) =>
      ['prod', 'rc', 'release'].map((kind) => `${version}-your_repo-${kind}`),
    );
    const artifacts = tags.map((name, i) => artifact({ tags: [name], pushedAt: NOW - i * DAY }));
    const { decisions } = marks(artifacts, [
      rule('latestPushedK', 10, { tags: [selector('matches', '2*')] }),
      rule('latestPushedK', 10, { tags: [selector('matches', '*-prod')] }),
    ]);
    expect(decisions.filter((d) => d.mark === 'RETAIN').map((d) => d.artifact.tags[0]!.name)).toEqual([
      '2.1-your_repo-prod',
      '2.1-your_repo-rc',
      '2.1-your_repo-release',
      '2.2-your_repo-prod',
      '2.2-your_repo-rc',
      '2.2-your_repo-release',
      '3.1-your_repo-prod',
      '4.4-your_repo-prod',
    ]);
  });

  const harborTags = () => [
    artifact({
      tags: [
        { name: 'harbor-1.8', pushedAt: Date.parse('2019-08-14T01:00:00Z') },
        { name: 'harbor-release', pushedAt: Date.parse('2019-08-14T03:00:00Z') },
        { name: 'harbor-nightly', pushedAt: Date.parse('2019-08-14T06:00:00Z') },
        { name: 'harbor-latest', pushedAt: Date.parse('2019-08-14T09:00:00Z') },
      ],
      pushedAt: Date.parse('2019-08-14T01:00:00Z'),
    }),
  ];

  it('the note on tags of one digest: retaining 2 of them keeps the artifact with all 4 (Harbor)', () => {
    const { decisions } = marks(harborTags(), [
      rule('latestPushedK', 2, { tags: [selector('matches', 'harbor-*')] }),
    ]);
    expect(decisions).toMatchObject([{ mark: 'RETAIN', removeTags: [] }]);
  });

  it('Berth’s per-tag rule keeps the artifact with the 2 retained tags and removes the 2 others', () => {
    const { decisions } = marks(harborTags(), [
      rule('latestPushedK', 2, { tags: [selector('matches', 'harbor-*')], perTag: true }),
    ]);
    expect(decisions).toMatchObject([{ mark: 'UNTAG', removeTags: ['harbor-1.8', 'harbor-release'] }]);
  });

  it('per-tag: an artifact goes whole once none of its tags is retained', () => {
    const artifacts = [
      artifact({ tags: [{ name: 'dev-1', pushedAt: NOW - 3 * DAY }] }),
      artifact({
        tags: [
          { name: 'dev-2', pushedAt: NOW - 2 * DAY },
          { name: 'stable', pushedAt: NOW - 9 * DAY },
        ],
      }),
      artifact({ tags: [{ name: 'dev-3', pushedAt: NOW - DAY }] }),
    ];
    const { decisions } = marks(artifacts, [
      rule('latestPushedK', 1, { tags: [selector('matches', 'dev-*')], perTag: true }),
      rule('always', null, { tags: [selector('matches', 'stable')], perTag: true }),
    ]);
    expect(decisions.map((d) => [d.mark, d.removeTags])).toEqual([
      ['DEL', []],
      ['UNTAG', ['dev-2']],
      ['RETAIN', []],
    ]);
  });

  it('never removes an immutable tag nor deletes the artifact holding one', () => {
    const artifacts = [
      artifact({ tags: ['v1.0'], pushedAt: NOW - 9 * DAY }),
      artifact({ tags: ['dev'], pushedAt: NOW - 8 * DAY }),
      artifact({
        tags: [
          { name: 'v2.0', pushedAt: NOW - 7 * DAY },
          { name: 'dev-old', pushedAt: NOW - 7 * DAY },
        ],
      }),
      artifact({ tags: ['latest'], pushedAt: NOW }),
    ];
    const immutable = (tag: string) => (tag.startsWith('v') ? 'immutable tag rule 1' : null);
    const { decisions } = marks(artifacts, [rule('latestPushedK', 1)], immutable);
    expect(decisions.map((d) => d.mark)).toEqual(['IMMUTABLE', 'DEL', 'IMMUTABLE', 'RETAIN']);
    expect(decisions[0]!.immutable).toEqual([{ tag: 'v1.0', rule: 'immutable tag rule 1' }]);

    const perTag = marks(artifacts, [rule('latestPushedK', 1, { perTag: true })], immutable);
    expect(perTag.decisions.map((d) => [d.mark, d.removeTags])).toEqual([
      ['IMMUTABLE', []],
      ['DEL', []],
      ['IMMUTABLE', []],
      ['RETAIN', []],
    ]);
  });

  it('keeps accessories and untagged index children out of the candidates, and ignores disabled rules', () => {
    const child = artifact();
    const index = artifact({
      tags: ['multi'],
      mediaType: INDEX,
      children: [child.digest],
      pushedAt: NOW - DAY,
    });
    const signature = artifact({ subject: index.digest });
    const cosign = artifact({ tags: [`sha256-${index.digest.slice(7)}.sig`] });
    const old = artifact({ tags: ['old'], pushedAt: NOW - 90 * DAY });
    const result = decideRetention(
      [child, index, signature, cosign, old],
      [rule('nDaysSinceLastPush', 30), rule('always', null, { disabled: true })],
      NOW,
    );
    expect(result.decisions.map((d) => [d.artifact.digest, d.mark])).toEqual([
      [index.digest, 'RETAIN'],
      [old.digest, 'DEL'],
    ]);
    expect([...result.dependents.keys()]).toEqual([child.digest, signature.digest, cosign.digest]);
  });

  it('an immutable cosign signature tag keeps its subject too', () => {
    const subject = artifact({ tags: ['old'], pushedAt: NOW - 90 * DAY });
    const cosign = artifact({ tags: [`sha256-${subject.digest.slice(7)}.sig`] });
    const { decisions } = marks([subject, cosign], [rule('nDaysSinceLastPush', 30)], (tag) =>
      tag.endsWith('.sig') ? 'rule 9' : null,
    );
    expect(decisions).toMatchObject([{ mark: 'IMMUTABLE', immutable: [{ tag: cosign.tags[0]!.name }] }]);
  });
});

describe('rule templates, on Harbor’s evaluator tests', () => {
  const candidates = [0, 1, 2, 3, 4].map((n) => ({ tags: ['t'], pushedAt: n, pulledAt: 10 - n }));

  it('latestPushedK keeps the k pushed last whatever their order', () => {
    const shuffled = [candidates[3]!, candidates[0]!, candidates[4]!, candidates[1]!, candidates[2]!];
    for (const [k, expected] of [
      [0, 0],
      [1, 1],
      [3, 3],
      [5, 5],
      [6, 5],
    ] as const) {
      expect(ruleTemplate('latestPushedK').retain(shuffled, k, NOW)).toHaveLength(expected);
    }
    expect(
      ruleTemplate('latestPushedK')
        .retain(shuffled, 2, NOW)
        .map((c) => c.pushedAt),
    ).toEqual([4, 3]);
  });

  it('latestPulledN and latestActiveK sort by pull and by the later of push and pull', () => {
    expect(
      ruleTemplate('latestPulledN')
        .retain(candidates, 2, NOW)
        .map((c) => c.pulledAt),
    ).toEqual([10, 9]);
    const active = [
      { tags: [], pushedAt: 100, pulledAt: 0 },
      { tags: [], pushedAt: 10, pulledAt: 500 },
      { tags: [], pushedAt: 300, pulledAt: 0 },
    ];
    expect(ruleTemplate('latestActiveK').retain(active, 2, NOW)).toEqual([active[1], active[2]]);
  });

  it('day windows: lastXDays and nDaysSinceLastPush by push, nDaysSinceLastPull by pull (never pulled: out)', () => {
    const aged = [1, 5, 10, 20].map((days) => ({ tags: [], pushedAt: NOW - days * DAY + 1, pulledAt: 0 }));
    expect(ruleTemplate('lastXDays').retain(aged, 10, NOW)).toHaveLength(3);
    expect(ruleTemplate('nDaysSinceLastPush').retain(aged, 5, NOW)).toHaveLength(2);
    expect(ruleTemplate('nDaysSinceLastPull').retain(aged, 365, NOW)).toHaveLength(0);
    const pulled = [{ tags: [], pushedAt: 0, pulledAt: NOW - 2 * DAY }];
    expect(ruleTemplate('nDaysSinceLastPull').retain(pulled, 3, NOW)).toHaveLength(1);
    expect(ruleTemplate('always').retain(aged, 0, NOW)).toHaveLength(4);
  });

  it('validates parameters as Harbor does', () => {
    const template = ruleTemplate('latestPushedK');
    expect(templateParameter(template, { latestPushedK: 5 })).toBe(5);
    expect(() => templateParameter(template, { latestPushedK: -1 })).toThrow(
      'latestPushedK is less than zero',
    );
    expect(() => templateParameter(template, { latestPushedK: 40000 })).toThrow('latestPushedK is too large');
    expect(() => templateParameter(template, { latestPushedK: 'foo' })).toThrow('type error');
    expect(() => templateParameter(template, {})).toThrow('missing required parameter latestPushedK');
    expect(() =>
      templateParameter(ruleTemplate('nDaysSinceLastPull'), { nDaysSinceLastPull: 20190905 }),
    ).toThrow('too large');
    expect(templateParameter(ruleTemplate('always'), {})).toBe(0);
    expect(() => ruleTemplate('latestPushed')).toThrow(InvalidRuleError);
    expect(RULE_TEMPLATES.map((t) => t.id)).toEqual([
      'latestPushedK',
      'latestPulledN',
      'latestActiveK',
      'lastXDays',
      'nDaysSinceLastPush',
      'nDaysSinceLastPull',
      'always',
    ]);
  });
});

describe(validateRetentionRules.name, () => {
  it('numbers rules, refuses more than 15, conflicts, unknown scopes and bad selectors', () => {
    expect(validateRetentionRules([rule('always', null), rule('latestPushedK', 3)]).map((r) => r.id)).toEqual(
      [1, 2],
    );
    expect(() =>
      validateRetentionRules(Array.from({ length: 16 }, (_, i) => rule('latestPushedK', i))),
    ).toThrow('only 15 rules are allowed at most');
    expect(() => validateRetentionRules([rule('always', null), rule('always', null)])).toThrow(
      ConflictingRulesError,
    );
    expect(() => validateRetentionRules([{ ...rule('always', null), action: 'delete' }])).toThrow(
      'action must be "retain"',
    );
    expect(() => validateRetentionRules([{ ...rule('always', null), scopeSelectors: {} }])).toThrow(
      'scope_selectors.repository must hold a selector',
    );
    expect(() =>
      validateRetentionRules([
        { ...rule('always', null), scopeSelectors: { project: [selector('nsMatches', '*')] } },
      ]),
    ).toThrow('scope_selectors may only hold "repository"');
    expect(() =>
      validateRetentionRules([rule('always', null, { tags: [selector('matches', '[abc')] })]),
    ).toThrow('rule 1, tag selector 1: invalid pattern');
    expect(() => validateRetentionRules([rule('always', null, { tags: [] })])).toThrow(
      'tag_selectors must not be empty',
    );
  });

  it('applies a rule to the repositories every repository selector chooses', () => {
    const scoped = rule('always', null, {
      repositories: [selector('repoMatches', 'team/**'), selector('repoExcludes', '**/tmp-*')],
    });
    expect(ruleAppliesTo(scoped, 'team/app')).toBe(true);
    expect(ruleAppliesTo(scoped, 'team/x/tmp-1')).toBe(false);
    expect(ruleAppliesTo(scoped, 'other')).toBe(false);
  });
});
