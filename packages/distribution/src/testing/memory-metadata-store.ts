import type {
  BlobRecord,
  CommitManifestResult,
  ManifestReference,
  MetadataStore,
  NewManifest,
  PageRequest,
  ReferrerDescriptor,
  StoredManifest,
  UploadSession,
} from '../metadata-store.js';

interface MemoryRepository {
  blobs: Map<string, number>;
  manifests: Map<string, NewManifest>;
  tags: Map<string, string>;
}

/**
 * A MetadataStore in memory: the reference behaviour of the contract, used by the engine's own
 * unit tests. Production uses `@berth/db`'s PgMetadataStore, tested against the same behaviour.
 */
export class MemoryMetadataStore implements MetadataStore {
  private readonly repositories = new Map<string, MemoryRepository>();
  private readonly uploads = new Map<string, UploadSession>();

  async getRepositoryBlob(repository: string, digest: string) {
    const size = this.repositories.get(repository)?.blobs.get(digest);
    return size === undefined ? null : { size };
  }

  async linkBlob(repository: string, blob: BlobRecord) {
    this.repository(repository).blobs.set(blob.digest, blob.size);
  }

  async unlinkBlob(repository: string, digest: string) {
    return this.repositories.get(repository)?.blobs.delete(digest) ?? false;
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

  async commitManifest(
    repository: string,
    manifest: NewManifest,
    tag?: string,
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
    if (tag) target.tags.set(tag, manifest.digest);
    return { ok: true, created };
  }

  async deleteManifest(repository: string, digest: string) {
    const repo = this.repositories.get(repository);
    if (!repo?.manifests.delete(digest)) return false;
    for (const [tag, target] of repo.tags) if (target === digest) repo.tags.delete(tag);
    return true;
  }

  async deleteTag(repository: string, tag: string) {
    return this.repositories.get(repository)?.tags.delete(tag) ?? false;
  }

  async listTags(repository: string, page: PageRequest) {
    const repo = this.repositories.get(repository);
    if (!repo) return null;
    return paginate([...repo.tags.keys()], page);
  }

  async listRepositories(page: PageRequest) {
    return paginate([...this.repositories.keys()], page);
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

  private repository(name: string): MemoryRepository {
    let repo = this.repositories.get(name);
    if (!repo) {
      repo = { blobs: new Map(), manifests: new Map(), tags: new Map() };
      this.repositories.set(name, repo);
    }
    return repo;
  }
}

function paginate(names: string[], page: PageRequest): string[] {
  return names
    .sort()
    .filter((name) => page.last === undefined || name > page.last)
    .slice(0, page.limit);
}
