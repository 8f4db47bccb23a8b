import type { Selector } from '@berth/db';
import { doublestarRegExp } from './doublestar.js';

/**
 * Harbor's `doublestar` selectors (src/lib/selector/selectors/doublestar), shared by tag retention
 * and tag immutability. Patterns are bmatcuk/doublestar's: `*` and `?` within one path segment,
 * `**` across segments, `[a-z]` classes, `{a,b}` alternatives, `\` escapes (see doublestar.ts).
 */

export const SELECTOR_KIND = 'doublestar';
export const TAG_DECORATIONS = ['matches', 'excludes'] as const;
export const REPOSITORY_DECORATIONS = ['repoMatches', 'repoExcludes'] as const;
/** The only key of `scope_selectors` a project-level policy uses. */
export const REPOSITORY_SCOPE = 'repository';

/** Longest pattern accepted: tags are at most 128 characters, repository paths 255. */
const MAX_PATTERN_LENGTH = 512;

/** A rule that cannot be stored as sent; the message is fit for a 400. */
export class InvalidRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRuleError';
  }
}

const compiled = new Map<string, (value: string) => boolean>();

/**
 * The matcher of a doublestar pattern. Throws InvalidRuleError for one that does not parse (an
 * unclosed `[` or `{`, a trailing `\`, a reversed range, an empty class) or is empty.
 */
export function compilePattern(pattern: string): (value: string) => boolean {
  const known = compiled.get(pattern);
  if (known) return known;
  if (pattern.length === 0) throw new InvalidRuleError('a selector pattern must not be empty');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new InvalidRuleError(`a selector pattern must be at most ${MAX_PATTERN_LENGTH} characters`);
  }
  let regex: RegExp;
  try {
    regex = doublestarRegExp(pattern);
  } catch (error) {
    throw new InvalidRuleError(
      `invalid pattern "${shorten(pattern)}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(pattern)) {
    throw new InvalidRuleError(`invalid pattern "${shorten(pattern)}": control characters`);
  }
  const matcher = (value: string) => regex.test(value);
  if (compiled.size > 10_000) compiled.clear();
  compiled.set(pattern, matcher);
  return matcher;
}

/**
 * Checks one selector: kind `doublestar`, a decoration of `decorations`, a pattern that parses,
 * `extras` empty or Harbor's `{"untagged": bool}`. `where` names it in the message.
 */
export function validateSelector(
  selector: Selector,
  decorations: readonly string[],
  where: string,
): Selector {
  if (selector.kind !== SELECTOR_KIND) {
    throw new InvalidRuleError(`${where}: kind must be "${SELECTOR_KIND}", not "${shorten(selector.kind)}"`);
  }
  if (!decorations.includes(selector.decoration)) {
    throw new InvalidRuleError(
      `${where}: decoration must be one of ${decorations.join(', ')}, not "${shorten(selector.decoration)}"`,
    );
  }
  try {
    compilePattern(selector.pattern);
  } catch (error) {
    throw new InvalidRuleError(`${where}: ${(error as Error).message}`);
  }
  if (selector.extras !== '') untaggedOf(selector, where);
  return selector;
}

/**
 * Harbor's `untagged` extra: whether a selector also selects artifacts without tags. Absent, it is
 * true for `matches` and false for `excludes` (both select untagged artifacts then; see `selectsTags`).
 */
function untaggedOf(selector: Selector, where = 'selector'): boolean {
  if (selector.extras === '') return selector.decoration !== 'excludes';
  let parsed: unknown;
  try {
    parsed = JSON.parse(selector.extras);
  } catch {
    throw new InvalidRuleError(`${where}: extras must be JSON such as {"untagged":true}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidRuleError(`${where}: extras must be a JSON object such as {"untagged":true}`);
  }
  const untagged = (parsed as { untagged?: unknown }).untagged;
  if (untagged === undefined) return selector.decoration !== 'excludes';
  if (typeof untagged !== 'boolean')
    throw new InvalidRuleError(`${where}: extras.untagged must be a boolean`);
  return untagged;
}

/**
 * Whether a tag selector selects an artifact with `tags` (Harbor's `tagSelectMatch` and
 * `tagSelectExclude`): `matches` selects it when any tag matches, `excludes` when any tag does not.
 * An artifact without tags is selected by `matches` when `untagged` is set, and by `excludes` when
 * it is not: Harbor's console ticks "untagged artifacts" to add them to what the selector names.
 */
export function selectsTags(selector: Selector, tags: readonly string[]): boolean {
  const matches = compilePattern(selector.pattern);
  const untagged = untaggedOf(selector);
  if (selector.decoration === 'excludes') {
    return tags.length > 0 ? tags.some((tag) => !matches(tag)) : !untagged;
  }
  return tags.length > 0 ? tags.some((tag) => matches(tag)) : untagged;
}

/** Whether a repository selector selects a repository path (the name inside its project). */
export function selectsRepository(selector: Selector, path: string): boolean {
  const matched = compilePattern(selector.pattern)(path);
  return selector.decoration === 'repoExcludes' ? !matched : matched;
}

/** A repository's path inside its project: `library/team/app` → `team/app`. */
export function repositoryPath(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(slash + 1);
}

/** The project a repository belongs to: `library/team/app` → `library`. */
export function projectOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(0, slash);
}

/** Harbor's selector text for people: `repositories matching "**"`. */
export function describeSelector(selector: Selector): string {
  const what = selector.decoration.startsWith('repo') ? 'repositories' : 'tags';
  const how = selector.decoration.toLowerCase().endsWith('excludes') ? 'excluding' : 'matching';
  return `${what} ${how} "${selector.pattern}"`;
}

function shorten(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
