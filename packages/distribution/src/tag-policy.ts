import { RegistryError } from './errors.js';

/**
 * A change of a repository's tags, as the engine is about to make it:
 * - `push`: point `tags` at the manifest `digest` (a push with tags, a copy, a tag moved on purpose);
 *   a tag that points elsewhere now would move;
 * - `untag`: remove one tag, the manifest stays;
 * - `delete-manifest`: delete a manifest and every tag on it;
 * - `delete-repository`: delete the repository with every tag in it.
 */
export type TagChange =
  | { kind: 'push'; digest: string; tags: readonly string[] }
  | { kind: 'untag'; tag: string }
  | { kind: 'delete-manifest'; digest: string }
  | { kind: 'delete-repository' };

/** Why a policy refuses a change: the tag it protects and the rule that protects it. */
export interface TagRefusal {
  tag: string;
  /** The rule, as a person reads it (`immutable tag rule 3 (repositories "**", tags "v*")`). */
  rule: string;
}

/**
 * Tags that must not move or go (Harbor's tag immutability). The engine asks before every change
 * of tags: `ManifestService.put` and `copy` (only when an existing tag would point elsewhere:
 * creating a protected tag, or pushing it again with the same content, is fine),
 * `ManifestService.delete`, `TagService.tag` when it may move a tag, `TagService.untag` and
 * `CatalogService.delete`. A refusal becomes `ImmutableTagError` (`DENIED`, 403 on `/v2/`).
 *
 * `check` is on the push path: an implementation answers from memory when no rule can apply to the
 * repository, and reads the repository's tags only when one can.
 */
export interface TagPolicy {
  /** Null when the change may go ahead; else what it would break. */
  check(repository: string, change: TagChange): Promise<TagRefusal | null>;
}

/** A change refused because it would overwrite or remove an immutable tag. */
export class ImmutableTagError extends RegistryError {
  constructor(
    readonly repository: string,
    readonly refusal: TagRefusal,
    change: TagChange['kind'],
  ) {
    super(
      'DENIED',
      `the tag ${repository}:${refusal.tag} is immutable (${refusal.rule}): it cannot be ${
        change === 'push' ? 'overwritten' : 'deleted'
      }`,
      { repository, tag: refusal.tag, rule: refusal.rule },
    );
    this.name = 'ImmutableTagError';
  }
}

/** Throws ImmutableTagError when `policy` refuses `change`; no policy allows everything. */
export async function requireTagChange(
  policy: TagPolicy | undefined,
  repository: string,
  change: TagChange,
): Promise<void> {
  if (!policy) return;
  const refusal = await policy.check(repository, change);
  if (refusal) throw new ImmutableTagError(repository, refusal, change.kind);
}
