export {
  MAX_IMMUTABLE_RULES,
  describeImmutableRule,
  protectingRule,
  ruleProtects,
  selectorsKey,
  validateImmutableRule,
  type ImmutableRuleSpec,
} from './immutable-rules.js';
export { ImmutableTagPolicy, type ImmutableTagPolicyOptions } from './immutable-tag-policy.js';
