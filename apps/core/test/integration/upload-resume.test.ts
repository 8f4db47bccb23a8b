import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@berth/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('upload sessions across a restart', () => {
  let database: { url: string; drop(): Promise<void> };
  let dataDir: string;
  let core: CoreProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'berth-resume-'));
  });

  afterAll(async () => {
    await core?.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () => startCore({ dataDir, env: { DATABASE_URL: database.url } });

  it('resumes a chunked upload on a restarted core and verifies the whole digest', async () => {
    const blob = Buffer.concat([Buffer.alloc(300_000, 1), Buffer.alloc(200_000, 2)]);
    const first = blob.subarray(0, 300_000);
    const rest = blob.subarray(300_000);

    core = await start();
    const started = await fetch(`${core.url}/v2/resume/app/blobs/uploads/`, { method: 'POST' });
    expect(started.status).toBe(202);
    const location = started.headers.get('location')!;
    const chunk = await fetch(`${core.url}${location}`, {
      method: 'PATCH',
      body: first,
      headers: { 'Content-Range': `0-${first.length - 1}`, 'Content-Type': 'application/octet-stream' },
    });
    expect(chunk.status).toBe(202);
    await core.stop();

    core = await start();
    const status = await fetch(`${core.url}${location}`);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${first.length - 1}`);

    const finished = await fetch(`${core.url}${location}?digest=${sha256(blob)}`, {
      method: 'PUT',
      body: rest,
      headers: {
        'Content-Range': `${first.length}-${blob.length - 1}`,
        'Content-Type': 'application/octet-stream',
      },
    });
    expect(finished.status).toBe(201);
    const pulled = await fetch(`${core.url}/v2/resume/app/blobs/${sha256(blob)}`);
    expect(pulled.status).toBe(200);
    expect(sha256(Buffer.from(await pulled.arrayBuffer()))).toBe(sha256(blob));
  });
});
