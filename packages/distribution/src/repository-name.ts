import { RegistryError } from './errors.js';

// The distribution-spec's name grammar: path components of lower-case alphanumerics joined by
// `.`, `_`, `__` or runs of `-`, separated by single slashes.
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_PATTERN = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
export const MAX_REPOSITORY_NAME_LENGTH = 255;

export function isValidRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME_LENGTH && NAME_PATTERN.test(name);
}

export function requireRepositoryName(name: string): string {
  if (!isValidRepositoryName(name)) {
    throw new RegistryError('NAME_INVALID', `invalid repository name: ${name.slice(0, 300)}`);
  }
  return name;
}

const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}
