import { InvalidRuleError } from './selectors.js';

/**
 * What a retention rule template sees of a candidate: its tags and times (Harbor's `Candidate`).
 * Times are milliseconds since the epoch; 0 means never (an artifact never pulled).
 */
export interface TemplateCandidate {
  tags: readonly string[];
  pushedAt: number;
  pulledAt: number;
}

/** One template of Harbor's (src/pkg/retention/policy/rule): its parameter and what it retains. */
export interface RuleTemplate {
  id: string;
  /** Harbor's console text, `#` standing for the parameter. */
  displayText: string;
  /** The parameter, named as the template; absent for `always`. */
  param: { unit: 'COUNT' | 'DAYS'; max: number } | null;
  /** The candidates this rule retains, of those its selectors selected. */
  retain<C extends TemplateCandidate>(candidates: readonly C[], n: number, now: number): C[];
}

const DAY_MS = 24 * 3600 * 1000;
/** Harbor's upper bounds: counts below 2^15 - 1 (`math.MaxInt16`), days at most 20190904. */
const MAX_COUNT = 32_766;
const MAX_DAYS = 20_190_904;

/** The `n` candidates first by `key`, most recent first; ties keep their given order. */
function latest<C extends TemplateCandidate>(
  candidates: readonly C[],
  n: number,
  key: (c: C) => number,
): C[] {
  return [...candidates].sort((a, b) => key(b) - key(a)).slice(0, n);
}

export const RULE_TEMPLATES: readonly RuleTemplate[] = [
  {
    id: 'latestPushedK',
    displayText: 'the most recently pushed # artifacts',
    param: { unit: 'COUNT', max: MAX_COUNT },
    retain: (candidates, k) => latest(candidates, k, (c) => c.pushedAt),
  },
  {
    id: 'latestPulledN',
    displayText: 'the most recently pulled # artifacts',
    param: { unit: 'COUNT', max: MAX_COUNT },
    retain: (candidates, n) => latest(candidates, n, (c) => c.pulledAt),
  },
  {
    id: 'latestActiveK',
    displayText: 'the most recently pushed or pulled # artifacts',
    param: { unit: 'COUNT', max: MAX_COUNT },
    // Active: the later of the last push and the last pull.
    retain: (candidates, k) => latest(candidates, k, (c) => Math.max(c.pushedAt, c.pulledAt)),
  },
  {
    id: 'lastXDays',
    displayText: 'the artifacts pushed within the last # days',
    param: { unit: 'DAYS', max: MAX_DAYS },
    // Harbor's `lastx`: pushed strictly after the cutoff.
    retain: (candidates, x, now) => candidates.filter((c) => c.pushedAt > now - x * DAY_MS),
  },
  {
    id: 'nDaysSinceLastPush',
    displayText: 'pushed within the last # days',
    param: { unit: 'DAYS', max: MAX_DAYS },
    retain: (candidates, n, now) => candidates.filter((c) => c.pushedAt >= now - n * DAY_MS),
  },
  {
    id: 'nDaysSinceLastPull',
    displayText: 'pulled within the last # days',
    param: { unit: 'DAYS', max: MAX_DAYS },
    // An artifact never pulled has no pull within any window.
    retain: (candidates, n, now) =>
      candidates.filter((c) => c.pulledAt > 0 && c.pulledAt >= now - n * DAY_MS),
  },
  {
    id: 'always',
    displayText: 'always',
    param: null,
    retain: (candidates) => [...candidates],
  },
];

const BY_ID = new Map(RULE_TEMPLATES.map((template) => [template.id, template]));

/** The template named `id`; InvalidRuleError for an unknown one. */
export function ruleTemplate(id: string): RuleTemplate {
  const template = BY_ID.get(id);
  if (!template) {
    throw new InvalidRuleError(
      `unknown rule template "${id.slice(0, 64)}"; templates: ${RULE_TEMPLATES.map((t) => t.id).join(', ')}`,
    );
  }
  return template;
}

/**
 * The template's parameter from Harbor's `params` map (`{latestPushedK: 5}`): a whole number from
 * 0 to the template's bound. Harbor requires it; `always` takes none. Throws InvalidRuleError.
 */
export function templateParameter(template: RuleTemplate, params: Record<string, unknown>): number {
  if (!template.param) return 0;
  const value = params[template.id];
  if (value === undefined || value === null) {
    throw new InvalidRuleError(`missing required parameter ${template.id} for rule ${template.id}`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidRuleError(`${template.id} type error: it must be a whole number`);
  }
  if (value < 0) throw new InvalidRuleError(`${template.id} is less than zero`);
  if (value > template.param.max) throw new InvalidRuleError(`${template.id} is too large`);
  return value;
}
