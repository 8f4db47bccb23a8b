import { type ChangeOrigin, RegistryEventFactory } from './change-origin.js';
import { requireDigest } from './digest.js';
import { RegistryError } from './errors.js';
import type { MetadataStore, PageRequest } from './metadata-store.js';
import { isValidTag } from './repository-name.js';
import { requireTagChange, type TagPolicy } from './tag-policy.js';

/**
 * Tags apart from pushes: listing, pointing a tag at a stored manifest, removing a tag while the
 * manifest stays. Changes record their events in the store's transaction.
 */
export class TagService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly events: RegistryEventFactory = new RegistryEventFactory(),
    private readonly tagPolicy?: TagPolicy,
  ) {}

  /** Tags in lexical order after `page.last`; NAME_UNKNOWN when the repository holds no manifest. */
  async list(repository: string, page: PageRequest): Promise<string[]> {
    const tags = await this.metadata.listTags(repository, page);
    if (tags === null)
      throw new RegistryError('NAME_UNKNOWN', `repository ${repository} not known to registry`);
    return tags;
  }

  /**
   * Points `tag` at the manifest `digest`. With `replace` false a tag that exists (pointing
   * anywhere else) is refused, as Harbor's API refuses it: resolves `exists`. MANIFEST_UNKNOWN when
   * there is no such manifest; ImmutableTagError when `replace` would move an immutable tag.
   */
  async tag(
    repository: string,
    tag: string,
    digest: string,
    origin: ChangeOrigin,
    options: { replace: boolean },
  ): Promise<'created' | 'moved' | 'unchanged' | 'exists'> {
    if (!isValidTag(tag)) throw new RegistryError('MANIFEST_INVALID', `invalid tag: ${tag.slice(0, 200)}`);
    requireDigest(digest);
    // Without `replace` the store never moves a tag, so only a replacing call can break one.
    if (options.replace) {
      await requireTagChange(this.tagPolicy, repository, { kind: 'push', digest, tags: [tag] });
    }
    const event = this.events.create(origin, 'push', 'tag', { repository, digest, tag });
    const result = await this.metadata.tagManifest(repository, tag, digest, [event], options);
    if (result === 'unknown') {
      throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${digest} not found in ${repository}`);
    }
    return result;
  }

  /**
   * Removes a tag, leaving its manifest; with `digest`, only when the tag points at it.
   * MANIFEST_UNKNOWN when there is no such tag; ImmutableTagError when it is immutable.
   */
  async untag(repository: string, tag: string, origin: ChangeOrigin, digest?: string): Promise<void> {
    await requireTagChange(this.tagPolicy, repository, { kind: 'untag', tag });
    const event = this.events.create(origin, 'delete', 'tag', {
      repository,
      tag,
      ...(digest ? { digest } : {}),
    });
    if (!(await this.metadata.deleteTag(repository, tag, [event], digest))) {
      throw new RegistryError('MANIFEST_UNKNOWN', `tag ${tag.slice(0, 200)} not found in ${repository}`);
    }
  }
}
