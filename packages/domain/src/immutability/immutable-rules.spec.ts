import type { ImmutableRuleRepository, ProjectImmutableRule, Selector } from '@berth/db';
import { describe, expect, it } from 'vitest';
import { InvalidRuleError } from '../retention/selectors.js';
import {
  describeImmutableRule,
  protectingRule,
  selectorsKey,
  validateImmutableRule,
  type ImmutableRuleSpec,
} from './immutable-rules.js';
import { ImmutableTagPolicy } from './immutable-tag-policy.js';

const selector = (decoration: string, pattern: string): Selector => ({
  kind: 'doublestar',
  decoration,
  pattern,
  extras: '',
});

function spec(repositories: Selector[], tags: Selector[]): ImmutableRuleSpec {
  return {
    disabled: false,
    priority: 0,
    action: 'immutable',
    template: 'immutable_template',
    tagSelectors: tags,
    scopeSelectors: { repository: repositories },
  };
}

function stored(id: number, projectName: string, rule: ImmutableRuleSpec): ProjectImmutableRule {
  return {
    ...rule,
    id: BigInt(id),
    projectId: 1n,
    projectName,
    creationTime: new Date(0),
    updateTime: new Date(0),
  };
}

describe('immutability rules, on Harbor’s documentation examples', () => {
  it('repositories matching ** and tags matching **: every tag of every repository', () => {
    const rules = [stored(1, 'p', spec([selector('repoMatches', '**')], [selector('matches', '**')]))];
    expect(protectingRule(rules, 'hello-world', 'v1')?.id).toBe(1n);
    expect(protectingRule(rules, 'team/app', 'latest')?.id).toBe(1n);
  });

  it('tags excluding rc, test and nightly: those may move, every other tag is immutable', () => {
    const rules = [
      stored(2, 'p', spec([selector('repoMatches', '**')], [selector('excludes', '{rc,test,nightly}')])),
    ];
    for (const tag of ['rc', 'test', 'nightly']) expect(protectingRule(rules, 'app', tag)).toBeNull();
    for (const tag of ['v1', 'latest', 'rc1']) expect(protectingRule(rules, 'app', tag)?.id).toBe(2n);
  });

  it('hello-world:v1 only, by repository and tag; disabled rules protect nothing', () => {
    const rule = spec([selector('repoMatches', 'hello-world')], [selector('matches', 'v1')]);
    const rules = [stored(3, 'p', rule)];
    expect(protectingRule(rules, 'hello-world', 'v1')?.id).toBe(3n);
    expect(protectingRule(rules, 'hello-world', 'v2')).toBeNull();
    expect(protectingRule(rules, 'other', 'v1')).toBeNull();
    expect(protectingRule([stored(3, 'p', { ...rule, disabled: true })], 'hello-world', 'v1')).toBeNull();
    expect(describeImmutableRule(rules[0]!)).toBe(
      'immutable tag rule 3 (repositories matching "hello-world", tags matching "v1")',
    );
  });

  it('validates selectors and keys them canonically', () => {
    expect(() => validateImmutableRule(spec([], [selector('matches', '**')]))).toThrow(
      'scope_selectors.repository must hold a selector',
    );
    expect(() => validateImmutableRule(spec([selector('repoMatches', '**')], []))).toThrow(
      'tag_selectors must hold a selector',
    );
    expect(() =>
      validateImmutableRule(spec([selector('matches', '**')], [selector('matches', '**')])),
    ).toThrow(InvalidRuleError);
    expect(() =>
      validateImmutableRule(spec([selector('repoMatches', '{a')], [selector('matches', '**')])),
    ).toThrow('repository selector 1: invalid pattern');
    const a = spec([selector('repoMatches', '**')], [selector('matches', 'v*')]);
    expect(selectorsKey(a)).toBe(selectorsKey({ ...a, tagSelectors: [{ ...a.tagSelectors[0]! }] }));
    expect(selectorsKey(a)).not.toBe(
      selectorsKey(spec([selector('repoMatches', '**')], [selector('matches', 'v**')])),
    );
  });
});

/** An in-memory stand-in for the rules table and the tags the policy reads. */
class FakeRules {
  rules: ProjectImmutableRule[] = [];
  tags = new Map<string, string>();
  loads = 0;

  async enabled(): Promise<ProjectImmutableRule[]> {
    this.loads += 1;
    return this.rules.filter((rule) => !rule.disabled);
  }
  async tagDigests(repository: string, tags: readonly string[]): Promise<Map<string, string>> {
    return new Map(
      tags.flatMap((tag) => {
        const digest = this.tags.get(`${repository}:${tag}`);
        return digest ? [[tag, digest] as const] : [];
      }),
    );
  }
  async tagsOfManifest(repository: string, digest: string): Promise<string[]> {
    return [...this.tags]
      .filter(([key, d]) => d === digest && key.startsWith(`${repository}:`))
      .map(([key]) => key.slice(repository.length + 1));
  }
  async tagsOfRepository(repository: string): Promise<string[]> {
    return [...this.tags.keys()]
      .filter((key) => key.startsWith(`${repository}:`))
      .map((key) => key.slice(repository.length + 1));
  }
}

describe(ImmutableTagPolicy.name, () => {
  function setup(options = {}) {
    const fake = new FakeRules();
    let clock = 0;
    const sut = new ImmutableTagPolicy(fake as unknown as ImmutableRuleRepository, {
      now: () => clock,
      ...options,
    });
    sut.setListening(true);
    return { fake, sut, advance: (ms: number) => (clock += ms) };
  }

  it('reads the rules once for many checks, and again only after an invalidation', async () => {
    const { fake, sut } = setup();
    fake.rules = [stored(1, 'lib', spec([selector('repoMatches', '**')], [selector('matches', 'v*')]))];
    for (let i = 0; i < 5; i++) {
      expect(await sut.check('other/app', { kind: 'push', digest: 'sha256:a', tags: ['v1'] })).toBeNull();
    }
    expect(fake.loads).toBe(1);
    sut.invalidate();
    await sut.check('other/app', { kind: 'push', digest: 'sha256:a', tags: ['v1'] });
    expect(fake.loads).toBe(2);
  });

  it('trusts the cache for a short while only when no notification can arrive', async () => {
    const { fake, sut, advance } = setup({ unlistenedMaxAgeMs: 1000 });
    sut.setListening(false);
    await sut.rulesFor('lib/app');
    await sut.rulesFor('lib/app');
    expect(fake.loads).toBe(1);
    advance(1000);
    await sut.rulesFor('lib/app');
    expect(fake.loads).toBe(2);
  });

  it('allows creating a protected tag and pushing it again unchanged, refuses moving or removing it', async () => {
    const { fake, sut } = setup();
    fake.rules = [stored(7, 'lib', spec([selector('repoMatches', '**')], [selector('matches', 'v*')]))];
    expect(
      await sut.check('lib/app', { kind: 'push', digest: 'sha256:a', tags: ['v1', 'latest'] }),
    ).toBeNull();
    fake.tags.set('lib/app:v1', 'sha256:a');
    fake.tags.set('lib/app:latest', 'sha256:a');
    expect(await sut.check('lib/app', { kind: 'push', digest: 'sha256:a', tags: ['v1'] })).toBeNull();
    expect(await sut.check('lib/app', { kind: 'push', digest: 'sha256:b', tags: ['latest'] })).toBeNull();
    expect(await sut.check('lib/app', { kind: 'push', digest: 'sha256:b', tags: ['latest', 'v1'] })).toEqual({
      tag: 'v1',
      rule: 'immutable tag rule 7 (repositories matching "**", tags matching "v*")',
    });
    expect(await sut.check('lib/app', { kind: 'untag', tag: 'v1' })).toMatchObject({ tag: 'v1' });
    expect(await sut.check('lib/app', { kind: 'untag', tag: 'v9' })).toBeNull();
    expect(await sut.check('lib/app', { kind: 'untag', tag: 'latest' })).toBeNull();
    expect(await sut.check('lib/app', { kind: 'delete-manifest', digest: 'sha256:a' })).toMatchObject({
      tag: 'v1',
    });
    expect(await sut.check('lib/app', { kind: 'delete-manifest', digest: 'sha256:c' })).toBeNull();
    expect(await sut.check('lib/app', { kind: 'delete-repository' })).toMatchObject({ tag: 'v1' });
    expect(await sut.check('lib/other', { kind: 'delete-repository' })).toBeNull();
    const check = await sut.checkerFor('lib/app');
    expect([check('v2'), check('dev')]).toEqual([expect.stringContaining('rule 7'), null]);
  });

  it('does not keep a load that an invalidation overtook', async () => {
    const { fake, sut } = setup();
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const original = fake.enabled.bind(fake);
    let first = true;
    fake.enabled = async () => {
      const rules = await original();
      if (first) {
        first = false;
        await slow;
      }
      return rules;
    };
    const pending = sut.rulesFor('lib/app');
    fake.rules = [stored(8, 'lib', spec([selector('repoMatches', '**')], [selector('matches', '**')]))];
    sut.invalidate();
    release();
    expect((await pending).map((rule) => rule.id)).toEqual([8n]);
  });
});
