/**
 * Test content for the registry, built in code: blobs, OCI and Docker manifests, indexes,
 * artifacts with `artifactType` and `subject`, and a small fetch-based client that pushes them.
 *
 * The media types here are written out independently of `@berth/distribution` on purpose: the
 * conformance suite must not take the system under test's word for what the spec says.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  HelmConfig: 'application/vnd.cncf.helm.config.v1+json',
  HelmChart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  HelmProvenance: 'application/vnd.cncf.helm.chart.provenance.v1.prov',
  CosignSignatureArtifact: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  CosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  SpdxJson: 'application/spdx+json',
  WasmConfig: 'application/vnd.wasm.config.v0+json',
  WasmContent: 'application/vnd.wasm.content.layer.v1+wasm',
} as const;

// --- digests and blobs -------------------------------------------------------------------------

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The hex part of a digest (`sha256:abc…` → `abc…`). */
export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** A well-formed digest of content that was never pushed. */
export function unknownDigest(): string {
  return sha256(randomBytes(32));
}

/** A short random lower-case suffix for repository names and tags. */
export function randomSuffix(bytes = 4): string {
  return randomBytes(bytes).toString('hex');
}

/** A repository name unique to this run: `<prefix>-<random>`. */
export function uniqueRepo(prefix: string): string {
  return `${prefix}-${randomSuffix()}`;
}

/** Bytes addressed by their digest, with the media type a descriptor of them carries. */
export interface Content {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
}

export function content(bytes: Buffer | string, mediaType = 'application/octet-stream'): Content {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return { mediaType, digest: sha256(buffer), size: buffer.length, bytes: buffer };
}

/** Random bytes (not a real tar: the API suite never unpacks layers). */
export function randomBlob(size = 1024, mediaType: string = MediaType.OciLayerGzip): Content {
  return content(randomBytes(size), mediaType);
}

export function descriptorOf(item: Content, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: item.mediaType, digest: item.digest, size: item.size, ...extra };
}

/** The OCI empty descriptor's content: `{}` as `application/vnd.oci.empty.v1+json`. */
export function emptyConfig(): Content {
  return content('{}', MediaType.OciEmpty);
}

/** Serialises JSON with a stable key order of the caller's choosing (insertion order). */
export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

// --- configs, manifests and indexes ------------------------------------------------------------

export interface ImageConfigOptions {
  architecture?: string;
  os?: string;
  variant?: string;
  /** `rootfs.diff_ids`: digests of the uncompressed layers. */
  diffIds?: string[];
  cmd?: string[];
  env?: string[];
  mediaType?: string;
  created?: string;
}

export function imageConfig(options: ImageConfigOptions = {}): Content {
  const diffIds = options.diffIds ?? [];
  const created = options.created ?? '2024-01-01T00:00:00Z';
  const config: Record<string, unknown> = {
    created,
    architecture: options.architecture ?? 'amd64',
    os: options.os ?? 'linux',
    ...(options.variant ? { variant: options.variant } : {}),
    config: {
      Env: options.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: options.cmd ?? ['/hello'],
    },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, index) => ({ created, created_by: `berth test layer ${index}` })),
  };
  return content(jsonBytes(config), options.mediaType ?? MediaType.OciConfig);
}

/** A manifest's content plus what it references, so a client can push everything it needs. */
export interface Manifest extends Content {
  json: Record<string, unknown>;
  /** Blobs the manifest references (config first, then layers). */
  blobs: Content[];
  /** Child manifests (for indexes), in the order they appear. */
  children: Manifest[];
}

export interface ImageManifestOptions {
  config: Content;
  layers: Content[];
  mediaType?: string;
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
  /** Leave the `mediaType` field out of the body (OCI allows it; the Content-Type then decides). */
  omitMediaType?: boolean;
}

export function imageManifest(options: ImageManifestOptions): Manifest {
  const mediaType = options.mediaType ?? MediaType.OciManifest;
  const json: Record<string, unknown> = {
    schemaVersion: 2,
    ...(options.omitMediaType ? {} : { mediaType }),
    ...(options.artifactType ? { artifactType: options.artifactType } : {}),
    config: descriptorOf(options.config),
    layers: options.layers.map((layer) => descriptorOf(layer)),
    ...(options.subject ? { subject: options.subject } : {}),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const bytes = jsonBytes(json);
  return {
    mediaType,
    digest: sha256(bytes),
    size: bytes.length,
    bytes,
    json,
    blobs: [options.config, ...options.layers],
    children: [],
  };
}

export interface IndexEntry {
  manifest: Manifest;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageIndexOptions {
  mediaType?: string;
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export function imageIndex(entries: IndexEntry[], options: ImageIndexOptions = {}): Manifest {
  const mediaType = options.mediaType ?? MediaType.OciIndex;
  const json: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType,
    ...(options.artifactType ? { artifactType: options.artifactType } : {}),
    manifests: entries.map((entry) =>
      descriptorOf(entry.manifest, {
        ...(entry.platform ? { platform: entry.platform } : {}),
        ...(entry.annotations ? { annotations: entry.annotations } : {}),
      }),
    ),
    ...(options.subject ? { subject: options.subject } : {}),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const bytes = jsonBytes(json);
  return {
    mediaType,
    digest: sha256(bytes),
    size: bytes.length,
    bytes,
    json,
    blobs: [],
    children: entries.map((entry) => entry.manifest),
  };
}

export interface RandomImageOptions {
  layers?: number;
  layerSize?: number;
  platform?: Platform;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** An OCI image of random layers. */
export function randomImage(options: RandomImageOptions = {}): Manifest {
  const layers = Array.from({ length: options.layers ?? 2 }, () => randomBlob(options.layerSize ?? 2048));
  const config = imageConfig({
    architecture: options.platform?.architecture ?? 'amd64',
    os: options.platform?.os ?? 'linux',
    ...(options.platform?.variant ? { variant: options.platform.variant } : {}),
    diffIds: layers.map(() => unknownDigest()),
  });
  return imageManifest({
    config,
    layers,
    ...(options.subject ? { subject: options.subject } : {}),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  });
}

/** A Docker schema2 image of random layers. */
export function randomDockerImage(options: { layers?: number; layerSize?: number } = {}): Manifest {
  const layers = Array.from({ length: options.layers ?? 2 }, () =>
    randomBlob(options.layerSize ?? 2048, MediaType.DockerLayerGzip),
  );
  const config = imageConfig({
    diffIds: layers.map(() => unknownDigest()),
    mediaType: MediaType.DockerConfig,
  });
  return imageManifest({ config, layers, mediaType: MediaType.DockerManifest });
}

export const AMD64: Platform = { architecture: 'amd64', os: 'linux' };
export const ARM64: Platform = { architecture: 'arm64', os: 'linux', variant: 'v8' };

/** An OCI index of two random images for linux/amd64 and linux/arm64. */
export function randomMultiPlatformIndex(mediaType: string = MediaType.OciIndex): Manifest {
  const docker = mediaType === MediaType.DockerManifestList;
  const entries = [AMD64, ARM64].map((platform) => ({
    manifest: docker ? randomDockerImage() : randomImage({ platform }),
    platform,
  }));
  return imageIndex(entries, { mediaType });
}

// --- artifacts ---------------------------------------------------------------------------------

export interface ArtifactOptions {
  artifactType?: string;
  /** Config content; the OCI empty config when left out. */
  config?: Content;
  blobs: Content[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** An artifact as an OCI image manifest (the OCI 1.1 way: `artifactType` and an empty config). */
export function artifactManifest(options: ArtifactOptions): Manifest {
  return imageManifest({
    config: options.config ?? emptyConfig(),
    layers: options.blobs.length ? options.blobs : [emptyConfig()],
    ...(options.artifactType ? { artifactType: options.artifactType } : {}),
    ...(options.subject ? { subject: options.subject } : {}),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  });
}

/** A Helm chart as `helm push` writes it: the type is the config's media type, no `artifactType`. */
export function helmChart(name = 'berth-demo', version = '0.1.0'): Manifest {
  const config = content(
    jsonBytes({ name, version, apiVersion: 'v2', description: 'A chart pushed by the Berth test-suite' }),
    MediaType.HelmConfig,
  );
  const chart = randomBlob(1536, MediaType.HelmChart);
  return imageManifest({
    config,
    layers: [chart],
    annotations: { 'org.opencontainers.image.title': name, 'org.opencontainers.image.version': version },
  });
}

/** A cosign-like signature that refers to `subject`. */
export function cosignSignature(subject: Descriptor): Manifest {
  const payload = content(
    jsonBytes({
      critical: {
        identity: { 'docker-reference': 'berth.test/signed' },
        image: { 'docker-manifest-digest': subject.digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
    MediaType.CosignSimpleSigning,
  );
  return imageManifest({
    config: emptyConfig(),
    layers: [payload],
    artifactType: MediaType.CosignSignatureArtifact,
    subject,
    annotations: {
      'dev.cosignproject.cosign/signature': randomBytes(64).toString('base64'),
      'org.opencontainers.image.created': '2024-01-01T00:00:00Z',
    },
  });
}

/** An SPDX SBOM attached to `subject`. */
export function sbom(subject: Descriptor): Manifest {
  const document = content(
    jsonBytes({
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'berth-test',
      documentNamespace: `https://berth.test/spdx/${randomSuffix(8)}`,
      packages: [],
    }),
    MediaType.SpdxJson,
  );
  return artifactManifest({
    artifactType: MediaType.SpdxJson,
    blobs: [document],
    subject,
    annotations: { 'org.example.sbom.format': 'spdx' },
  });
}

/** A WebAssembly module as wasm-to-oci pushes it (typed by its config's media type). */
export function wasmModule(): Manifest {
  const module = Buffer.concat([
    Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
    randomBytes(256),
  ]);
  return imageManifest({
    config: content('{}', MediaType.WasmConfig),
    layers: [content(module, MediaType.WasmContent)],
  });
}

// --- the client --------------------------------------------------------------------------------

/** A response with its body read, so tests can assert on it and connections are released. */
export interface Reply {
  status: number;
  headers: Headers;
  body: Buffer;
  json<T = unknown>(): T;
  text(): string;
}

export interface OciErrorBody {
  errors: { code: string; message?: string; detail?: unknown }[];
}

export type BlobPushMode = 'monolithic' | 'single-post' | 'chunked' | 'streamed';

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * A minimal OCI distribution client over fetch. Paths are relative to the registry's base URL.
 * With credentials it answers a 401 challenge (Basic, or Bearer through the challenge's realm) and
 * retries once; tokens are cached per challenge.
 */
export class OciClient {
  readonly baseUrl: string;
  /** Authorization values by the challenge that asked for them, and the last one per repository. */
  private readonly byChallenge = new Map<string, string>();
  private readonly byRepository = new Map<string, string>();

  constructor(
    baseUrl: string,
    readonly credentials: Credentials | null = null,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Resolves a path, or a `Location` header (absolute or relative), against the registry. */
  resolve(location: string): string {
    return new URL(location, `${this.baseUrl}/`).toString();
  }

  async request(method: string, location: string, options: RequestOptions = {}): Promise<Reply> {
    const send = async (authorization?: string): Promise<Reply> => {
      const response = await fetch(this.resolve(location), {
        method,
        headers: { ...(options.headers ?? {}), ...(authorization ? { Authorization: authorization } : {}) },
        redirect: 'manual',
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
      const body = Buffer.from(await response.arrayBuffer());
      return {
        status: response.status,
        headers: response.headers,
        body,
        json: <T>() => JSON.parse(body.toString('utf8')) as T,
        text: () => body.toString('utf8'),
      };
    };
    const repository = repositoryKey(new URL(this.resolve(location)).pathname);
    const reply = await send(this.byRepository.get(repository));
    const challenge = reply.headers.get('www-authenticate');
    if (reply.status !== 401 || !this.credentials || !challenge) return reply;
    const authorization = await this.authorize(challenge);
    this.byRepository.set(repository, authorization);
    return send(authorization);
  }

  /**
   * The Authorization header this client last used for the repository `location` addresses (empty
   * when it needed none), for raw requests that cannot answer a challenge themselves.
   */
  authHeaders(location: string): Record<string, string> {
    const authorization = this.byRepository.get(repositoryKey(new URL(this.resolve(location)).pathname));
    return authorization ? { Authorization: authorization } : {};
  }

  /** The Authorization value answering a `WWW-Authenticate` challenge. */
  private async authorize(challenge: string): Promise<string> {
    const { username, password } = this.credentials!;
    const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const known = this.byChallenge.get(challenge);
    if (known) return known;
    let authorization = basic;
    if (/^bearer\s/i.test(challenge)) {
      const params = Object.fromEntries(
        [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
      );
      const url = new URL(params.realm!, `${this.baseUrl}/`);
      if (params.service) url.searchParams.set('service', params.service);
      if (params.scope) url.searchParams.set('scope', params.scope);
      const response = await fetch(url, { headers: { Authorization: basic } });
      const body = (await response.json()) as { token?: string; access_token?: string };
      authorization = `Bearer ${body.token ?? body.access_token ?? ''}`;
    }
    this.byChallenge.set(challenge, authorization);
    return authorization;
  }

  get(location: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('GET', location, { headers });
  }

  head(location: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('HEAD', location, { headers });
  }

  delete(location: string): Promise<Reply> {
    return this.request('DELETE', location);
  }

  /** `POST /v2/<name>/blobs/uploads/` with an optional query; answers the reply as is. */
  startUpload(repository: string, query: Record<string, string> = {}, body?: Buffer): Promise<Reply> {
    const search = new URLSearchParams(query).toString();
    return this.request('POST', `/v2/${repository}/blobs/uploads/${search ? `?${search}` : ''}`, {
      headers: body ? { 'Content-Type': 'application/octet-stream' } : {},
      ...(body ? { body } : {}),
    });
  }

  /** Starts an upload and returns its `Location`; throws unless the registry answered 202. */
  async openUpload(repository: string): Promise<string> {
    const reply = await this.startUpload(repository);
    expectStatus(reply, 202, `POST /v2/${repository}/blobs/uploads/`);
    return requireHeader(reply, 'location');
  }

  /** Pushes a blob; throws unless it ends in 201. */
  async pushBlob(
    repository: string,
    blob: Content,
    mode: BlobPushMode = 'monolithic',
    chunkSize = 1024,
  ): Promise<Reply> {
    if (mode === 'single-post') {
      const reply = await this.startUpload(repository, { digest: blob.digest }, blob.bytes);
      expectStatus(reply, 201, `POST ?digest= of ${blob.digest}`);
      return reply;
    }
    let location = await this.openUpload(repository);
    if (mode === 'monolithic') {
      const reply = await this.request('PUT', withDigest(location, blob.digest), {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: blob.bytes,
      });
      expectStatus(reply, 201, `PUT upload of ${blob.digest}`);
      return reply;
    }
    for (let offset = 0; offset < blob.size; offset += chunkSize) {
      const chunk = blob.bytes.subarray(offset, Math.min(offset + chunkSize, blob.size));
      const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
      if (mode === 'chunked') headers['Content-Range'] = `${offset}-${offset + chunk.length - 1}`;
      const reply = await this.request('PATCH', location, { headers, body: chunk });
      expectStatus(reply, 202, `PATCH chunk at ${offset} of ${blob.digest}`);
      location = requireHeader(reply, 'location');
    }
    const reply = await this.request('PUT', withDigest(location, blob.digest));
    expectStatus(reply, 201, `closing PUT of ${blob.digest}`);
    return reply;
  }

  async pushManifest(
    repository: string,
    reference: string,
    manifest: Content,
    contentType = manifest.mediaType,
  ): Promise<Reply> {
    return this.request('PUT', `/v2/${repository}/manifests/${reference}`, {
      headers: { 'Content-Type': contentType },
      body: manifest.bytes,
    });
  }

  /** Pushes a manifest's blobs and children (recursively), then the manifest; throws unless 201. */
  async pushAll(repository: string, manifest: Manifest, reference: string = manifest.digest): Promise<Reply> {
    for (const child of manifest.children) await this.pushAll(repository, child);
    for (const blob of uniqueBlobs(manifest.blobs)) {
      const known = await this.head(`/v2/${repository}/blobs/${blob.digest}`);
      if (known.status !== 200) await this.pushBlob(repository, blob);
    }
    const reply = await this.pushManifest(repository, reference, manifest);
    expectStatus(reply, 201, `PUT manifest ${reference} in ${repository}`);
    return reply;
  }

  async tags(repository: string, query = ''): Promise<Reply> {
    return this.get(`/v2/${repository}/tags/list${query ? `?${query}` : ''}`);
  }
}

/** The repository a `/v2/<name>/…` path addresses, or the path itself for `/v2/` and `_catalog`. */
function repositoryKey(path: string): string {
  return /^\/v2\/(.+?)\/(?:manifests|blobs|tags|referrers)\//.exec(path)?.[1] ?? path;
}

function uniqueBlobs(blobs: Content[]): Content[] {
  return [...new Map(blobs.map((blob) => [blob.digest, blob])).values()];
}

/** Appends `digest=` to an upload URL, keeping any query it already carries. */
export function withDigest(location: string, digest: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

export function requireHeader(reply: Reply, name: string): string {
  const value = reply.headers.get(name);
  if (value === null) throw new Error(`response ${reply.status} lacks the ${name} header`);
  return value;
}

function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${reply.status}: ${reply.text().slice(0, 500)}`);
  }
}

/** The codes of an OCI error body, or throws when the body is not `{"errors":[{"code":…}]}`. */
export function errorCodes(reply: Reply): string[] {
  let parsed: unknown;
  try {
    parsed = reply.json();
  } catch {
    throw new Error(`error body of ${reply.status} is not JSON: ${reply.text().slice(0, 200)}`);
  }
  const errors = (parsed as Partial<OciErrorBody>).errors;
  if (
    !Array.isArray(errors) ||
    errors.length === 0 ||
    !errors.every((entry) => typeof entry?.code === 'string')
  ) {
    throw new Error(
      `error body of ${reply.status} is not {"errors":[{"code":…}]}: ${reply.text().slice(0, 200)}`,
    );
  }
  return errors.map((entry) => entry.code);
}

/** Parses `Link: <url>; rel="next"`; null when absent. */
export function nextLink(reply: Reply): string | null {
  const header = reply.headers.get('link');
  if (!header) return null;
  const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(header);
  if (!match) throw new Error(`unparseable Link header: ${header}`);
  return match[1]!;
}

// --- raw HTTP, for what fetch will not send ----------------------------------------------------

function replyOf(status: number, headers: IncomingHttpHeaders, body: Buffer): Reply {
  const fetchHeaders = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) fetchHeaders.append(name, item);
  }
  return {
    status,
    headers: fetchHeaders,
    body,
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
    text: () => body.toString('utf8'),
  };
}

/**
 * Sends a request with the path exactly as given (fetch normalises `..` and `%2e%2e` away), using
 * node:http. `chunked` sends the body with chunked transfer-encoding (no Content-Length). Resolves
 * with the reply even when the server answered before reading the whole body.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string | number>; body?: Buffer; chunked?: boolean } = {},
): Promise<Reply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(replyOf(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
        res.on('error', reject);
      },
    );
    // A server that answers early (413) and closes may cut our upload: the reply still counts.
    req.on('error', (error) => setTimeout(() => reject(error), 500));
    if (options.chunked && options.body) {
      req.write(options.body);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

/**
 * Opens a TCP connection, sends the request head declaring `declaredLength` bytes of body, sends
 * `body` (fewer bytes), waits `holdMs` so the server has processed them, then destroys the socket:
 * a client dying mid-upload. Resolves once the socket is closed; any early answer is returned.
 */
export function sendTruncated(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; declaredLength: number; body: Buffer; holdMs?: number },
): Promise<{ answered: string | null }> {
  const url = new URL(baseUrl);
  const head = [
    `${method} ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    `Content-Length: ${options.declaredLength}`,
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let answered = '';
    socket.on('data', (chunk: Buffer) => (answered += chunk.toString('latin1')));
    socket.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') return;
      reject(error);
    });
    socket.on('close', () => resolve({ answered: answered || null }));
    socket.on('connect', () => {
      socket.write(head);
      socket.write(options.body, () => setTimeout(() => socket.destroy(), options.holdMs ?? 300));
    });
  });
}
