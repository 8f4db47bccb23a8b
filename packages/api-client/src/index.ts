import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/openapi.js';

export type { components, operations, paths } from './generated/openapi.js';

/** The document's schemas by name (Harbor's names where Berth answers Harbor's shape), e.g. `Schema<'Project'>`. */
export type Schema<K extends keyof components['schemas']> = components['schemas'][K];

export const API_BASE_PATH = '/api/v2.0';

/** The operations under `/api/v2.0`, by their path below it (`/projects`), as Harbor's clients call them. */
export type ApiPaths = {
  [P in keyof paths as P extends `${typeof API_BASE_PATH}${infer Rest}` ? Rest : never]: paths[P];
};
export const CSRF_HEADER = 'X-Harbor-CSRF-Token';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Where the console keeps the CSRF token of its session (the cookie itself is HttpOnly). */
export interface CsrfStore {
  get(): string | null;
  set(token: string | null): void;
}

export function memoryCsrfStore(initial: string | null = null): CsrfStore {
  let token = initial;
  return {
    get: () => token,
    set: (next) => {
      token = next;
    },
  };
}

/** Keeps the token across reloads of the same tab (sessionStorage), in memory when there is none. */
export function sessionCsrfStore(key = 'berth.csrf'): CsrfStore {
  const storage = typeof sessionStorage === 'undefined' ? null : sessionStorage;
  const memory = memoryCsrfStore(storage?.getItem(key) ?? null);
  return {
    get: () => memory.get(),
    set: (next) => {
      memory.set(next);
      if (!storage) return;
      if (next === null) storage.removeItem(key);
      else storage.setItem(key, next);
    },
  };
}

export interface BerthClientOptions {
  /** Origin of the core; '' (same origin) in the console. */
  baseUrl?: string;
  csrf?: CsrfStore;
  fetch?: typeof globalThis.fetch;
}

/** An error answer in Harbor's shape: `{"errors":[{"code","message"}]}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static from(status: number, body: unknown): ApiError {
    const first = (body as { errors?: { code?: string; message?: string }[] } | undefined)?.errors?.[0];
    return new ApiError(
      status,
      first?.code ?? `HTTP_${status}`,
      first?.message ?? `request failed (${status})`,
    );
  }
}

export interface BerthClient {
  /** Typed calls to `/api/v2.0`, from Berth's OpenAPI document. */
  api: Client<ApiPaths>;
  csrf: CsrfStore;
  /** `POST /c/login`; keeps the CSRF token the core answers with. */
  login(principal: string, password: string): Promise<void>;
  /** `GET /c/log_out`; forgets the CSRF token. */
  logout(): Promise<void>;
}

/** The typed client: cookies included, the CSRF token added to unsafe requests. */
export function createBerthClient(options: BerthClientOptions = {}): BerthClient {
  const baseUrl = options.baseUrl ?? '';
  const csrf = options.csrf ?? memoryCsrfStore();
  const doFetch =
    options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const api = createClient<ApiPaths>({
    baseUrl: baseUrl + API_BASE_PATH,
    credentials: 'include',
    fetch: doFetch,
  });
  const csrfMiddleware: Middleware = {
    onRequest({ request }) {
      const token = csrf.get();
      if (token && UNSAFE.has(request.method.toUpperCase())) request.headers.set(CSRF_HEADER, token);
      return request;
    },
  };
  api.use(csrfMiddleware);

  return {
    api,
    csrf,
    async login(principal, password) {
      const response = await doFetch(`${baseUrl}/c/login`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ principal, password }),
      });
      if (!response.ok) throw ApiError.from(response.status, await response.json().catch(() => undefined));
      csrf.set(response.headers.get(CSRF_HEADER));
    },
    async logout() {
      await doFetch(`${baseUrl}/c/log_out`, { credentials: 'include' });
      csrf.set(null);
    },
  };
}

/**
 * Returns `data` or throws an ApiError, for query functions:
 * `unwrap(await client.api.GET('/projects'))`.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok)
    throw ApiError.from(result.response.status, result.error);
  return result.data as T;
}

/** `X-Total-Count` of a paged list answer. */
export function totalCount(response: Response): number {
  return Number(response.headers.get('X-Total-Count') ?? 0);
}

/**
 * A repository name as a path parameter: Harbor wants it URL-encoded twice (`a/b` → `a%252Fb`);
 * openapi-fetch encodes once, this encodes the other time.
 */
export function repositoryParam(name: string): string {
  return encodeURIComponent(name);
}
