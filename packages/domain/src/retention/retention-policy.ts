import type { RetentionRule, Selector } from '@berth/db';
import { ruleTemplate, templateParameter } from './rule-templates.js';
import {
  InvalidRuleError,
  REPOSITORY_DECORATIONS,
  REPOSITORY_SCOPE,
  selectsRepository,
  TAG_DECORATIONS,
  validateSelector,
} from './selectors.js';

/** Harbor's limit of rules in a retention policy (and of immutability rules in a project). */
export const MAX_RULES = 15;

/** Two rules of a policy say the same thing (Harbor answers 409). */
export class ConflictingRulesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictingRulesError';
  }
}

/**
 * Checks the rules of a retention policy as Harbor does: at most 15, each with action `retain`, a
 * known template and its parameter, at least one tag selector and one repository selector, every
 * selector valid; no two rules alike. Returns them with Harbor's `id` numbering them from 1 (as
 * Harbor's console sends them) unless they carry their own. Throws InvalidRuleError or
 * ConflictingRulesError.
 */
export function validateRetentionRules(rules: readonly RetentionRule[]): RetentionRule[] {
  if (rules.length > MAX_RULES) throw new InvalidRuleError(`only ${MAX_RULES} rules are allowed at most`);
  const seen = new Map<string, number>();
  return rules.map((rule, index) => {
    const where = `rule ${index + 1}`;
    if (rule.action !== 'retain') {
      throw new InvalidRuleError(`${where}: action must be "retain", not "${rule.action.slice(0, 64)}"`);
    }
    let template;
    try {
      template = ruleTemplate(rule.template);
      templateParameter(template, rule.params);
    } catch (error) {
      throw new InvalidRuleError(`${where}: ${(error as Error).message}`);
    }
    if (rule.tagSelectors.length === 0)
      throw new InvalidRuleError(`${where}: tag_selectors must not be empty`);
    rule.tagSelectors.forEach((selector, n) =>
      validateSelector(selector, TAG_DECORATIONS, `${where}, tag selector ${n + 1}`),
    );
    const scopes = Object.keys(rule.scopeSelectors);
    const unknownScope = scopes.find((scope) => scope !== REPOSITORY_SCOPE);
    if (unknownScope !== undefined) {
      throw new InvalidRuleError(
        `${where}: scope_selectors may only hold "${REPOSITORY_SCOPE}", not "${unknownScope.slice(0, 64)}"`,
      );
    }
    const repositorySelectors = rule.scopeSelectors[REPOSITORY_SCOPE] ?? [];
    if (repositorySelectors.length === 0) {
      throw new InvalidRuleError(`${where}: scope_selectors.${REPOSITORY_SCOPE} must hold a selector`);
    }
    repositorySelectors.forEach((selector, n) =>
      validateSelector(selector, REPOSITORY_DECORATIONS, `${where}, repository selector ${n + 1}`),
    );
    // Harbor's conflict check: the rule as JSON without its id.
    const key = JSON.stringify(ruleKey(rule));
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ConflictingRulesError(`rule ${index + 1} is conflict with rule ${earlier + 1}`);
    }
    seen.set(key, index);
    return { ...rule, id: rule.id > 0 ? rule.id : index + 1 };
  });
}

function ruleKey(rule: RetentionRule): unknown {
  const selector = (s: Selector) => [s.kind, s.decoration, s.pattern, s.extras];
  return [
    rule.priority,
    rule.disabled,
    rule.action,
    rule.template,
    Object.entries(rule.params).sort(([a], [b]) => a.localeCompare(b)),
    rule.tagSelectors.map(selector),
    Object.entries(rule.scopeSelectors)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([scope, selectors]) => [scope, selectors.map(selector)]),
    rule.perTag,
  ];
}

/** Whether every repository selector of the rule selects the repository path (they are AND'ed). */
export function ruleAppliesTo(rule: RetentionRule, path: string): boolean {
  return (rule.scopeSelectors[REPOSITORY_SCOPE] ?? []).every((selector) => selectsRepository(selector, path));
}
