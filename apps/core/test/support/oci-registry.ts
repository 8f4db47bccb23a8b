/**
 * The registry a conformance or client test file runs against: a fresh core per file, started by
 * the core's own harness (`startCore()`), unless `BERTH_TEST_REGISTRY_URL` names a registry that is
 * already running (to run the same suite against another build or another registry; its
 * credentials, if it wants any, in `BERTH_TEST_REGISTRY_CREDENTIALS` as `user:password`).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { OciClient, type Credentials } from './oci-fixtures.js';

export interface RegistryUnderTest {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:43211`. */
  url: string;
  /** `host:port`, as container clients name the registry. */
  host: string;
  /** Credentials for the registry, null when it needs none. */
  credentials: Credentials | null;
  client: OciClient;
  /** Another client with connections and tokens of its own, for concurrent requests. */
  newClient(): OciClient;
  /** What the core printed so far (empty for an external registry). */
  logs(): string;
  stop(): Promise<void>;
}

/** How long starting a core (embedded PostgreSQL and migrations included) may take. */
export const REGISTRY_START_TIMEOUT_MS = 180_000;

export async function startRegistry(): Promise<RegistryUnderTest> {
  const external = process.env.BERTH_TEST_REGISTRY_URL?.trim();
  if (external) {
    const pair = process.env.BERTH_TEST_REGISTRY_CREDENTIALS?.trim() ?? '';
    const colon = pair.indexOf(':');
    const credentials =
      colon > 0 ? { username: pair.slice(0, colon), password: pair.slice(colon + 1) } : null;
    if (credentials) await ensureProjects(external, credentials);
    return underTest(
      external,
      credentials,
      () => '',
      async () => undefined,
    );
  }
  const { startCore, ADMIN_PASSWORD } = await import('./core-process.js');
  const core = await startCore();
  const credentials = { username: 'admin', password: ADMIN_PASSWORD };
  try {
    await ensureProjects(core.url, credentials);
  } catch (error) {
    await core.stop();
    throw error;
  }
  return underTest(
    core.url,
    credentials,
    () => core.logs(),
    () => core.stop(),
  );
}

/** Projects the suites push into (repositories live in projects: `conformance/…`, `e2e/…`). */
export const TEST_PROJECTS = ['conformance', 'e2e'] as const;

/**
 * Creates the suites' projects (private) through Harbor's `POST /api/v2.0/projects`; one that
 * exists already (409) is fine.
 */
async function ensureProjects(url: string, credentials: Credentials): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  for (const name of TEST_PROJECTS) {
    const response = await fetch(`${url.replace(/\/+$/, '')}/api/v2.0/projects`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ project_name: name, metadata: { public: 'false' } }),
    });
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(`creating project ${name} answered ${response.status}: ${await response.text()}`);
    }
  }
}

/**
 * Starts one registry for the calling test file (or describe block) in `beforeAll` and stops it in
 * `afterAll`; when a test fails, prints what the core logged while it ran. Returns an accessor.
 */
export function useRegistry(): () => RegistryUnderTest {
  let registry: RegistryUnderTest | undefined;
  beforeAll(async () => {
    registry = await startRegistry();
  }, REGISTRY_START_TIMEOUT_MS);
  afterAll(async () => {
    await registry?.stop();
  });
  beforeEach(({ task, onTestFailed }) => {
    const mark = registry?.logs().length ?? 0;
    onTestFailed(() => {
      const logged = registry?.logs().slice(mark).trim();
      if (!logged) return;
      process.stderr.write(`\n--- core log during "${task.name}" ---\n${logged.slice(-8000)}\n---\n`);
    });
  });
  return () => {
    if (!registry) throw new Error('the registry is not running (did its beforeAll fail?)');
    return registry;
  };
}

function underTest(
  rawUrl: string,
  credentials: Credentials | null,
  logs: () => string,
  stop: () => Promise<void>,
): RegistryUnderTest {
  const parsed = new URL(rawUrl);
  // Clients reach a wildcard bind through loopback.
  if (parsed.hostname === '0.0.0.0' || parsed.hostname === 'localhost') parsed.hostname = '127.0.0.1';
  const url = `${parsed.protocol}//${parsed.host}`;
  const newClient = () => new OciClient(url, credentials);
  return { url, host: parsed.host, credentials, client: newClient(), newClient, logs, stop };
}
