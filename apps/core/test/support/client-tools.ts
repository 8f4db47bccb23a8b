/**
 * Real container clients for the e2e tests: skopeo, podman and buildah run with `execFile`, a
 * timeout, and storage in temporary directories so no test touches the machine's image store.
 * Failures throw with the command line, exit status, stdout and stderr.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolResult {
  stdout: string;
  stderr: string;
}

export class ToolError extends Error {
  constructor(
    readonly commandLine: string,
    readonly exitCode: number | string | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(
      `${commandLine}\n  exited with ${exitCode}\n  stdout: ${stdout.trim().slice(-2000)}\n  stderr: ${stderr.trim().slice(-4000)}`,
    );
    this.name = 'ToolError';
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Runs a command; resolves with its output, or rejects with a ToolError carrying stderr. */
export function runTool(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<ToolResult> {
  const commandLine = [command, ...args]
    .map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part)))
    .join(' ');
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      },
      (error, stdout, stderr) => {
        if (error) {
          const exit = error.killed
            ? `a timeout (${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms)`
            : (error.code ?? null);
          reject(new ToolError(commandLine, exit as number | string | null, String(stdout), String(stderr)));
          return;
        }
        resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** True when every named executable is installed in /usr/bin or /usr/local/bin. */
export function toolsAvailable(...names: string[]): boolean {
  return names.every((name) => existsSync(`/usr/bin/${name}`) || existsSync(`/usr/local/bin/${name}`));
}

/** A temporary directory that `cleanup()` removes; everything a client writes goes under it. */
export class Scratch {
  private constructor(readonly dir: string) {}

  /** Lower-case on purpose: podman names an image pulled from `oci:<path>` after the path. */
  static async create(prefix: string): Promise<Scratch> {
    const dir = join(tmpdir(), `oci-e2e-${prefix}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: false, mode: 0o700 });
    return new Scratch(dir);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

export interface RegistryLogin {
  /** `host:port` of the registry. */
  host: string;
  credentials: { username: string; password: string } | null;
}

/**
 * An environment for clients: an auth file of our own (holding the registry's credentials, if
 * any), so nothing is read from or written to the machine's.
 */
async function clientEnv(scratch: Scratch, login: RegistryLogin): Promise<NodeJS.ProcessEnv> {
  const authFile = scratch.path('auth.json');
  const { credentials } = login;
  const auths = credentials
    ? {
        [login.host]: {
          auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'),
        },
      }
    : {};
  await writeFile(authFile, JSON.stringify({ auths }), { mode: 0o600 });
  return { ...process.env, REGISTRY_AUTH_FILE: authFile, TMPDIR: scratch.path('tmp') };
}

/** skopeo against a plain-HTTP registry at `host` (`127.0.0.1:port`). */
export class Skopeo {
  private constructor(
    readonly host: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(login: RegistryLogin, scratch: Scratch): Promise<Skopeo> {
    await mkdir(scratch.path('tmp'), { recursive: true });
    return new Skopeo(login.host, await clientEnv(scratch, login));
  }

  /** `docker://host/<repository>[:tag|@digest]`. */
  ref(reference: string): string {
    return `docker://${this.host}/${reference}`;
  }

  run(args: string[], timeoutMs?: number): Promise<ToolResult> {
    return runTool('skopeo', args, { env: this.env, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  copy(source: string, destination: string, extra: string[] = []): Promise<ToolResult> {
    return this.run([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      ...extra,
      source,
      destination,
    ]);
  }

  async inspect<T = Record<string, unknown>>(reference: string, extra: string[] = []): Promise<T> {
    const { stdout } = await this.run(['inspect', '--tls-verify=false', ...extra, this.ref(reference)]);
    return JSON.parse(stdout) as T;
  }

  /** The raw bytes `skopeo inspect --raw` prints (the manifest exactly as served). */
  async inspectRaw(reference: string, extra: string[] = []): Promise<Buffer> {
    const { stdout } = await this.run([
      'inspect',
      '--tls-verify=false',
      '--raw',
      ...extra,
      this.ref(reference),
    ]);
    return Buffer.from(stdout.replace(/\n$/, ''));
  }

  async listTags(repository: string): Promise<string[]> {
    const { stdout } = await this.run(['list-tags', '--tls-verify=false', this.ref(repository)]);
    return (JSON.parse(stdout) as { Tags: string[] }).Tags;
  }

  delete(reference: string): Promise<ToolResult> {
    return this.run(['delete', '--tls-verify=false', this.ref(reference)]);
  }
}

/**
 * podman and buildah on one private containers-storage (vfs, which needs no kernel overlay support)
 * under a scratch directory, so images never land in the machine's store.
 */
export class Podman {
  private constructor(
    readonly host: string,
    private readonly scratch: Scratch,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(login: RegistryLogin, scratch: Scratch): Promise<Podman> {
    for (const dir of ['root', 'runroot', 'tmp', 'libpod-tmp'])
      await mkdir(scratch.path(dir), { recursive: true });
    return new Podman(login.host, scratch, await clientEnv(scratch, login));
  }

  private storageFlags(): string[] {
    return [
      '--root',
      this.scratch.path('root'),
      '--runroot',
      this.scratch.path('runroot'),
      '--storage-driver',
      'vfs',
    ];
  }

  podman(args: string[], timeoutMs?: number): Promise<ToolResult> {
    return runTool(
      'podman',
      [
        ...this.storageFlags(),
        '--tmpdir',
        this.scratch.path('libpod-tmp'),
        '--cgroup-manager',
        'cgroupfs',
        '--events-backend',
        'file',
        ...args,
      ],
      { env: this.env, ...(timeoutMs ? { timeoutMs } : {}) },
    );
  }

  buildah(args: string[], timeoutMs?: number): Promise<ToolResult> {
    return runTool('buildah', [...this.storageFlags(), ...args], {
      env: this.env,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  }

  /** `host/<repository>[:tag]`. */
  ref(reference: string): string {
    return `${this.host}/${reference}`;
  }

  /** Pushes a local image; resolves with the manifest digest podman reports. */
  async push(local: string, remote: string, extra: string[] = []): Promise<string> {
    const digestFile = this.scratch.path(`digest-${Date.now()}-${Math.random().toString(16).slice(2)}`);
    await this.podman([
      'push',
      '--tls-verify=false',
      '--digestfile',
      digestFile,
      ...extra,
      local,
      this.ref(remote),
    ]);
    return (await readFile(digestFile, 'utf8')).trim();
  }

  async pull(remote: string, extra: string[] = []): Promise<string> {
    const { stdout } = await this.podman([
      'pull',
      '--tls-verify=false',
      '--quiet',
      ...extra,
      this.ref(remote),
    ]);
    return stdout.trim();
  }

  /** `{{.Id}}` and `{{.Digest}}` of a local image. */
  async imageInfo(name: string): Promise<{ id: string; digest: string; repoDigests: string[] }> {
    const { stdout } = await this.podman(['image', 'inspect', name]);
    const [info] = JSON.parse(stdout) as { Id: string; Digest: string; RepoDigests: string[] }[];
    if (!info) throw new Error(`podman image inspect ${name} printed nothing`);
    return { id: info.Id, digest: info.Digest, repoDigests: info.RepoDigests ?? [] };
  }

  async imageExists(name: string): Promise<boolean> {
    try {
      await this.podman(['image', 'exists', name]);
      return true;
    } catch (error) {
      if (error instanceof ToolError && error.exitCode === 1) return false;
      throw error;
    }
  }

  /** Reads a file out of an image without running it (`podman create` + `podman cp`). */
  async readFile(image: string, path: string): Promise<Buffer> {
    const { stdout } = await this.podman(['create', image]);
    const container = stdout.trim();
    try {
      const target = this.scratch.path(`cp-${container.slice(0, 12)}`);
      await this.podman(['cp', `${container}:${path}`, target]);
      return await readFile(target);
    } finally {
      await this.podman(['rm', '--force', container]);
    }
  }

  /** Removes every container and image from the private store (before its directory is deleted). */
  async reset(): Promise<void> {
    await this.podman(['rm', '--all', '--force']).catch(() => undefined);
    await this.podman(['rmi', '--all', '--force']).catch(() => undefined);
  }
}
