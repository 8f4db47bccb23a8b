import type { RegistryEvent } from '../event-sink.js';
import type {
  BlobRecord,
  CommitManifestResult,
  ManifestReference,
  MetadataStore,
  NewManifest,
  PageRequest,
  ReferrerDescriptor,
  ManifestDescriptor,
  StoredManifest,
  UploadSession,
} from '../metadata-store.js';

interface MemoryRepository {
  /** A manifest was pushed here once: the repository is listed. */
  listed: boolean;
  blobs: Map<string, number>;
  manifests: Map<string, NewManifest>;
  tags: Map<string, string>;
}

/**
 * A MetadataStore in memory: the reference behaviour of the contract, used by the engine's own
 * unit tests. Production uses `@berth/db`'s PgMetadataStore; both pass `describeMetadataStore`.
 * Events of changes are appended to `recordedEvents`, its outbox.
 */
export class MemoryMetadataStore implements MetadataStore {
  private readonly repositories = new Map<string, MemoryRepository>();
  private readonly uploads = new Map<string, UploadSession>();
  readonly recordedEvents: RegistryEvent[] = [];

  async getRepositoryBlob(repository: string, digest: string) {
    const size = this.repositories.get(repository)?.blobs.get(digest);
    return size === undefined ? null : { size };
  }

  async linkBlob(repository: string, blob: BlobRecord) {
    this.repository(repository).blobs.set(blob.digest, blob.size);
  }

  async unlinkBlob(repository: string, digest: string, events: RegistryEvent[]) {
    return this.record(this.repositories.get(repository)?.blobs.delete(digest) ?? false, events);
  }

  async createUpload(session: UploadSession) {
    this.uploads.set(session.id, session);
  }

  async getUpload(repository: string, uploadId: string) {
    const session = this.uploads.get(uploadId);
    return session && session.repository === repository ? session : null;
  }

  async completeUpload(repository: string, uploadId: string, blob: BlobRecord) {
    if (!(await this.deleteUpload(repository, uploadId))) return false;
    await this.linkBlob(repository, blob);
    return true;
  }

  async deleteUpload(repository: string, uploadId: string) {
    if (!(await this.getUpload(repository, uploadId))) return false;
    return this.uploads.delete(uploadId);
  }

  async getManifest(repository: string, reference: ManifestReference): Promise<StoredManifest | null> {
    const repo = this.repositories.get(repository);
    if (!repo) return null;
    const digest = 'digest' in reference ? reference.digest : repo.tags.get(reference.tag);
    const manifest = digest ? repo.manifests.get(digest) : undefined;
    if (!manifest) return null;
    return {
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      size: manifest.size,
      payload: manifest.payload,
    };
  }

  async getManifestDescriptor(
    repository: string,
    reference: ManifestReference,
  ): Promise<ManifestDescriptor | null> {
    const manifest = await this.getManifest(repository, reference);
    return manifest ? { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size } : null;
  }

  async commitManifest(
    repository: string,
    manifest: NewManifest,
    tags: string[],
    events: RegistryEvent[],
  ): Promise<CommitManifestResult> {
    const repo = this.repositories.get(repository);
    const missingBlobs = manifest.blobs
      .filter((blob) => !repo?.blobs.has(blob.digest))
      .map((blob) => blob.digest);
    const missingManifests = manifest.manifests
      .filter((child) => !repo?.manifests.has(child.digest))
      .map((child) => child.digest);
    if (missingBlobs.length || missingManifests.length) return { ok: false, missingBlobs, missingManifests };
    const target = this.repository(repository);
    const created = !target.manifests.has(manifest.digest);
    if (created) target.manifests.set(manifest.digest, manifest);
    target.listed = true;
    for (const tag of tags) target.tags.set(tag, manifest.digest);
    this.record(true, events);
    return { ok: true, created };
  }

  async tagManifest(
    repository: string,
    tag: string,
    digest: string,
    events: RegistryEvent[],
    options: { replace: boolean },
  ) {
    const repo = this.repositories.get(repository);
    if (!repo?.manifests.has(digest)) return 'unknown' as const;
    const current = repo.tags.get(tag);
    if (current === digest) return 'unchanged' as const;
    if (current !== undefined && !options.replace) return 'exists' as const;
    repo.tags.set(tag, digest);
    this.record(true, events);
    return current === undefined ? ('created' as const) : ('moved' as const);
  }

  async deleteManifest(
    repository: string,
    digest: string,
    events: RegistryEvent[],
    options?: { untaggedOnly?: boolean },
  ) {
    const repo = this.repositories.get(repository);
    if (repo && options?.untaggedOnly) {
      const tagged = [...repo.tags.values()].includes(digest);
      const listed = [...repo.manifests.values()].some((m) => m.manifests.some((c) => c.digest === digest));
      if (tagged || listed) return false;
    }
    if (!repo?.manifests.delete(digest)) return false;
    for (const [tag, target] of repo.tags) if (target === digest) repo.tags.delete(tag);
    return this.record(true, events);
  }

  async deleteTag(repository: string, tag: string, events: RegistryEvent[], digest?: string) {
    const repo = this.repositories.get(repository);
    const current = repo?.tags.get(tag);
    if (current === undefined || (digest !== undefined && current !== digest)) return false;
    repo!.tags.delete(tag);
    return this.record(true, events);
  }

  async listManifestDigests(repository: string) {
    const repo = this.repositories.get(repository);
    return repo ? [...repo.manifests.keys()] : null;
  }

  async deleteRepository(repository: string, events: RegistryEvent[]) {
    const repo = this.repositories.get(repository);
    if (!repo) return 'unknown' as const;
    if (repo.manifests.size > 0) return 'not-empty' as const;
    this.repositories.delete(repository);
    this.record(true, events);
    return 'deleted' as const;
  }

  async listTags(repository: string, page: PageRequest) {
    const repo = this.repositories.get(repository);
    if (!repo?.listed) return null;
    return paginate([...repo.tags.keys()], page);
  }

  async listRepositories(page: PageRequest) {
    const names = [...this.repositories].filter(([, repo]) => repo.listed).map(([name]) => name);
    return paginate(names, page);
  }

  async listReferrers(
    repository: string,
    digest: string,
    artifactType?: string,
  ): Promise<ReferrerDescriptor[]> {
    const repo = this.repositories.get(repository);
    if (!repo) return [];
    return [...repo.manifests.values()]
      .filter((manifest) => manifest.subjectDigest === digest)
      .filter((manifest) => !artifactType || manifest.artifactType === artifactType)
      .map((manifest) => ({
        mediaType: manifest.mediaType,
        digest: manifest.digest,
        size: manifest.size,
        artifactType: manifest.artifactType,
        annotations: manifest.annotations,
      }));
  }

  private record(changed: boolean, events: RegistryEvent[]): boolean {
    if (changed) this.recordedEvents.push(...events);
    return changed;
  }

  private repository(name: string): MemoryRepository {
    let repo = this.repositories.get(name);
    if (!repo) {
      repo = { listed: false, blobs: new Map(), manifests: new Map(), tags: new Map() };
      this.repositories.set(name, repo);
    }
    return repo;
  }
}

/** Bytewise order, as PostgreSQL's `COLLATE "C"`. */
function paginate(names: string[], page: PageRequest): string[] {
  return names
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .filter(
      (name) => page.last === undefined || Buffer.compare(Buffer.from(name), Buffer.from(page.last)) > 0,
    )
    .slice(0, Math.max(0, page.limit));
}
