/* eslint-disable @typescript-eslint/no-explicit-any -- a body is whatever the test asserts it to be; `any` keeps assertions terse. */
/**
 * A small typed fetch helper for `/api/v2.0` tests: anonymous, Basic auth (a user, a CLI secret or
 * a robot) or a console session (cookie + CSRF header, from `POST /c/login`).
 *
 *   const admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
 *   const anonymous = new ApiClient(core.url, null);
 *   const session = await ApiClient.login(core.url, 'admin', ADMIN_PASSWORD);
 *   const reply = await admin.get('/users?page_size=5');   // → GET /api/v2.0/users?page_size=5
 *   expect(reply.status).toBe(200);
 *
 * Paths starting with `/api/`, `/c/`, `/v2/`, `/service/` or a full URL are used as given; any
 * other path is taken relative to `/api/v2.0`.
 */

export const API_BASE_PATH = '/api/v2.0';

export interface ApiCredentials {
  username: string;
  password: string;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response says JSON (and has a body), else the text ('' when empty). */
  body: T;
  /** The raw response text. */
  text: string;
}

export interface RequestOptions {
  /** Extra request headers; they win over the client's own (set `authorization` to override auth). */
  headers?: Record<string, string>;
  /**
   * Send `body` as given instead of JSON: a string (e.g. malformed JSON) goes as is with
   * `content-type` from `headers` (application/json by default); URLSearchParams go form-encoded.
   */
  raw?: boolean;
  /** Session clients only: leave out the CSRF header on an unsafe method (to test the refusal). */
  csrf?: boolean;
}

const PASS_THROUGH_PREFIXES = ['/api/', '/c/', '/v2/', '/service/'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Session {
  cookie: string;
  csrfToken: string | null;
}

export class ApiClient {
  private session: Session | null = null;

  constructor(
    readonly baseUrl: string,
    readonly credentials: ApiCredentials | null = null,
  ) {}

  /**
   * Signs in through the console's `POST /c/login` (form-encoded, as Harbor's portal sends) and
   * returns a client that carries the `sid` cookie and the CSRF token. Throws unless it answers 200.
   */
  static async login(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    const { client, response } = await ApiClient.tryLogin(baseUrl, username, password);
    if (!client) throw new Error(`login as ${username} failed: ${response.status} ${response.text}`);
    return client;
  }

  /** Like `login` but never throws: the login response, and the session client when it was 200. */
  static async tryLogin(
    baseUrl: string,
    username: string,
    password: string,
    headers: Record<string, string> = {},
  ): Promise<{ client: ApiClient | null; response: ApiResponse }> {
    const anonymous = new ApiClient(baseUrl, null);
    const response = await anonymous.post(
      '/c/login',
      new URLSearchParams({ principal: username, password }),
      { raw: true, headers },
    );
    if (response.status !== 200) return { client: null, response };
    const cookie = sessionCookie(response.headers);
    if (!cookie) throw new Error('login answered 200 without a sid cookie');
    const client = new ApiClient(baseUrl, null);
    client.session = { cookie, csrfToken: response.headers.get('x-harbor-csrf-token') };
    return { client, response };
  }

  /** The `Authorization` header this client sends, or undefined (anonymous or a session). */
  get authorization(): string | undefined {
    if (!this.credentials) return undefined;
    const { username, password } = this.credentials;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  /** The session's `sid=…` cookie pair, or null for a Basic/anonymous client. */
  get cookie(): string | null {
    return this.session?.cookie ?? null;
  }

  /** The session's CSRF token, or null. */
  get csrfToken(): string | null {
    return this.session?.csrfToken ?? null;
  }

  /** Ends the console session (`GET /c/log_out`). */
  logout(): Promise<ApiResponse> {
    return this.get('/c/log_out');
  }

  /** A client for the same server signed in with other credentials (null: anonymous). */
  as(credentials: ApiCredentials | null): ApiClient {
    return new ApiClient(this.baseUrl, credentials);
  }

  url(path: string): string {
    if (/^https?:\/\//.test(path)) return path;
    if (PASS_THROUGH_PREFIXES.some((prefix) => path.startsWith(prefix))) return this.baseUrl + path;
    return this.baseUrl + API_BASE_PATH + (path.startsWith('/') ? path : `/${path}`);
  }

  get<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, options);
  }

  head<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('HEAD', path, undefined, options);
  }

  delete<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, body, options);
  }

  post<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body, options);
  }

  put<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, body, options);
  }

  patch<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, body, options);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization) headers.authorization = this.authorization;
    if (this.session) {
      headers.cookie = this.session.cookie;
      if (!SAFE_METHODS.has(method) && options.csrf !== false && this.session.csrfToken) {
        headers['x-harbor-csrf-token'] = this.session.csrfToken;
      }
    }
    let payload: string | URLSearchParams | undefined;
    if (body !== undefined) {
      if (body instanceof URLSearchParams) {
        payload = body;
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else if (options.raw && typeof body === 'string') {
        payload = body;
        headers['content-type'] = 'application/json';
      } else {
        payload = JSON.stringify(body);
        headers['content-type'] = 'application/json';
      }
    }
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;

    const response = await fetch(this.url(path), { method, headers, body: payload, redirect: 'manual' });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (text && contentType.includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }
}

/** `sid=<token>` from a response's Set-Cookie headers, or null. */
export function sessionCookie(headers: Headers): string | null {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(';')[0]!.trim();
    if (pair.startsWith('sid=')) return pair;
  }
  return null;
}

/** The `rel="next"` (or other) target of a Link header (`<url>; rel="next" , <url>; rel="prev"`), or null. */
export function linkTarget(headers: Headers, rel = 'next'): string | null {
  const link = headers.get('link');
  if (!link) return null;
  for (const match of link.matchAll(/<([^>]*)>\s*;\s*rel="([^"]+)"/g)) {
    if (match[2] === rel) return match[1]!;
  }
  return null;
}

/** Basic credentials for the bootstrap admin of a test core. */
export function adminCredentials(password: string): ApiCredentials {
  return { username: 'admin', password };
}
