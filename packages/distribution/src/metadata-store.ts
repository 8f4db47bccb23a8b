/**
 * Registry metadata: repositories, manifests, tags, references, which blobs each repository may
 * see, and upload sessions. The core implements it on PostgreSQL (`@berth/db`); it is the one
 * source of truth for everything but content bytes.
 *
 * When the store and the BlobDriver disagree, the store wins for visibility (a blob the store does
 * not link to a repository is unknown there) and the driver wins for content (a linked blob whose
 * bytes are gone answers BLOB_UNKNOWN).
 */
export interface MetadataStore {
  /** The blob's size when `repository` may see `digest`, else null. */
  getRepositoryBlob(repository: string, digest: string): Promise<{ size: number } | null>;

  /** Records a committed blob and makes it visible in `repository`, creating the repository if needed. */
  linkBlob(repository: string, blob: BlobRecord): Promise<void>;

  /** Removes a blob from a repository's view. Resolves false when it was not visible there. */
  unlinkBlob(repository: string, digest: string): Promise<boolean>;

  /** Records a new upload session. */
  createUpload(session: UploadSession): Promise<void>;

  /** The session when it exists and belongs to `repository`, else null. */
  getUpload(repository: string, uploadId: string): Promise<UploadSession | null>;

  /**
   * In one transaction: removes the upload session and links the blob it became.
   * Resolves false when the session was gone already (completed or cancelled concurrently).
   */
  completeUpload(repository: string, uploadId: string, blob: BlobRecord): Promise<boolean>;

  /** Removes an upload session. Resolves false when there was none. */
  deleteUpload(repository: string, uploadId: string): Promise<boolean>;

  /** A manifest by tag or digest, with its payload; null when unknown in that repository. */
  getManifest(repository: string, reference: ManifestReference): Promise<StoredManifest | null>;

  /**
   * Records a manifest, its references and optionally a tag, in one transaction. Inside the
   * transaction it checks that every referenced blob is visible in the repository and every
   * referenced child manifest exists there; when any is missing nothing is written and the result
   * lists them. A store may also refuse the commit by policy (a storage quota): then nothing is
   * written and the result carries `denied`, a message for the client.
   */
  commitManifest(repository: string, manifest: NewManifest, tag?: string): Promise<CommitManifestResult>;

  /** Deletes a manifest (and the tags pointing at it). Resolves false when it did not exist. */
  deleteManifest(repository: string, digest: string): Promise<boolean>;

  /** Deletes one tag, leaving the manifest. Resolves false when it did not exist. */
  deleteTag(repository: string, tag: string): Promise<boolean>;

  /** Tags in lexical order after `last`, at most `limit`; null when the repository does not exist. */
  listTags(repository: string, page: PageRequest): Promise<string[] | null>;

  /** Repository names in lexical order after `last`, at most `limit`. */
  listRepositories(page: PageRequest): Promise<string[]>;

  /** Manifests in `repository` whose `subject` is `digest`, optionally only of one artifact type. */
  listReferrers(repository: string, digest: string, artifactType?: string): Promise<ReferrerDescriptor[]>;
}

export interface BlobRecord {
  digest: string;
  size: number;
}

export interface UploadSession {
  id: string;
  repository: string;
  createdAt: Date;
}

export type ManifestReference = { tag: string } | { digest: string };

export interface StoredManifest {
  digest: string;
  mediaType: string;
  size: number;
  payload: Buffer;
}

export interface NewManifest {
  digest: string;
  mediaType: string;
  /** `artifactType`, else the config's media type for image manifests; null for indexes without one. */
  artifactType: string | null;
  size: number;
  payload: Buffer;
  subjectDigest: string | null;
  annotations: Record<string, string> | null;
  /** Blobs this manifest needs (config and layers). */
  blobs: BlobRecord[];
  /** Child manifests this manifest needs (index entries). */
  manifests: BlobRecord[];
  /**
   * What the config blob says about the artifact (`ConfigAttributes`), stored with the manifest;
   * null or absent when it has none or it was not read.
   */
  extraAttrs?: Record<string, unknown> | null;
}

export type CommitManifestResult =
  | { ok: true; created: boolean }
  | { ok: false; missingBlobs: string[]; missingManifests: string[] }
  /** A policy of the store refused the commit (e.g. `quota exceeded: …`); nothing was written. */
  | { ok: false; denied: string };

export interface PageRequest {
  limit: number;
  last?: string;
}

export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType: string | null;
  annotations: Record<string, string> | null;
}
