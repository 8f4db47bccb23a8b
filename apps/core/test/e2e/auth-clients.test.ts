/**
 * Token auth with real clients: `docker login` (client side, no daemon) as a user and as a robot,
 * skopeo pushing to a private project with `--dest-creds` and being refused where the roles say so,
 * anonymous pulls of a public project, and podman login, push and pull as a robot.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectRole } from '../../src/rbac/rbac-policy.js';
import { ApiClient } from '../support/api-client.js';
import { AuthSeed, type Credentials, type SeededProject, type SeededUser } from '../support/auth-seed.js';
import { Podman, runTool, Scratch, Skopeo, ToolError, toolsAvailable } from '../support/client-tools.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { digestHex } from '../support/oci-fixtures.js';
import { readLayout, writeImageLayout, type LayoutImage } from '../support/oci-layout.js';

const ADMIN: Credentials = { username: 'admin', password: ADMIN_PASSWORD };

let core: CoreProcess;
let host: string;
let seed: AuthSeed;
let scratch: Scratch;
let skopeo: Skopeo;
let developer: SeededUser;
let guest: SeededUser;
let outsider: SeededUser;
let privateProject: SeededProject;
let publicProject: SeededProject;
let robot: Credentials;
let image: LayoutImage;
let layoutDir: string;

const creds = (user: Credentials) => `${user.username}:${user.password}`;

/** Runs a client expected to fail; answers what it printed. */
async function failure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    if (error instanceof ToolError) return `${error.stdout}\n${error.stderr}`;
    throw error;
  }
  throw new Error('the client succeeded where it should have been refused');
}

describe.skipIf(!toolsAvailable('skopeo'))('token auth with real clients', () => {
  beforeAll(async () => {
    core = await startCore();
    host = new URL(core.url).host;
    seed = await AuthSeed.connect(core.databaseUrl);
    privateProject = await seed.project('auth-private', { public: false });
    publicProject = await seed.project('auth-public', { public: true });
    developer = await seed.user('e2e-developer');
    guest = await seed.user('e2e-guest');
    outsider = await seed.user('e2e-outsider');
    await seed.member(privateProject, developer, ProjectRole.Developer);
    await seed.member(privateProject, guest, ProjectRole.Guest);

    const created = await new ApiClient(core.url, ADMIN).post<{ name: string; secret: string }>('/robots', {
      name: 'ci',
      level: 'project',
      duration: -1,
      permissions: [
        {
          kind: 'project',
          namespace: privateProject.name,
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'repository', action: 'push' },
          ],
        },
      ],
    });
    expect(created.status).toBe(201);
    robot = { username: created.body.name, password: created.body.secret };

    scratch = await Scratch.create('auth');
    // No credentials in the auth file: each command says whose they are.
    skopeo = await Skopeo.create({ host, credentials: null }, scratch);
    layoutDir = scratch.path('layout');
    image = await writeImageLayout(layoutDir, 'v1', { layers: 2 });
  });

  afterAll(async () => {
    await scratch?.cleanup();
    await seed?.close();
    await core?.stop();
  });

  describe.skipIf(!toolsAvailable('docker'))('docker login', () => {
    /** `docker login` with a config dir of its own and no daemon (the CLI then logs in itself). */
    async function dockerLogin(user: Credentials, configDir: string) {
      return runTool(
        'docker',
        ['--config', configDir, 'login', host, '--username', user.username, '--password', user.password],
        {
          env: { ...process.env, DOCKER_HOST: `unix://${scratch.path('no-daemon.sock')}` },
          timeoutMs: 60_000,
        },
      );
    }

    it('as a user: Login Succeeded, credentials stored, login audited', async () => {
      const configDir = scratch.path('docker-user');
      const { stdout } = await dockerLogin(developer, configDir);
      expect(stdout).toContain('Login Succeeded');
      const config = JSON.parse(await readFile(`${configDir}/config.json`, 'utf8')) as {
        auths: Record<string, { auth: string }>;
      };
      expect(Buffer.from(config.auths[host]!.auth, 'base64').toString()).toBe(creds(developer));
      const audit = await seed.query<{ success: boolean }>(
        `SELECT success FROM audit_log WHERE username = $1 AND operation = 'login'`,
        [developer.username],
      );
      expect(audit).toContainEqual({ success: true });
    });

    it('as a robot', async () => {
      const { stdout } = await dockerLogin(robot, scratch.path('docker-robot'));
      expect(stdout).toContain('Login Succeeded');
    });

    it('a wrong password: unauthorized, with the reason', async () => {
      const printed = await failure(
        dockerLogin(
          { username: developer.username, password: 'not-the-password' },
          scratch.path('docker-bad'),
        ),
      );
      expect(printed).toContain('unauthorized: authentication required: invalid username or password');
    });
  });

  describe('skopeo', () => {
    const repo = () => `${privateProject.name}/app`;

    it('a developer pushes to a private project with --dest-creds and reads it back', async () => {
      await skopeo.copy(`oci:${layoutDir}:v1`, skopeo.ref(`${repo()}:v1`), [
        '--dest-creds',
        creds(developer),
      ]);
      const info = await skopeo.inspect<{ Digest: string }>(`${repo()}:v1`, ['--creds', creds(developer)]);
      expect(info.Digest).toBe(image.manifest.digest);
    });

    it('a robot pushes and pulls too', async () => {
      await skopeo.copy(`oci:${layoutDir}:v1`, skopeo.ref(`${repo()}:robot`), ['--dest-creds', creds(robot)]);
      const out = scratch.path('robot-pull');
      await skopeo.copy(skopeo.ref(`${repo()}:robot`), `oci:${out}:v1`, ['--src-creds', creds(robot)]);
      expect((await readLayout(out)).blobs.has(image.manifest.digest)).toBe(true);
    });

    it('a guest pulls but may not push: denied', async () => {
      const pulled = scratch.path('guest-pull');
      await skopeo.copy(skopeo.ref(`${repo()}:v1`), `oci:${pulled}:v1`, ['--src-creds', creds(guest)]);
      const printed = await failure(
        skopeo.copy(`oci:${layoutDir}:v1`, skopeo.ref(`${repo()}:guest`), ['--dest-creds', creds(guest)]),
      );
      // skopeo shortens Harbor's "denied: requested access to the resource is denied" to "denied".
      expect(printed).toMatch(/uploading manifest guest to .*: denied/);
    });

    it('a non-member may not pull from a private project', async () => {
      const printed = await failure(skopeo.inspect(`${repo()}:v1`, ['--creds', creds(outsider)]));
      expect(printed).toMatch(/reading manifest v1 in .*: denied/);
    });

    it('anonymous may not pull from a private project', async () => {
      const printed = await failure(skopeo.inspect(`${repo()}:v1`, ['--no-creds']));
      expect(printed).toMatch(/unauthorized|authentication required/);
    });

    it('anonymous pulls from a public project', async () => {
      const publicRepo = `${publicProject.name}/app`;
      await skopeo.copy(`oci:${layoutDir}:v1`, skopeo.ref(`${publicRepo}:v1`), [
        '--dest-creds',
        creds(ADMIN),
      ]);
      const out = scratch.path('anonymous-pull');
      await skopeo.copy(skopeo.ref(`${publicRepo}:v1`), `oci:${out}:v1`, ['--src-no-creds']);
      const layout = await readLayout(out);
      for (const blob of [image.config, ...image.layers]) expect(layout.blobs.has(blob.digest)).toBe(true);
      const printed = await failure(
        skopeo.copy(`oci:${layoutDir}:v1`, skopeo.ref(`${publicRepo}:anonymous`), ['--dest-no-creds']),
      );
      expect(printed).toMatch(/unauthorized|authentication required/);
    });

    it('a push to a project that does not exist is refused, saying so', async () => {
      const printed = await failure(
        skopeo.copy(`oci:${layoutDir}:v1`, skopeo.ref('no-such-project/app:v1'), [
          '--dest-creds',
          creds(ADMIN),
        ]),
      );
      // skopeo's first request is a HEAD for a blob, whose answer has no body: it reports the 403.
      // The reason travels in the challenge's error_description for clients that read it (docker).
      expect(printed).toMatch(/no-such-project\/app: 403 \(Forbidden\)|project no-such-project not found/);
    });

    it('a wrong password is refused with the reason', async () => {
      const printed = await failure(
        skopeo.inspect(`${repo()}:v1`, ['--creds', `${developer.username}:wrong-password`]),
      );
      expect(printed).toContain('invalid username or password');
    });
  });

  describe.skipIf(!toolsAvailable('podman'))('podman', () => {
    let podman: Podman;
    let podmanScratch: Scratch;

    beforeAll(async () => {
      podmanScratch = await Scratch.create('auth-podman');
      podman = await Podman.create({ host, credentials: null }, podmanScratch);
    });

    afterAll(async () => {
      await podman?.reset();
      await podmanScratch?.cleanup();
    });

    it('login as a robot, push, remove, pull back the same image', async () => {
      const login = await podman.podman([
        'login',
        '--tls-verify=false',
        '--username',
        robot.username,
        '--password',
        robot.password,
        host,
      ]);
      expect(login.stdout).toContain('Login Succeeded');

      const remote = `${privateProject.name}/podman:v1`;
      const id = digestHex(image.config.digest);
      await podman.podman(['pull', '--quiet', `oci:${layoutDir}:v1`]);
      await podman.podman(['tag', id, podman.ref(remote)]);
      const pushed = await podman.push(podman.ref(remote), remote);
      expect(pushed).toMatch(/^sha256:/);

      await podman.podman(['rmi', '--force', id]);
      expect(await podman.pull(remote)).toBe(id);
    });

    it('a wrong password fails podman login', async () => {
      const printed = await failure(
        podman.podman([
          'login',
          '--tls-verify=false',
          '--username',
          guest.username,
          '--password',
          'nope',
          host,
        ]),
      );
      expect(printed).toMatch(/invalid username\/password|unauthorized/);
    });
  });
});
