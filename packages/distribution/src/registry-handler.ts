import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  AllowAllAuthorizer,
  type AccessRequest,
  type Authorizer,
  type RegistryAction,
} from './authorizer.js';
import type { BlobDriver } from './blob-driver.js';
import { sendBlobFile } from './blob-sender.js';
import { readConfigAttributes } from './config-attributes.js';
import { parseDigest, requireDigest, digestOf } from './digest.js';
import { RegistryError } from './errors.js';
import { NullEventSink, type EventSink, type RegistryEvent } from './event-sink.js';
import {
  API_VERSION_HEADER,
  hasBody,
  isPrematureClose,
  parseByteRange,
  parseContentRange,
  readLimitedBody,
  sendEmpty,
  sendError,
  sendJson,
} from './http.js';
import { MediaType, parseManifest } from './manifest.js';
import type { ManifestReference, MetadataStore } from './metadata-store.js';
import { isValidRepositoryName, isValidTag, requireRepositoryName } from './repository-name.js';
import { UploadService } from './upload-service.js';

export interface RegistryOptions {
  blobs: BlobDriver;
  metadata: MetadataStore;
  authorizer?: Authorizer;
  events?: EventSink;
  /** Names this instance in events. */
  instanceId?: string;
  /** Largest manifest accepted, in bytes (4 MiB, as CNCF distribution). */
  maxManifestBytes?: number;
  logger?: { error(message: string, error?: unknown): void };
}

export type RegistryHandler = (req: IncomingMessage, res: ServerResponse) => void;

const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGE_SIZE = 10000;

const ROUTE_PATTERN =
  /^\/v2\/(.+)\/(?:(tags)\/list|(manifests)\/([^/]+)|(blobs)\/uploads\/([^/]*)|(blobs)\/([^/]+)|(referrers)\/([^/]+))$/;

type Route =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'upload'; name: string; uploadId: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'referrers'; name: string; digest: string };

/** The OCI Distribution API (`/v2/`) over Node's raw request and response: bodies stream through. */
export function createRegistryHandler(options: RegistryOptions): RegistryHandler {
  const registry = new Registry(options);
  return (req, res) => void registry.handle(req, res);
}

class Registry {
  private readonly blobs: BlobDriver;
  private readonly metadata: MetadataStore;
  private readonly authorizer: Authorizer;
  private readonly events: EventSink;
  private readonly uploads: UploadService;
  private readonly instanceId: string;
  private readonly maxManifestBytes: number;
  private readonly logger: NonNullable<RegistryOptions['logger']>;
  /** Who the authorizer said each request is, for the events' `actor`. */
  private readonly subjects = new WeakMap<IncomingMessage, string>();

  constructor(options: RegistryOptions) {
    this.blobs = options.blobs;
    this.metadata = options.metadata;
    this.authorizer = options.authorizer ?? new AllowAllAuthorizer();
    this.events = options.events ?? new NullEventSink();
    this.uploads = new UploadService(options.blobs, options.metadata);
    this.instanceId = options.instanceId ?? randomUUID();
    this.maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    this.logger = options.logger ?? { error: (message, error) => console.error(message, error) };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader(API_VERSION_HEADER, 'registry/2.0');
    try {
      const rawUrl = req.url ?? '/';
      const queryStart = rawUrl.indexOf('?');
      const path = decodePath(queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart));
      const query = new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));
      const route = matchRoute(path);
      if (!route)
        throw new RegistryError('UNSUPPORTED', `no such endpoint: ${path}`, undefined, { status: 404 });
      await this.dispatch(req, res, route, query);
    } catch (error) {
      this.fail(req, res, error);
    }
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams) {
    const method = req.method ?? 'GET';
    switch (route.kind) {
      case 'base':
        if (method !== 'GET' && method !== 'HEAD') throw notAllowed(method);
        await this.authorize(req, { kind: 'base', repository: null, actions: [] });
        return sendJson(res, 200, {});
      case 'catalog':
        if (method !== 'GET') throw notAllowed(method);
        await this.authorize(req, { kind: 'catalog', repository: null, actions: ['pull'] });
        return this.catalog(res, query);
      case 'tags':
        if (method !== 'GET') throw notAllowed(method);
        await this.authorizeRepository(req, route.name, ['pull']);
        return this.tagList(res, route.name, query);
      case 'manifest':
        switch (method) {
          case 'GET':
          case 'HEAD':
            await this.authorizeRepository(req, route.name, ['pull']);
            return this.getManifest(req, res, route.name, route.reference);
          case 'PUT':
            await this.authorizeRepository(req, route.name, ['pull', 'push']);
            return this.putManifest(req, res, route.name, route.reference, query);
          case 'DELETE':
            await this.authorizeRepository(req, route.name, ['delete']);
            return this.deleteManifest(req, res, route.name, route.reference);
          default:
            throw notAllowed(method);
        }
      case 'blob':
        switch (method) {
          case 'GET':
          case 'HEAD':
            await this.authorizeRepository(req, route.name, ['pull']);
            return this.getBlob(req, res, route.name, route.digest);
          case 'DELETE':
            await this.authorizeRepository(req, route.name, ['delete']);
            return this.deleteBlob(req, res, route.name, route.digest);
          default:
            throw notAllowed(method);
        }
      case 'upload':
        await this.authorizeRepository(req, route.name, ['pull', 'push']);
        if (route.uploadId === '') {
          if (method !== 'POST') throw notAllowed(method);
          return this.startUpload(req, res, route.name, query);
        }
        switch (method) {
          case 'GET':
            return this.uploadStatus(res, route.name, route.uploadId);
          case 'PATCH':
            return this.patchUpload(req, res, route.name, route.uploadId);
          case 'PUT':
            return this.completeUpload(req, res, route.name, route.uploadId, query);
          case 'DELETE':
            await this.uploads.exclusive(route.uploadId, () =>
              this.uploads.cancel(route.name, route.uploadId),
            );
            return sendEmpty(res, 204);
          default:
            throw notAllowed(method);
        }
      case 'referrers':
        if (method !== 'GET') throw notAllowed(method);
        await this.authorizeRepository(req, route.name, ['pull']);
        return this.referrers(res, route.name, route.digest, query);
    }
  }

  // --- authorization -------------------------------------------------------------------------

  private async authorizeRepository(req: IncomingMessage, name: string, actions: RegistryAction[]) {
    requireRepositoryName(name);
    await this.authorize(req, { kind: 'repository', repository: name, actions });
  }

  private async authorize(req: IncomingMessage, access: AccessRequest): Promise<void> {
    const result = await this.authorizer.authorize(req, access);
    if (result.allowed) {
      if (result.subject) this.subjects.set(req, result.subject);
      return;
    }
    const headers: Record<string, string> = result.challenge ? { 'WWW-Authenticate': result.challenge } : {};
    throw new RegistryError(result.status === 401 ? 'UNAUTHORIZED' : 'DENIED', result.message, undefined, {
      status: result.status,
      headers,
    });
  }

  // --- listings ------------------------------------------------------------------------------

  private async catalog(res: ServerResponse, query: URLSearchParams) {
    const { limit, last } = pageOf(query, 100);
    const names = await this.metadata.listRepositories({ limit: limit + 1, ...(last ? { last } : {}) });
    const page = names.slice(0, limit);
    const headers: Record<string, string> = {};
    if (names.length > limit && page.length > 0) {
      headers.Link = nextLink('/v2/_catalog', limit, page[page.length - 1]!);
    }
    sendJson(res, 200, { repositories: page }, headers);
  }

  private async tagList(res: ServerResponse, name: string, query: URLSearchParams) {
    const { limit, last } = pageOf(query, DEFAULT_PAGE_SIZE);
    const tags = await this.metadata.listTags(name, { limit: limit + 1, ...(last ? { last } : {}) });
    if (tags === null) throw new RegistryError('NAME_UNKNOWN', `repository ${name} not known to registry`);
    const page = tags.slice(0, limit);
    const headers: Record<string, string> = {};
    if (tags.length > limit && page.length > 0) {
      headers.Link = nextLink(`/v2/${name}/tags/list`, limit, page[page.length - 1]!);
    }
    sendJson(res, 200, { name, tags: page }, headers);
  }

  private async referrers(res: ServerResponse, name: string, digest: string, query: URLSearchParams) {
    requireDigest(digest);
    const artifactType = query.get('artifactType') ?? undefined;
    const found = await this.metadata.listReferrers(name, digest, artifactType);
    const manifests = found.map((referrer) => ({
      mediaType: referrer.mediaType,
      digest: referrer.digest,
      size: referrer.size,
      ...(referrer.artifactType ? { artifactType: referrer.artifactType } : {}),
      ...(referrer.annotations ? { annotations: referrer.annotations } : {}),
    }));
    const headers: Record<string, string> = artifactType ? { 'OCI-Filters-Applied': 'artifactType' } : {};
    sendJson(
      res,
      200,
      { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests },
      headers,
      MediaType.OciIndex,
    );
  }

  // --- manifests -----------------------------------------------------------------------------

  private async getManifest(req: IncomingMessage, res: ServerResponse, name: string, reference: string) {
    const ref = manifestReference(reference);
    const manifest = ref ? await this.metadata.getManifest(name, ref) : null;
    if (!manifest) throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} not found in ${name}`);
    res.writeHead(200, {
      'Content-Type': manifest.mediaType,
      'Content-Length': manifest.size,
      'Docker-Content-Digest': manifest.digest,
      ETag: `"${manifest.digest}"`,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.end(manifest.payload);
    this.emit(req, 'pull', {
      repository: name,
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      size: manifest.size,
      ...('tag' in ref! ? { tag: ref.tag } : {}),
    });
  }

  private async putManifest(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    reference: string,
    query: URLSearchParams,
  ) {
    const referenceDigest = parseDigest(reference);
    if (!referenceDigest && !isValidTag(reference)) {
      throw new RegistryError('MANIFEST_INVALID', `invalid tag: ${reference.slice(0, 200)}`);
    }
    const extraTags = query.getAll('tag');
    for (const tag of extraTags) {
      if (!isValidTag(tag)) throw new RegistryError('MANIFEST_INVALID', `invalid tag: ${tag.slice(0, 200)}`);
    }
    const payload = await readLimitedBody(req, this.maxManifestBytes, 'manifest');
    const digest = digestOf(payload, referenceDigest?.algorithm ?? 'sha256');
    if (referenceDigest && digest !== reference) {
      throw new RegistryError('DIGEST_INVALID', `manifest digest ${digest} does not match ${reference}`);
    }
    const parsed = parseManifest(payload, req.headers['content-type']);
    const tags = referenceDigest ? extraTags : [reference, ...extraTags];
    const manifest = {
      digest,
      mediaType: parsed.mediaType,
      artifactType: parsed.artifactType,
      size: payload.length,
      payload,
      subjectDigest: parsed.subjectDigest,
      annotations: parsed.annotations,
      blobs: parsed.blobs,
      manifests: parsed.manifests,
      // Read before the commit so the attributes land in the same transaction as the manifest.
      // The config's bytes are not yet known to be linked to this repository; the commit checks
      // that and stores nothing when they are not, so nothing read here leaks.
      extraAttrs: parsed.manifests.length === 0 ? await readConfigAttributes(this.blobs, payload) : null,
    };
    const result = await this.metadata.commitManifest(name, manifest, tags[0]);
    if (!result.ok && 'denied' in result) {
      throw new RegistryError('DENIED', result.denied, undefined, { status: 403 });
    }
    if (!result.ok) {
      const missing = [...result.missingBlobs, ...result.missingManifests];
      throw new RegistryError(
        'MANIFEST_BLOB_UNKNOWN',
        `manifest references ${missing.length === 1 ? 'a blob' : 'blobs'} unknown in ${name}: ${missing.join(', ')}`,
        { missing },
      );
    }
    for (const tag of tags.slice(1)) await this.metadata.commitManifest(name, manifest, tag);
    const headers: Record<string, string> = {
      Location: `/v2/${name}/manifests/${digest}`,
      'Docker-Content-Digest': digest,
    };
    if (parsed.subjectDigest) headers['OCI-Subject'] = parsed.subjectDigest;
    sendEmpty(res, 201, headers);
    for (const tag of tags.length ? tags : [undefined]) {
      this.emit(req, 'push', {
        repository: name,
        digest,
        mediaType: parsed.mediaType,
        size: payload.length,
        ...(tag ? { tag } : {}),
      });
    }
  }

  private async deleteManifest(req: IncomingMessage, res: ServerResponse, name: string, reference: string) {
    const ref = manifestReference(reference);
    if (!ref) throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} not found in ${name}`);
    const deleted =
      'digest' in ref
        ? await this.metadata.deleteManifest(name, ref.digest)
        : await this.metadata.deleteTag(name, ref.tag);
    if (!deleted) throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} not found in ${name}`);
    sendEmpty(res, 202);
    this.emit(req, 'delete', {
      repository: name,
      ...('digest' in ref ? { digest: ref.digest } : { tag: ref.tag }),
    });
  }

  // --- blobs ---------------------------------------------------------------------------------

  private async getBlob(req: IncomingMessage, res: ServerResponse, name: string, digest: string) {
    requireDigest(digest);
    const blob = await this.metadata.getRepositoryBlob(name, digest);
    if (!blob) throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} not found in ${name}`);
    const common = {
      'Docker-Content-Digest': digest,
      'Accept-Ranges': 'bytes',
      ETag: `"${digest}"`,
      'Cache-Control': 'max-age=31536000',
    };
    if (req.method === 'HEAD') {
      res.writeHead(200, {
        ...common,
        'Content-Type': 'application/octet-stream',
        'Content-Length': blob.size,
      });
      res.end();
      return;
    }
    const redirect = this.blobs.redirectUrl ? await this.blobs.redirectUrl(digest) : null;
    if (redirect) {
      sendEmpty(res, 307, { ...common, Location: redirect });
      return;
    }
    const range = parseByteRange(req.headers.range, blob.size);
    if (range === 'unsatisfiable') {
      throw new RegistryError('BLOB_UNKNOWN', 'requested range not satisfiable', undefined, {
        status: 416,
        headers: { 'Content-Range': `bytes */${blob.size}` },
      });
    }
    const file = this.blobs.open ? await this.blobs.open(digest) : null;
    const stream = file ? null : await this.blobs.read(digest, range ?? undefined);
    if (!file && !stream) {
      throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} content is missing from storage`);
    }
    try {
      if (range) {
        res.writeHead(206, {
          ...common,
          'Content-Type': 'application/octet-stream',
          'Content-Length': range.end - range.start + 1,
          'Content-Range': `bytes ${range.start}-${range.end}/${blob.size}`,
        });
      } else {
        res.writeHead(200, {
          ...common,
          'Content-Type': 'application/octet-stream',
          'Content-Length': blob.size,
        });
      }
      if (file) await sendBlobFile(res, file, range?.start ?? 0, range?.end ?? blob.size - 1);
      else await pipeline(stream!, res);
    } finally {
      await file?.close();
    }
    this.emit(req, 'pull', {
      repository: name,
      digest,
      size: blob.size,
      mediaType: 'application/octet-stream',
    });
  }

  private async deleteBlob(req: IncomingMessage, res: ServerResponse, name: string, digest: string) {
    requireDigest(digest);
    if (!(await this.metadata.unlinkBlob(name, digest))) {
      throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} not found in ${name}`);
    }
    sendEmpty(res, 202);
    this.emit(req, 'delete', { repository: name, digest, mediaType: 'application/octet-stream' });
  }

  // --- uploads -------------------------------------------------------------------------------

  private async startUpload(req: IncomingMessage, res: ServerResponse, name: string, query: URLSearchParams) {
    const mount = query.get('mount');
    const from = query.get('from');
    if (mount && from && (await this.tryMount(req, res, name, mount, from))) return;

    const digest = query.get('digest');
    if (digest !== null && hasBody(req)) {
      const blob = await this.uploads.monolithic(name, requireDigest(digest), req);
      sendEmpty(res, 201, {
        Location: `/v2/${name}/blobs/${blob.digest}`,
        'Docker-Content-Digest': blob.digest,
      });
      this.emit(req, 'push', {
        repository: name,
        digest: blob.digest,
        size: blob.size,
        mediaType: 'application/octet-stream',
      });
      return;
    }
    const session = await this.uploads.start(name);
    sendEmpty(res, 202, uploadHeaders(name, session.id, 0));
  }

  /** Links a blob from another repository the caller may pull; false falls back to an upload. */
  private async tryMount(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    digest: string,
    from: string,
  ) {
    // Arguments a mount cannot use make it fall back to an upload, as the spec asks.
    if (!parseDigest(digest) || !isValidRepositoryName(from)) return false;
    const access = await this.authorizer.authorize(req, {
      kind: 'repository',
      repository: from,
      actions: ['pull'],
    });
    if (!access.allowed) return false;
    const blob = await this.metadata.getRepositoryBlob(from, digest);
    if (!blob) return false;
    await this.metadata.linkBlob(name, { digest, size: blob.size });
    sendEmpty(res, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
    this.emit(req, 'mount', {
      repository: name,
      digest,
      size: blob.size,
      mediaType: 'application/octet-stream',
    });
    return true;
  }

  private async uploadStatus(res: ServerResponse, name: string, uploadId: string) {
    const size = await this.uploads.size(name, uploadId);
    sendEmpty(res, 204, uploadHeaders(name, uploadId, size));
  }

  private async patchUpload(req: IncomingMessage, res: ServerResponse, name: string, uploadId: string) {
    const newSize = await this.uploads.exclusive(uploadId, async () => {
      const size = await this.uploads.size(name, uploadId);
      const range = this.checkChunkRange(req, name, uploadId, size);
      let written: number;
      try {
        written = await this.uploads.appendChunk(uploadId, size, req);
      } catch (error) {
        this.uploads.forget(uploadId);
        throw error;
      }
      if (range && written - size !== range.end - range.start + 1) {
        await this.uploads.truncate(uploadId, size);
        throw new RegistryError(
          'SIZE_INVALID',
          `chunk carried ${written - size} bytes, Content-Range announced ${range.end - range.start + 1}`,
        );
      }
      return written;
    });
    sendEmpty(res, 202, uploadHeaders(name, uploadId, newSize));
  }

  private async completeUpload(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    uploadId: string,
    query: URLSearchParams,
  ) {
    const expected = requireDigest(query.get('digest'));
    const blob = await this.uploads.exclusive(uploadId, async () => {
      const size = await this.uploads.size(name, uploadId);
      this.checkChunkRange(req, name, uploadId, size);
      try {
        return await this.uploads.complete(name, uploadId, size, expected, hasBody(req) ? req : null);
      } catch (error) {
        this.uploads.forget(uploadId);
        throw error;
      }
    });
    sendEmpty(res, 201, {
      Location: `/v2/${name}/blobs/${blob.digest}`,
      'Docker-Content-Digest': blob.digest,
    });
    this.emit(req, 'push', {
      repository: name,
      digest: blob.digest,
      size: blob.size,
      mediaType: 'application/octet-stream',
    });
  }

  /** Checks a chunk's `Content-Range` against the upload's size: a gap or overlap answers 416. */
  private checkChunkRange(req: IncomingMessage, name: string, uploadId: string, size: number) {
    const range = parseContentRange(req.headers['content-range']);
    if (range === null) return null;
    if (range === 'invalid' || range.start !== size) {
      throw new RegistryError(
        'BLOB_UPLOAD_INVALID',
        `Content-Range must start at the upload's current size ${size}`,
        undefined,
        { status: 416, headers: uploadHeaders(name, uploadId, size) },
      );
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) !== range.end - range.start + 1) {
      throw new RegistryError('SIZE_INVALID', 'Content-Length does not match Content-Range');
    }
    return range;
  }

  // --- plumbing ------------------------------------------------------------------------------

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown) {
    if (error instanceof RegistryError) return sendError(req, res, error);
    if (isPrematureClose(error) || req.destroyed) {
      res.destroy();
      return;
    }
    const requestId = randomUUID();
    this.logger.error(`registry request ${requestId} ${req.method} ${req.url} failed`, error);
    sendError(req, res, new RegistryError('UNKNOWN', `internal error (request ${requestId})`));
  }

  private emit(req: IncomingMessage, action: RegistryEvent['action'], target: RegistryEvent['target']) {
    const addr = req.socket.remoteAddress ?? '';
    this.events.emit({
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      action,
      target,
      request: {
        id: (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
        addr,
        host: req.headers.host ?? '',
        method: req.method ?? '',
        useragent: req.headers['user-agent'] ?? '',
      },
      actor: this.subjects.has(req) ? { name: this.subjects.get(req)! } : {},
      source: { addr: req.socket.localAddress ?? '', instanceID: this.instanceId },
    });
  }
}

function matchRoute(path: string): Route | null {
  if (path === '/v2' || path === '/v2/') return { kind: 'base' };
  if (path === '/v2/_catalog') return { kind: 'catalog' };
  const match = ROUTE_PATTERN.exec(path);
  if (!match) return null;
  const name = match[1]!;
  if (match[2]) return { kind: 'tags', name };
  if (match[3]) return { kind: 'manifest', name, reference: match[4]! };
  if (match[5]) return { kind: 'upload', name, uploadId: match[6]! };
  if (match[7]) return { kind: 'blob', name, digest: match[8]! };
  return { kind: 'referrers', name, digest: match[10]! };
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new RegistryError('NAME_INVALID', 'malformed percent-encoding in path');
  }
}

function manifestReference(reference: string): ManifestReference | null {
  if (parseDigest(reference)) return { digest: reference };
  if (isValidTag(reference)) return { tag: reference };
  return null;
}

function pageOf(query: URLSearchParams, defaultSize: number): { limit: number; last: string | undefined } {
  const n = query.get('n');
  let limit = defaultSize;
  if (n !== null) {
    if (!/^\d+$/.test(n))
      throw new RegistryError('PAGINATION_NUMBER_INVALID', `n must be a non-negative integer: ${n}`);
    limit = Math.min(Number(n), MAX_PAGE_SIZE);
  }
  return { limit, last: query.get('last') ?? undefined };
}

function nextLink(path: string, limit: number, last: string): string {
  return `<${path}?n=${limit}&last=${encodeURIComponent(last)}>; rel="next"`;
}

function uploadHeaders(name: string, uploadId: string, size: number): Record<string, string> {
  return {
    Location: `/v2/${name}/blobs/uploads/${uploadId}`,
    Range: `0-${Math.max(size - 1, 0)}`,
    'Docker-Upload-UUID': uploadId,
  };
}

function notAllowed(method: string): RegistryError {
  return new RegistryError('UNSUPPORTED', `method ${method} is not allowed here`, undefined, { status: 405 });
}
