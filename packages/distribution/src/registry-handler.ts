import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import {
  AllowAllAuthorizer,
  type AccessRequest,
  type Authorizer,
  type RegistryAction,
} from './authorizer.js';
import type { BlobDriver } from './blob-driver.js';
import { sendBlobFile } from './blob-sender.js';
import { BlobService } from './blob.service.js';
import { CatalogService } from './catalog.service.js';
import { originOfRequest, RegistryEventFactory, type ChangeOrigin } from './change-origin.js';
import { parseDigest, requireDigest } from './digest.js';
import { RegistryError } from './errors.js';
import { NullEventSink, type EventSink } from './event-sink.js';
import {
  API_VERSION_HEADER,
  hasBody,
  isPrematureClose,
  parseByteRange,
  readLimitedBody,
  sendEmpty,
  sendError,
  sendJson,
} from './http.js';
import { MediaType } from './manifest.js';
import { ManifestService } from './manifest.service.js';
import type { ManifestDescriptor, MetadataStore } from './metadata-store.js';
import { isValidRepositoryName, isValidTag, requireRepositoryName } from './repository-name.js';
import { TagService } from './tag.service.js';
import type { TagPolicy } from './tag-policy.js';
import { UploadRangeError, UploadService } from './upload-service.js';

export interface RegistryOptions {
  blobs: BlobDriver;
  metadata: MetadataStore;
  authorizer?: Authorizer;
  /** Where pulls are reported (changes are recorded by the MetadataStore with the change). */
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
const BLOB_HEADERS_CACHE = 'max-age=31536000';

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

/** The engine's domain services, for callers other than `/v2/` (the core's API, a worker). */
export interface RegistryServices {
  /** Names this instance in the events of every service. */
  events: RegistryEventFactory;
  blobs: BlobService;
  manifests: ManifestService;
  tags: TagService;
  catalog: CatalogService;
  uploads: UploadService;
}

/** Builds the engine's services over one blob driver and metadata store. */
export function createRegistryServices(options: {
  blobs: BlobDriver;
  metadata: MetadataStore;
  instanceId?: string;
  /** Tags that must not move or go (immutability); none protected when absent. */
  tagPolicy?: TagPolicy;
}): RegistryServices {
  const events = new RegistryEventFactory(options.instanceId);
  const { tagPolicy } = options;
  return {
    events,
    blobs: new BlobService(options.blobs, options.metadata, events),
    manifests: new ManifestService(options.blobs, options.metadata, events, tagPolicy),
    tags: new TagService(options.metadata, events, tagPolicy),
    catalog: new CatalogService(options.metadata, events, tagPolicy),
    uploads: new UploadService(options.blobs, options.metadata),
  };
}

/**
 * The OCI Distribution API (`/v2/`) over Node's raw request and response: routing, authorization
 * and the protocol (headers, status codes, error bodies) around the engine's services. Bodies
 * stream through.
 */
export function createRegistryHandler(
  options: RegistryOptions,
  services?: RegistryServices,
): RegistryHandler {
  const registry = new RegistryProtocol(options, services ?? createRegistryServices(options));
  return (req, res) => void registry.handle(req, res);
}

class RegistryProtocol {
  private readonly authorizer: Authorizer;
  private readonly pulls: EventSink;
  private readonly maxManifestBytes: number;
  private readonly logger: NonNullable<RegistryOptions['logger']>;
  /** Who the authorizer said each request is, for the events' `actor`. */
  private readonly subjects = new WeakMap<IncomingMessage, string>();

  constructor(
    options: RegistryOptions,
    private readonly services: RegistryServices,
  ) {
    this.authorizer = options.authorizer ?? new AllowAllAuthorizer();
    this.pulls = options.events ?? new NullEventSink();
    this.maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    this.logger = options.logger ?? { error: (message, error) => console.error(message, error) };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader(API_VERSION_HEADER, 'registry/2.0');
    let route: Route | null = null;
    try {
      const rawUrl = req.url ?? '/';
      const queryStart = rawUrl.indexOf('?');
      const path = decodePath(queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart));
      const query = new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));
      route = matchRoute(path);
      if (!route)
        throw new RegistryError('UNSUPPORTED', `no such endpoint: ${path}`, undefined, { status: 404 });
      await this.dispatch(req, res, route, query);
    } catch (error) {
      this.fail(req, res, route, error);
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
            await this.services.blobs.delete(route.name, route.digest, this.origin(req));
            return sendEmpty(res, 202);
          default:
            throw notAllowed(method);
        }
      case 'upload':
        await this.authorizeRepository(req, route.name, ['pull', 'push']);
        if (route.uploadId === '') {
          if (method !== 'POST') throw notAllowed(method);
          return this.startUpload(req, res, route.name, query);
        }
        return this.continueUpload(req, res, method, route.name, route.uploadId, query);
      case 'referrers': {
        if (method !== 'GET') throw notAllowed(method);
        await this.authorizeRepository(req, route.name, ['pull']);
        return this.referrers(res, route.name, route.digest, query);
      }
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

  private origin(req: IncomingMessage): ChangeOrigin {
    return originOfRequest(req, this.subjects.get(req) ?? null);
  }

  // --- listings ------------------------------------------------------------------------------

  private async catalog(res: ServerResponse, query: URLSearchParams) {
    const { limit, last } = pageOf(query, 100);
    const names = await this.services.catalog.list({ limit: limit + 1, ...(last ? { last } : {}) });
    const page = names.slice(0, limit);
    const headers: Record<string, string> = {};
    if (names.length > limit && page.length > 0) {
      headers.Link = nextLink('/v2/_catalog', limit, page[page.length - 1]!);
    }
    sendJson(res, 200, { repositories: page }, headers);
  }

  private async tagList(res: ServerResponse, name: string, query: URLSearchParams) {
    const { limit, last } = pageOf(query, DEFAULT_PAGE_SIZE);
    const tags = await this.services.tags.list(name, { limit: limit + 1, ...(last ? { last } : {}) });
    const page = tags.slice(0, limit);
    const headers: Record<string, string> = {};
    if (tags.length > limit && page.length > 0) {
      headers.Link = nextLink(`/v2/${name}/tags/list`, limit, page[page.length - 1]!);
    }
    sendJson(res, 200, { name, tags: page }, headers);
  }

  private async referrers(res: ServerResponse, name: string, digest: string, query: URLSearchParams) {
    const artifactType = query.get('artifactType') ?? undefined;
    if (artifactType !== undefined) requireText(artifactType, 'artifactType');
    const found = await this.services.manifests.referrers(name, digest, artifactType);
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
    if (req.method === 'HEAD') {
      writeManifestHead(res, await this.services.manifests.describe(name, reference));
      res.end();
      return;
    }
    const manifest = await this.services.manifests.get(name, reference);
    writeManifestHead(res, manifest);
    res.end(manifest.payload);
    this.pulls.emit(
      this.services.events.create(this.origin(req), 'pull', 'artifact', {
        repository: name,
        digest: manifest.digest,
        mediaType: manifest.mediaType,
        size: manifest.size,
        ...(manifest.tag !== undefined ? { tag: manifest.tag } : {}),
      }),
    );
  }

  private async putManifest(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    reference: string,
    query: URLSearchParams,
  ) {
    const addressedDigest = parseDigest(reference) ? reference : undefined;
    const tags = addressedDigest ? query.getAll('tag') : [reference, ...query.getAll('tag')];
    // Names are checked before the body is read, so a bad tag costs no upload.
    if (!addressedDigest && !isValidTag(reference)) {
      throw new RegistryError('MANIFEST_INVALID', `invalid tag: ${reference.slice(0, 200)}`);
    }
    const payload = await readLimitedBody(req, this.maxManifestBytes, 'manifest');
    const stored = await this.services.manifests.put(
      name,
      {
        payload,
        contentType: req.headers['content-type'],
        ...(addressedDigest ? { digest: addressedDigest } : {}),
        tags,
      },
      this.origin(req),
    );
    const headers: Record<string, string> = {
      Location: `/v2/${name}/manifests/${stored.digest}`,
      'Docker-Content-Digest': stored.digest,
    };
    if (stored.subjectDigest) headers['OCI-Subject'] = stored.subjectDigest;
    sendEmpty(res, 201, headers);
  }

  private async deleteManifest(req: IncomingMessage, res: ServerResponse, name: string, reference: string) {
    if (parseDigest(reference)) await this.services.manifests.delete(name, reference, this.origin(req));
    else await this.services.tags.untag(name, reference, this.origin(req));
    sendEmpty(res, 202);
  }

  // --- blobs ---------------------------------------------------------------------------------

  private async getBlob(req: IncomingMessage, res: ServerResponse, name: string, digest: string) {
    const blob = await this.services.blobs.stat(name, digest);
    const common = {
      'Docker-Content-Digest': digest,
      'Accept-Ranges': 'bytes',
      ETag: `"${digest}"`,
      'Cache-Control': BLOB_HEADERS_CACHE,
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
    const range = parseByteRange(req.headers.range, blob.size);
    if (range === 'unsatisfiable') {
      throw new RegistryError('BLOB_UNKNOWN', 'requested range not satisfiable', undefined, {
        status: 416,
        headers: { 'Content-Range': `bytes */${blob.size}` },
      });
    }
    const content = await this.services.blobs.content(digest, range ?? undefined);
    if (content.kind === 'redirect') {
      sendEmpty(res, 307, { ...common, Location: content.url });
      return;
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
      if (content.kind === 'file')
        await sendBlobFile(res, content.file, range?.start ?? 0, range?.end ?? blob.size - 1);
      else await pipeline(content.stream, res);
    } finally {
      if (content.kind === 'file') await content.file.close();
    }
  }

  // --- uploads -------------------------------------------------------------------------------

  private async startUpload(req: IncomingMessage, res: ServerResponse, name: string, query: URLSearchParams) {
    const mount = query.get('mount');
    const from = query.get('from');
    if (mount && from && (await this.tryMount(req, res, name, mount, from))) return;

    const digest = query.get('digest');
    if (digest !== null && hasBody(req)) {
      const blob = await this.services.uploads.monolithic(name, requireDigest(digest), req);
      sendEmpty(res, 201, {
        Location: `/v2/${name}/blobs/${blob.digest}`,
        'Docker-Content-Digest': blob.digest,
      });
      return;
    }
    const session = await this.services.uploads.start(name);
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
    const blob = await this.services.blobs.mount(name, from, digest);
    if (!blob) return false;
    sendEmpty(res, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
    return true;
  }

  private async continueUpload(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    name: string,
    uploadId: string,
    query: URLSearchParams,
  ) {
    const chunk = {
      contentRange: header(req, 'content-range'),
      contentLength: header(req, 'content-length'),
    };
    switch (method) {
      case 'GET':
        return sendEmpty(
          res,
          204,
          uploadHeaders(name, uploadId, await this.services.uploads.size(name, uploadId)),
        );
      case 'PATCH': {
        const size = await this.services.uploads.patch(name, uploadId, req, chunk);
        return sendEmpty(res, 202, uploadHeaders(name, uploadId, size));
      }
      case 'PUT': {
        const body = hasBody(req) ? req : null;
        const blob = await this.services.uploads.complete(name, uploadId, query.get('digest'), body, chunk);
        return sendEmpty(res, 201, {
          Location: `/v2/${name}/blobs/${blob.digest}`,
          'Docker-Content-Digest': blob.digest,
        });
      }
      case 'DELETE':
        await this.services.uploads.cancel(name, uploadId);
        return sendEmpty(res, 204);
      default:
        throw notAllowed(method);
    }
  }

  // --- plumbing ------------------------------------------------------------------------------

  private fail(req: IncomingMessage, res: ServerResponse, route: Route | null, error: unknown) {
    if (error instanceof UploadRangeError && route?.kind === 'upload') {
      return sendError(
        req,
        res,
        new RegistryError(error.code, error.message, undefined, {
          status: error.status,
          headers: uploadHeaders(route.name, route.uploadId, error.currentSize),
        }),
      );
    }
    if (error instanceof RegistryError) return sendError(req, res, error);
    if (isPrematureClose(error) || req.destroyed) {
      res.destroy();
      return;
    }
    const requestId = randomUUID();
    this.logger.error(`registry request ${requestId} ${req.method} ${req.url} failed`, error);
    sendError(req, res, new RegistryError('UNKNOWN', `internal error (request ${requestId})`));
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
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new RegistryError('NAME_INVALID', 'malformed percent-encoding in path');
  }
  return decoded;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Query values are text a client chose. Tags, repository names and media types are printable ASCII,
 * so anything else (NUL and control characters, bytes that were not UTF-8, which URLSearchParams
 * turns into U+FFFD) and absurd lengths are refused here, before they reach the store.
 */
function requireText(value: string, name: string, maxLength = 512): string {
  if (value.length > maxLength || !/^[\x20-\x7e]*$/.test(value)) {
    throw new RegistryError(
      'PARAMETER_INVALID',
      `${name} must be printable ASCII of at most ${maxLength} characters`,
    );
  }
  return value;
}

function pageOf(query: URLSearchParams, defaultSize: number): { limit: number; last: string | undefined } {
  const n = query.get('n');
  let limit = defaultSize;
  if (n !== null) {
    if (!/^\d{1,9}$/.test(n)) {
      throw new RegistryError(
        'PAGINATION_NUMBER_INVALID',
        `n must be a non-negative integer: ${n.slice(0, 32)}`,
      );
    }
    limit = Math.min(Number(n), MAX_PAGE_SIZE);
  }
  const last = query.get('last');
  return { limit, last: last === null ? undefined : requireText(last, 'last') };
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

/** The headers a manifest's GET and HEAD share. */
function writeManifestHead(res: ServerResponse, manifest: ManifestDescriptor): void {
  res.writeHead(200, {
    'Content-Type': manifest.mediaType,
    'Content-Length': manifest.size,
    'Docker-Content-Digest': manifest.digest,
    ETag: `"${manifest.digest}"`,
  });
}
