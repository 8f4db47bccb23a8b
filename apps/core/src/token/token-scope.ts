import { isValidRepositoryName } from '@berth/distribution';

/** One entry of a token's `access` claim, and one parsed `scope` parameter: the distribution token spec's shape. */
export interface ResourceActions {
  type: string;
  name: string;
  actions: string[];
}

/** The repository actions a token can carry, in the order tokens list them. */
export const REPOSITORY_ACTIONS = ['pull', 'push', 'delete'] as const;
export type RepositoryAction = (typeof REPOSITORY_ACTIONS)[number];

/** More scopes than any client asks for at once; beyond it the request is refused rather than evaluated. */
export const MAX_SCOPES = 50;

export class ScopeError extends Error {}

/**
 * Parses `scope` parameters (`repository:library/alpine:pull,push`, `registry:catalog:*`). Each
 * value may hold several scopes separated by spaces (OAuth2's form); the same resource asked twice
 * is merged. A resource class (`repository(plugin):…`) is ignored. Throws ScopeError on a malformed one.
 */
export function parseScopes(values: readonly string[]): ResourceActions[] {
  const merged = new Map<string, ResourceActions>();
  const scopes = values.flatMap((value) => value.split(' ')).filter((scope) => scope !== '');
  if (scopes.length > MAX_SCOPES) throw new ScopeError(`at most ${MAX_SCOPES} scopes may be asked at once`);
  for (const scope of scopes) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first <= 0 || last === first || last === scope.length - 1) {
      throw new ScopeError(`malformed scope "${scope.slice(0, 200)}": expected <type>:<name>:<actions>`);
    }
    const type = scope.slice(0, first).replace(/\(.*\)$/, '');
    const name = scope.slice(first + 1, last);
    const actions = scope
      .slice(last + 1)
      .split(',')
      .map((action) => action.trim())
      .filter((action) => action !== '');
    const key = `${type}\u0000${name}`;
    const existing = merged.get(key);
    if (existing) existing.actions = [...new Set([...existing.actions, ...actions])];
    else merged.set(key, { type, name, actions: [...new Set(actions)] });
  }
  return [...merged.values()];
}

/** `type:name:a,b`, as a challenge's `scope` parameter carries it. */
export function formatScope(resource: ResourceActions): string {
  return `${resource.type}:${resource.name}:${resource.actions.join(',')}`;
}

/** The repository actions asked, `*` meaning every one. */
export function requestedRepositoryActions(actions: readonly string[]): RepositoryAction[] {
  if (actions.includes('*')) return [...REPOSITORY_ACTIONS];
  return REPOSITORY_ACTIONS.filter((action) => actions.includes(action));
}

/**
 * Splits `project/path/in/project`; null when the name is invalid or has no project component
 * (Berth keeps every repository inside a project, as Harbor does).
 */
export function splitRepository(name: string): { project: string; path: string } | null {
  if (!isValidRepositoryName(name)) return null;
  const slash = name.indexOf('/');
  if (slash === -1) return null;
  return { project: name.slice(0, slash), path: name.slice(slash + 1) };
}
