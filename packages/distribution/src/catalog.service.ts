import { type ChangeOrigin, RegistryEventFactory } from './change-origin.js';
import { RegistryError } from './errors.js';
import type { MetadataStore, PageRequest } from './metadata-store.js';
import { requireTagChange, type TagPolicy } from './tag-policy.js';

/** A repository that keeps receiving pushes while it is deleted is given up on after this many rounds. */
const DELETE_ROUNDS = 3;

/** Repositories as a whole: the catalog, and deleting one with everything in it. */
export class CatalogService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly events: RegistryEventFactory = new RegistryEventFactory(),
    private readonly tagPolicy?: TagPolicy,
  ) {}

  /** Repositories holding at least one manifest, in lexical order after `page.last`. */
  list(page: PageRequest): Promise<string[]> {
    return this.metadata.listRepositories(page);
  }

  /**
   * Deletes every manifest of the repository (each with its own event, so quotas and references
   * stay right and subscribers hear of each artifact), then the repository. NAME_UNKNOWN when it
   * does not exist; DENIED (409) when pushes kept arriving through every round; ImmutableTagError,
   * before anything is deleted, when the repository holds an immutable tag.
   */
  async delete(repository: string, origin: ChangeOrigin): Promise<void> {
    await requireTagChange(this.tagPolicy, repository, { kind: 'delete-repository' });
    for (let round = 0; round < DELETE_ROUNDS; round++) {
      const digests = await this.metadata.listManifestDigests(repository);
      if (digests === null)
        throw new RegistryError('NAME_UNKNOWN', `repository ${repository} not known to registry`);
      for (const digest of digests) {
        const event = this.events.create(origin, 'delete', 'artifact', { repository, digest });
        await this.metadata.deleteManifest(repository, digest, [event]);
      }
      const event = this.events.create(origin, 'delete', 'repository', { repository });
      const result = await this.metadata.deleteRepository(repository, [event]);
      if (result === 'deleted') return;
      if (result === 'unknown')
        throw new RegistryError('NAME_UNKNOWN', `repository ${repository} not known to registry`);
    }
    throw new RegistryError('DENIED', `repository ${repository} is being pushed to; try again`, undefined, {
      status: 409,
    });
  }
}
