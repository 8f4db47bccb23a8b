import type { ImmutableRule, Selector } from '@berth/db';
import { MAX_RULES } from '../retention/retention-policy.js';
import {
  describeSelector,
  InvalidRuleError,
  REPOSITORY_DECORATIONS,
  REPOSITORY_SCOPE,
  selectsRepository,
  selectsTags,
  TAG_DECORATIONS,
  validateSelector,
} from '../retention/selectors.js';

/** Harbor's limit of immutability rules in a project. */
export const MAX_IMMUTABLE_RULES = MAX_RULES;

/** What an immutability rule says, before it is stored. */
export interface ImmutableRuleSpec {
  disabled: boolean;
  priority: number;
  action: string;
  template: string;
  tagSelectors: Selector[];
  scopeSelectors: Record<string, Selector[]>;
}

/**
 * Checks an immutability rule as Harbor's API and console shape it: at least one tag selector
 * (`matches`/`excludes`) and one repository selector (`repoMatches`/`repoExcludes`) under
 * `scope_selectors.repository`, every pattern parsing. Throws InvalidRuleError.
 */
export function validateImmutableRule(rule: ImmutableRuleSpec): ImmutableRuleSpec {
  if (rule.tagSelectors.length === 0) throw new InvalidRuleError('tag_selectors must hold a selector');
  rule.tagSelectors.forEach((selector, n) =>
    validateSelector(selector, TAG_DECORATIONS, `tag selector ${n + 1}`),
  );
  const unknownScope = Object.keys(rule.scopeSelectors).find((scope) => scope !== REPOSITORY_SCOPE);
  if (unknownScope !== undefined) {
    throw new InvalidRuleError(
      `scope_selectors may only hold "${REPOSITORY_SCOPE}", not "${unknownScope.slice(0, 64)}"`,
    );
  }
  const repositorySelectors = rule.scopeSelectors[REPOSITORY_SCOPE] ?? [];
  if (repositorySelectors.length === 0) {
    throw new InvalidRuleError(`scope_selectors.${REPOSITORY_SCOPE} must hold a selector`);
  }
  repositorySelectors.forEach((selector, n) =>
    validateSelector(selector, REPOSITORY_DECORATIONS, `repository selector ${n + 1}`),
  );
  return rule;
}

/** The selectors of a rule in one canonical text: two rules of a project may not select alike. */
export function selectorsKey(rule: Pick<ImmutableRuleSpec, 'tagSelectors' | 'scopeSelectors'>): string {
  const selector = (s: Selector) => [s.decoration, s.pattern, s.extras];
  return JSON.stringify([
    (rule.scopeSelectors[REPOSITORY_SCOPE] ?? []).map(selector),
    rule.tagSelectors.map(selector),
  ]);
}

/** A rule as people read it, for refusals and logs: `immutable tag rule 3 (repositories matching "**", tags matching "v*")`. */
export function describeImmutableRule(
  rule: Pick<ImmutableRule, 'id' | 'tagSelectors' | 'scopeSelectors'>,
): string {
  const selectors = [...(rule.scopeSelectors[REPOSITORY_SCOPE] ?? []), ...rule.tagSelectors];
  return `immutable tag rule ${rule.id} (${selectors.map(describeSelector).join(', ')})`;
}

/**
 * Whether a rule protects `tag` in the repository at `path` (its name inside the project): every
 * repository selector selects the path and every tag selector selects the tag (Harbor's matcher,
 * which reads the first of each; the console never sends more). Disabled rules protect nothing.
 */
export function ruleProtects(
  rule: Pick<ImmutableRule, 'disabled' | 'tagSelectors' | 'scopeSelectors'>,
  path: string,
  tag: string,
): boolean {
  if (rule.disabled) return false;
  const repositorySelectors = rule.scopeSelectors[REPOSITORY_SCOPE] ?? [];
  if (repositorySelectors.length === 0 || rule.tagSelectors.length === 0) return false;
  // Harbor matches tags with `{"untagged": false}`: a rule never protects the absence of a tag.
  const tagOnly = (selector: Selector): Selector => ({ ...selector, extras: '{"untagged":false}' });
  return (
    repositorySelectors.every((selector) => selectsRepository(selector, path)) &&
    rule.tagSelectors.every((selector) => selectsTags(tagOnly(selector), [tag]))
  );
}

/** The first rule (by id) that protects `tag` at `path`, or null. */
export function protectingRule<
  R extends Pick<ImmutableRule, 'id' | 'disabled' | 'tagSelectors' | 'scopeSelectors'>,
>(rules: readonly R[], path: string, tag: string): R | null {
  return rules.find((rule) => ruleProtects(rule, path, tag)) ?? null;
}
