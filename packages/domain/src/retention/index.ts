export {
  InvalidRuleError,
  REPOSITORY_DECORATIONS,
  REPOSITORY_SCOPE,
  SELECTOR_KIND,
  TAG_DECORATIONS,
  compilePattern,
  describeSelector,
  projectOf,
  repositoryPath,
  selectsRepository,
  selectsTags,
  validateSelector,
} from './selectors.js';
export {
  RULE_TEMPLATES,
  ruleTemplate,
  templateParameter,
  type RuleTemplate,
  type TemplateCandidate,
} from './rule-templates.js';
export {
  ConflictingRulesError,
  MAX_RULES,
  ruleAppliesTo,
  validateRetentionRules,
} from './retention-policy.js';
export {
  candidatesOf,
  cosignSubjectOf,
  decideRetention,
  type ArtifactDecision,
  type ImmutabilityCheck,
  type RepositoryDecision,
  type RetentionMark,
} from './retention-decision.js';
export { RetentionLauncher } from './retention-launcher.js';
export { RETENTION_ACTOR, retentionProcessor, type RetentionProcessorDeps } from './retention.processor.js';
export { retentionFinalHook, type RetentionNoticeDeps } from './retention-notice.js';
