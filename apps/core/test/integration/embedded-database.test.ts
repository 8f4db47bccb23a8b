import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isAlive,
  postmasterPid,
  processesMentioning,
  startCore,
  stopLeftoverPostgres,
  type CoreProcess,
} from '../support/core-process.js';

describe('embedded PostgreSQL', () => {
  let dataDir = '';
  const started: CoreProcess[] = [];

  afterAll(async () => {
    for (const core of started) await core.stop();
    if (dataDir) {
      await stopLeftoverPostgres(join(dataDir, 'postgres'));
      expect(processesMentioning(join(dataDir, 'postgres'))).toEqual([]);
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('starts without DATABASE_URL, stops cleanly, and starts again on the same data dir', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-embedded-'));
    const pgDir = join(dataDir, 'postgres');

    const first = await startCore({ database: 'embedded', dataDir });
    started.push(first);
    expect(first.logs()).toContain('Initialising embedded PostgreSQL cluster');
    expect(existsSync(join(pgDir, 'PG_VERSION'))).toBe(true);
    const firstPostgres = postmasterPid(pgDir);
    expect(firstPostgres).not.toBeNull();
    expect(isAlive(firstPostgres!)).toBe(true);
    // PostgreSQL refuses to run as root: when the tests run as root it must run as another account.
    if (process.getuid?.() === 0) expect(processUid(firstPostgres!)).not.toBe(0);
    await expectRegistryAnswers(first);
    await expectHealthy(first);

    await first.stop();
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(isAlive(firstPostgres!)).toBe(false);
    expect(existsSync(join(pgDir, 'postmaster.pid'))).toBe(false);
    expect(processesMentioning(pgDir)).toEqual([]);

    const second = await startCore({ database: 'embedded', dataDir });
    started.push(second);
    expect(second.logs()).not.toContain('Initialising embedded PostgreSQL cluster');
    expect(second.logs()).not.toContain('Created database');
    expect(second.logs()).toContain('Database schema is up to date');
    await expectRegistryAnswers(second);
    await expectHealthy(second);
    const secondPostgres = postmasterPid(pgDir)!;

    await second.stop();
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(isAlive(secondPostgres)).toBe(false);
    expect(processesMentioning(pgDir)).toEqual([]);
  });
});

/** The engine answers (asking for a token: `/v2/` is behind token auth). */
async function expectRegistryAnswers(core: CoreProcess): Promise<void> {
  const response = await fetch(`${core.url}/v2/`);
  await response.arrayBuffer();
  expect(response.status).toBe(401);
  expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
}

async function expectHealthy(core: CoreProcess): Promise<void> {
  const response = await fetch(`${core.url}/api/v2.0/health`);
  const body = (await response.json()) as { status: string };
  expect(body.status).toBe('healthy');
}

function processUid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Uid:'));
  return Number.parseInt(line?.split(/\s+/)[1] ?? '', 10);
}
