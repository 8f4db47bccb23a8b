import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  CORE_MAIN,
  isAlive,
  postmasterPid,
  startCore,
  type CoreProcess,
} from '../support/core-process.js';

describe('core startup', () => {
  let sut: CoreProcess;

  beforeAll(async () => {
    sut = await startCore();
  });

  afterAll(async () => {
    await sut?.stop();
  });

  it('answers GET /v2/ with the distribution API version header: 401 and a challenge, 200 with a token', async () => {
    const response = await fetch(`${sut.url}/v2/`);
    await response.arrayBuffer();
    expect(response.status).toBe(401);
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${sut.url}/service/token",service="berth"`,
    );

    const authorization = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
    const token = (await (
      await fetch(`${sut.url}/service/token?service=berth`, { headers: { authorization } })
    ).json()) as { token: string };
    const authorized = await fetch(`${sut.url}/v2/`, { headers: { authorization: `Bearer ${token.token}` } });
    await authorized.arrayBuffer();
    expect(authorized.status).toBe(200);
  });

  it('routes /v2 without a trailing slash to the engine, not Fastify', async () => {
    const response = await fetch(`${sut.url}/v2`);
    await response.arrayBuffer();
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('answers the health endpoint in Harbor shape with a healthy database', async () => {
    const response = await fetch(`${sut.url}/api/v2.0/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      components: { name: string; status: string }[];
    };
    expect(body.status).toBe('healthy');
    expect(body.components).toContainEqual({ name: 'database', status: 'healthy' });
  });

  it('sends other paths to Fastify', async () => {
    // Fastify answers with the console (its page shell for unknown page paths), never the registry.
    const response = await fetch(`${sut.url}/v2x`);
    await response.arrayBuffer();
    expect(response.headers.get('docker-distribution-api-version')).toBeNull();
    const api = await fetch(`${sut.url}/api/v2.0/no-such-endpoint`);
    expect(api.status).toBe(404);
    expect(api.headers.get('docker-distribution-api-version')).toBeNull();
  });

  it('logs the URL it listens on', () => {
    expect(sut.logs()).toContain(`Berth listening on http://127.0.0.1:${sut.port}`);
  });
});

describe('core startup with BERTH_PORT=0', () => {
  it('picks a free port, prints it, serves on it and exits 0 on SIGTERM', async () => {
    const sut = await startCore({ port: 0 });
    try {
      expect(sut.port).toBeGreaterThan(0);
      expect(sut.logs()).toMatch(new RegExp(`Berth listening on http://127\\.0\\.0\\.1:${sut.port}\\b`));
      const response = await fetch(`${sut.url}/v2/`);
      await response.arrayBuffer();
      expect(response.status).toBe(401);
      expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    } finally {
      await sut.stop();
      expect(await sut.exited).toEqual({ code: 0, signal: null });
    }
  });
});

describe('core configuration', () => {
  it('refuses to start on a bad value, naming it', async () => {
    const child = spawn(process.execPath, [CORE_MAIN], {
      env: {
        ...process.env,
        BERTH_PORT: 'eighty',
        DATABASE_URL: 'mysql://nope',
        BERTH_SECRET_KEY: 'not-a-key-0123',
        BERTH_EXTERNAL_URL: 'registry.example.com',
        REDIS_URL: 'http://cache',
        BERTH_ALLOW_PRIVATE_TARGETS: '10.0.0.0/40',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('BERTH_PORT must be an integer');
    expect(stderr).toContain('DATABASE_URL must be a postgres://');
    expect(stderr).toContain('BERTH_SECRET_KEY must be 64 hexadecimal characters');
    expect(stderr).not.toContain('not-a-key');
    expect(stderr).toContain('BERTH_EXTERNAL_URL must be an http:// or https:// URL');
    expect(stderr).toContain('REDIS_URL must be a redis://');
    expect(stderr).toContain('BERTH_ALLOW_PRIVATE_TARGETS must list CIDR blocks');
  });
});

describe('start output', () => {
  let sut: CoreProcess;

  beforeAll(async () => {
    // stdout and stderr are pipes here, not a terminal; NO_COLOR is cleared so that nothing but the
    // terminal check keeps colours out. Its own process group, to be interrupted as Ctrl-C does.
    sut = await startCore({ database: 'embedded', env: { NO_COLOR: '' }, processGroup: true });
  });

  afterAll(async () => {
    await sut?.stop();
  });

  it('prints no framework route-mapping lines and no colour codes', () => {
    const logs = sut.logs();
    expect(logs).toContain('Berth listening on');
    expect(logs).not.toMatch(/RouterExplorer|RoutesResolver|InstanceLoader|Mapped \{/);
    expect(logs).not.toContain('\x1b[');
  });

  it('prints the address it listens on and what to do next, and the printed URL answers', async () => {
    const logs = sut.logs();
    expect(logs).toContain(`Berth listening on http://127.0.0.1:${sut.port}`);
    const consoleUrl = /Console: +(\S+)/.exec(logs)?.[1];
    expect(consoleUrl).toBe(`http://127.0.0.1:${sut.port}/`);
    const page = await fetch(consoleUrl!);
    await page.arrayBuffer();
    expect(page.status).toBe(200);
    expect(logs).toContain(`docker login 127.0.0.1:${sut.port} -u admin`);
    expect(logs).toContain('Change password');
    expect(logs).toContain('PUT /api/v2.0/users/{user_id}/password');
  });

  it('exits 0 on Ctrl-C and stops the embedded PostgreSQL without warnings', async () => {
    const pgDir = join(sut.dataDir, 'postgres');
    const postgres = postmasterPid(pgDir);
    expect(postgres).not.toBeNull();
    const before = sut.logs().length;
    // A terminal's Ctrl-C signals every process of the foreground group, not just the core.
    process.kill(-sut.pid, 'SIGINT');
    expect(await sut.exited).toEqual({ code: 0, signal: null });
    const shutdown = sut.logs().slice(before);
    expect(shutdown).toContain('Received SIGINT; shutting down');
    expect(shutdown).toContain('Berth stopped');
    expect(shutdown).not.toMatch(/\bWARN\b|\bERROR\b|Warning|terminating connection/);
    expect(isAlive(postgres!)).toBe(false);
    expect(existsSync(join(pgDir, 'postmaster.pid'))).toBe(false);
  });
});
