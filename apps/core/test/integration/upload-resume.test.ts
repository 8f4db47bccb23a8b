import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@berth/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';

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
  const basic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

  /** A bearer token for `resume/app`; it stays valid across the restart (same key, same database). */
  async function pushToken(url: string): Promise<Record<string, string>> {
    const project = await fetch(`${url}/api/v2.0/projects`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ project_name: 'resume', metadata: { public: 'false' } }),
    });
    expect(project.status).toBe(201);
    const reply = await fetch(`${url}/service/token?service=berth&scope=repository:resume/app:pull,push`, {
      headers: { authorization: basic },
    });
    const { token } = (await reply.json()) as { token: string };
    return { authorization: `Bearer ${token}` };
  }

  it('resumes a chunked upload on a restarted core and verifies the whole digest', async () => {
    const blob = Buffer.concat([Buffer.alloc(300_000, 1), Buffer.alloc(200_000, 2)]);
    const first = blob.subarray(0, 300_000);
    const rest = blob.subarray(300_000);

    core = await start();
    const auth = await pushToken(core.url);
    const started = await fetch(`${core.url}/v2/resume/app/blobs/uploads/`, {
      method: 'POST',
      headers: auth,
    });
    expect(started.status).toBe(202);
    const location = started.headers.get('location')!;
    const chunk = await fetch(`${core.url}${location}`, {
      method: 'PATCH',
      body: first,
      headers: {
        ...auth,
        'Content-Range': `0-${first.length - 1}`,
        'Content-Type': 'application/octet-stream',
      },
    });
    expect(chunk.status).toBe(202);
    await core.stop();

    core = await start();
    const status = await fetch(`${core.url}${location}`, { headers: auth });
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${first.length - 1}`);

    const finished = await fetch(`${core.url}${location}?digest=${sha256(blob)}`, {
      method: 'PUT',
      body: rest,
      headers: {
        ...auth,
        'Content-Range': `${first.length}-${blob.length - 1}`,
        'Content-Type': 'application/octet-stream',
      },
    });
    expect(finished.status).toBe(201);
    const pulled = await fetch(`${core.url}/v2/resume/app/blobs/${sha256(blob)}`, { headers: auth });
    expect(pulled.status).toBe(200);
    expect(sha256(Buffer.from(await pulled.arrayBuffer()))).toBe(sha256(blob));
  });
});
