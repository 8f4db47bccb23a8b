import type { RegistryEvent } from './event-sink.js';

/**
 * Registry metadata: repositories, manifests, tags, references, which blobs each repository may
 * see, and upload sessions. The core implements it on PostgreSQL (`@berth/db`); it is the one
 * source of truth for everything but content bytes.
 *
 * When the store and the BlobDriver disagree, the store wins for visibility (a blob the store does
 * not link to a repository is unknown there) and the driver wins for content (a linked blob whose
 * bytes are gone answers BLOB_UNKNOWN).
 *
 * Events: every operation that changes registry content takes the events that describe the change
 * and records them durably in the same transaction as the change (an outbox), and only when the
 * change happened; a store that cannot record them must fail the change. Nothing else reports
 * changes, so subscribers (audit, webhooks, replication) never miss one and never hear of one
 * that did not commit.
 *
 * Every implementation passes the shared contract suite (`describeMetadataStore` in
 * `@berth/distribution/testing`).
 */
export interface MetadataStore {
  /** The blob's size when `repository` may see `digest`, else null. */
  getRepositoryBlob(repository: string, digest: string): Promise<{ size: number } | null>;

  /** Records a committed blob and makes it visible in `repository`, creating the repository if needed. */
  linkBlob(repository: string, blob: BlobRecord): Promise<void>;

  /**
   * Removes a blob from a repository's view, recording `events` with it. Resolves false (and
   * records nothing) when it was not visible there.
   */
  unlinkBlob(repository: string, digest: string, events: RegistryEvent[]): Promise<boolean>;

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
   * The same without the payload (what a `HEAD` answers), so the bytes are neither read nor
   * copied; null when unknown in that repository.
   */
  getManifestDescriptor(repository: string, reference: ManifestReference): Promise<ManifestDescriptor | null>;

  /**
   * Records a manifest, its references, the `tags` pointing at it (moved when they pointed
   * elsewhere) and `events`, in one transaction. Inside the transaction it checks that every
   * referenced blob is visible in the repository and every referenced child manifest exists there;
   * when any is missing nothing is written and the result lists them. A store may also refuse the
   * commit by policy (a storage quota): then nothing is written and the result carries `denied`, a
   * message for the client.
   */
  commitManifest(
    repository: string,
    manifest: NewManifest,
    tags: string[],
    events: RegistryEvent[],
  ): Promise<CommitManifestResult>;

  /**
   * Points `tag` at the manifest `digest` of the repository, with `events`, in one transaction.
   * `created`: the tag did not exist; `moved`: it pointed elsewhere and `replace` allowed moving it;
   * `unchanged`: it pointed there already; `exists`: it points elsewhere and `replace` is false;
   * `unknown`: no such manifest. Events are recorded only for `created` and `moved`.
   */
  tagManifest(
    repository: string,
    tag: string,
    digest: string,
    events: RegistryEvent[],
    options: { replace: boolean },
  ): Promise<'created' | 'moved' | 'unchanged' | 'exists' | 'unknown'>;

  /**
   * Deletes a manifest (and the tags pointing at it), with `events`. Resolves false (recording
   * nothing) when it did not exist, or, with `untaggedOnly` (garbage collection), when it has a tag
   * or an index of the repository lists it: checked under the manifest's lock, so a tag or index
   * pushed meanwhile keeps it.
   */
  deleteManifest(
    repository: string,
    digest: string,
    events: RegistryEvent[],
    options?: { untaggedOnly?: boolean },
  ): Promise<boolean>;

  /**
   * Deletes one tag, leaving the manifest, with `events`; when `digest` is given, only if the tag
   * points at that manifest. Resolves false (recording nothing) when there was no such tag.
   */
  deleteTag(repository: string, tag: string, events: RegistryEvent[], digest?: string): Promise<boolean>;

  /** Digests of every manifest of the repository; null when the repository does not exist. */
  listManifestDigests(repository: string): Promise<string[] | null>;

  /**
   * Deletes a repository that holds no manifest any more (its blob links go with it), with
   * `events`. Resolves `deleted`, `not-empty` (a manifest arrived meanwhile: nothing changed) or
   * `unknown`.
   */
  deleteRepository(repository: string, events: RegistryEvent[]): Promise<'deleted' | 'not-empty' | 'unknown'>;

  /**
   * Tags in lexical order after `last`, at most `limit`; null when the repository does not exist or
   * no manifest was ever pushed to it.
   */
  listTags(repository: string, page: PageRequest): Promise<string[] | null>;

  /**
   * Names of repositories that a manifest was pushed to, in lexical order after `last`, at most
   * `limit`. A repository whose uploads never became an artifact (a push refused by the quota) is
   * not listed; one whose artifacts were all deleted still is, until it is deleted itself.
   */
  listRepositories(page: PageRequest): Promise<string[]>;

  /** Manifests in `repository` whose `subject` is `digest`, optionally only of one artifact type. */
  listReferrers(repository: string, digest: string, artifactType?: string): Promise<ReferrerDescriptor[]>;

  /**
   * Runs `work` while garbage collection cannot delete the bytes of `digest` (its byte deletion
   * waits, then sees the blob row `work` wrote). The engine wraps every path that commits bytes or
   * creates a blob row in it: upload completion, mount, copy. `work` gets the store to use while
   * guarded (a store may bind it to the connection that holds the guard). Optional: a store without
   * a garbage collector omits it.
   */
  guardBlob?<T>(digest: string, work: (guarded: MetadataStore) => Promise<T>): Promise<T>;
}

/** `work` under the store's blob guard when it has one, given the store to use while guarded. */
export function guardedBlob<T>(
  metadata: MetadataStore,
  digest: string,
  work: (guarded: MetadataStore) => Promise<T>,
): Promise<T> {
  return metadata.guardBlob ? metadata.guardBlob(digest, work) : work(metadata);
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

export interface ManifestDescriptor {
  digest: string;
  mediaType: string;
  size: number;
}

export interface StoredManifest extends ManifestDescriptor {
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
