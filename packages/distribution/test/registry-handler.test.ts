import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRequest, AuthorizationResult, Authorizer } from '../src/authorizer.js';
import type { EventSink, RegistryEvent } from '../src/event-sink.js';
import { FilesystemBlobDriver } from '../src/filesystem-blob-driver.js';
import { MediaType } from '../src/manifest.js';
import { createRegistryHandler } from '../src/registry-handler.js';
import { MemoryMetadataStore } from '../src/testing/memory-metadata-store.js';

class RecordingEventSink implements EventSink {
  readonly events: RegistryEvent[] = [];
  emit(event: RegistryEvent): void {
    this.events.push(event);
  }
}

/** Denies pushes to repositories under `readonly/` and anything without a `x-user` header. */
class TestAuthorizer implements Authorizer {
  readonly asked: AccessRequest[] = [];
  authorize(req: IncomingMessage, access: AccessRequest): AuthorizationResult {
    this.asked.push(access);
    if (!req.headers['x-user']) {
      return {
        allowed: false,
        status: 401,
        challenge: 'Bearer realm="http://auth.test/token"',
        message: 'log in',
      };
    }
    if (access.repository?.startsWith('readonly/') && access.actions.includes('push')) {
      return { allowed: false, status: 403, message: 'push denied' };
    }
    return { allowed: true };
  }
}

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const sha512 = (data: Buffer) => `sha512:${createHash('sha512').update(data).digest('hex')}`;

describe(createRegistryHandler.name, () => {
  let server: Server;
  let base: string;
  let dir: string;
  const events = new RecordingEventSink();
  const metadata = new MemoryMetadataStore();
  const authorizer = new TestAuthorizer();
  const headers = { 'x-user': 'tester' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-handler-'));
    const handler = createRegistryHandler({
      blobs: new FilesystemBlobDriver(dir),
      metadata,
      authorizer,
      events,
      instanceId: 'test-instance',
    });
    server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  async function pushImage(repository: string, tag: string) {
    const layer = Buffer.from(`layer of ${repository}:${tag}`);
    const config = Buffer.from(`{"repository":"${repository}"}`);
    for (const blob of [layer, config]) {
      const res = await fetch(`${base}/v2/${repository}/blobs/uploads/?digest=${sha256(blob)}`, {
        method: 'POST',
        body: blob,
        headers,
      });
      expect(res.status).toBe(201);
    }
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: [
          { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length },
        ],
      }),
    );
    const res = await fetch(`${base}/v2/${repository}/manifests/${tag}`, {
      method: 'PUT',
      body: manifest,
      headers: { ...headers, 'Content-Type': MediaType.OciManifest },
    });
    expect(res.status).toBe(201);
    return { digest: sha256(manifest), size: manifest.length };
  }

  it('asks the authorizer before anything and answers its challenge', async () => {
    const res = await fetch(`${base}/v2/team/app/manifests/latest`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="http://auth.test/token"');
    expect(await res.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'log in' }] });
    expect(authorizer.asked.at(-1)).toEqual({
      kind: 'repository',
      repository: 'team/app',
      actions: ['pull'],
    });
  });

  it('answers DENIED with 403 when the authorizer refuses a push, and stores nothing', async () => {
    const res = await fetch(`${base}/v2/readonly/app/blobs/uploads/`, { method: 'POST', headers });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('DENIED');
    const tags = await fetch(`${base}/v2/readonly/app/tags/list`, { headers });
    expect(tags.status).toBe(404);
  });

  it('records push and delete events with the change and reports pulls, shaped like distribution notifications', async () => {
    const { digest, size } = await pushImage('team/events', 'v1');
    const pushed = metadata.recordedEvents.find(
      (event) => event.action === 'push' && event.target.tag === 'v1',
    );
    expect(pushed).toMatchObject({
      action: 'push',
      target: { repository: 'team/events', digest, size, mediaType: MediaType.OciManifest, tag: 'v1' },
      request: { method: 'PUT', addr: '127.0.0.1' },
      source: { instanceID: 'test-instance' },
      scope: 'artifact',
    });
    // Changes are recorded by the store in their transaction, never through the sink.
    expect(events.events.some((event) => event.action === 'push')).toBe(false);
    expect(pushed?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(pushed!.timestamp)).not.toBeNaN();

    const pull = await fetch(`${base}/v2/team/events/manifests/v1`, { headers });
    expect(pull.status).toBe(200);
    await pull.arrayBuffer();
    expect(events.events.at(-1)).toMatchObject({
      action: 'pull',
      target: { repository: 'team/events', digest, tag: 'v1' },
    });

    const removed = await fetch(`${base}/v2/team/events/manifests/v1`, { method: 'DELETE', headers });
    expect(removed.status).toBe(202);
    expect(metadata.recordedEvents.at(-1)).toMatchObject({
      action: 'delete',
      scope: 'tag',
      target: { repository: 'team/events', tag: 'v1' },
    });
    // Deleting the tag leaves the manifest reachable by digest.
    expect(
      (await fetch(`${base}/v2/team/events/manifests/${digest}`, { method: 'HEAD', headers })).status,
    ).toBe(200);
  });

  it('checks pull on the source of a cross-repository mount', async () => {
    await pushImage('team/source', 'v1');
    const layer = Buffer.from('layer of team/source:v1');
    const res = await fetch(`${base}/v2/team/target/blobs/uploads/?mount=${sha256(layer)}&from=team/source`, {
      method: 'POST',
      headers,
    });
    expect(res.status).toBe(201);
    expect(authorizer.asked).toContainEqual({
      kind: 'repository',
      repository: 'team/source',
      actions: ['pull'],
    });
    const mounted = await fetch(`${base}/v2/team/target/blobs/${sha256(layer)}`, { method: 'HEAD', headers });
    expect(mounted.status).toBe(200);
  });

  it('resumes a chunked upload whose chunk broke off midway, and still verifies the digest', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 777);
    const started = await fetch(`${base}/v2/team/resume/blobs/uploads/`, { method: 'POST', headers });
    expect(started.status).toBe(202);
    const location = started.headers.get('location')!;
    const first = data.subarray(0, 1024 * 1024);
    const patched = await fetch(`${base}${location}`, {
      method: 'PATCH',
      body: first,
      headers: { ...headers, 'Content-Range': `0-${first.length - 1}` },
    });
    expect(patched.status).toBe(202);

    // The second chunk announces 2 MiB, sends half, and the connection drops.
    const broken = request(`${base}${location}`, {
      method: 'PATCH',
      headers: { ...headers, 'Content-Length': String(2 * 1024 * 1024) },
    });
    broken.on('error', () => undefined);
    broken.write(data.subarray(first.length, first.length + 1024 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 200));
    broken.destroy();
    let size = -1;
    for (let polls = 0; polls < 50; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const status = await fetch(`${base}${location}`, { headers });
      const reported = Number(status.headers.get('range')!.split('-')[1]) + 1;
      if (reported === size) break;
      size = reported;
    }
    expect(size).toBeGreaterThanOrEqual(first.length);
    expect(size).toBeLessThanOrEqual(2 * 1024 * 1024);

    // The hash of the broken request was dropped: completing rebuilds it from the stored bytes.
    const rest = data.subarray(size);
    const done = await fetch(`${base}${location}?digest=${sha256(data)}`, {
      method: 'PUT',
      body: rest,
      headers: { ...headers, 'Content-Range': `${size}-${data.length - 1}` },
    });
    expect(done.status).toBe(201);
    const blob = await fetch(`${base}/v2/team/resume/blobs/${sha256(data)}`, { headers });
    expect(Buffer.from(await blob.arrayBuffer()).equals(data)).toBe(true);

    // Chunk by chunk (the running hash kept between requests), a wrong digest is still refused.
    const other = Buffer.concat([data, Buffer.from('!')]);
    const again = await fetch(`${base}/v2/team/resume/blobs/uploads/`, { method: 'POST', headers });
    const next = again.headers.get('location')!;
    for (let offset = 0; offset < other.length; offset += 1024 * 1024) {
      const chunk = other.subarray(offset, offset + 1024 * 1024);
      const res = await fetch(`${base}${next}`, {
        method: 'PATCH',
        body: chunk,
        headers: { ...headers, 'Content-Range': `${offset}-${offset + chunk.length - 1}` },
      });
      expect(res.status).toBe(202);
    }
    const wrong = await fetch(`${base}${next}?digest=${sha256(data)}`, { method: 'PUT', headers });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('DIGEST_INVALID');
    const right = await fetch(`${base}/v2/team/resume/blobs/uploads/?digest=${sha256(other)}`, {
      method: 'POST',
      body: other,
      headers,
    });
    expect(right.status).toBe(201);
  });

  it('stores a monolithic sha512 upload and serves it whole and in ranges', async () => {
    const data = randomBytes(2 * 1024 * 1024 + 3);
    const refused = await fetch(`${base}/v2/team/big/blobs/uploads/?digest=${sha512(Buffer.from('x'))}`, {
      method: 'POST',
      body: data,
      headers,
    });
    expect(refused.status).toBe(400);
    const pushed = await fetch(`${base}/v2/team/big/blobs/uploads/?digest=${sha512(data)}`, {
      method: 'POST',
      body: data,
      headers,
    });
    expect(pushed.status).toBe(201);

    const whole = await fetch(`${base}/v2/team/big/blobs/${sha512(data)}`, { headers });
    expect(whole.headers.get('content-length')).toBe(String(data.length));
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
    const ranged = await fetch(`${base}/v2/team/big/blobs/${sha512(data)}`, {
      headers: { ...headers, Range: 'bytes=1000-1500000' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1500000/${data.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(1000, 1500001))).toBe(true);
  });

  it("commits extra ?tag= values in the manifest's transaction, and stores nothing when one is bad", async () => {
    const { digest } = await pushImage('team/tags', 'base');
    const manifest = await fetch(`${base}/v2/team/tags/manifests/${digest}`, { headers });
    const payload = Buffer.from(await manifest.arrayBuffer());
    const put = (query: string) =>
      fetch(`${base}/v2/team/tags/manifests/base?${query}`, {
        method: 'PUT',
        body: payload,
        headers: { ...headers, 'Content-Type': MediaType.OciManifest },
      });
    const bad = await put('tag=one&tag=..bad');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('MANIFEST_INVALID');
    const tagsAfterBad = await fetch(`${base}/v2/team/tags/tags/list`, { headers });
    expect(((await tagsAfterBad.json()) as { tags: string[] }).tags).toEqual(['base']);

    expect((await put('tag=one&tag=two')).status).toBe(201);
    const tags = await fetch(`${base}/v2/team/tags/tags/list`, { headers });
    expect(((await tags.json()) as { tags: string[] }).tags).toEqual(['base', 'one', 'two']);
    const pushes = metadata.recordedEvents.filter(
      (event) => event.target.repository === 'team/tags' && event.action === 'push',
    );
    expect(pushes.map((event) => event.target.tag)).toEqual(['base', 'base', 'one', 'two']);
  });

  it('answers 400 MANIFEST_BLOB_UNKNOWN for a manifest whose blobs were never pushed', async () => {
    const missing = sha256(Buffer.from('never pushed'));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: missing, size: 12 },
        layers: [],
      }),
    );
    const res = await fetch(`${base}/v2/team/missing/manifests/v1`, {
      method: 'PUT',
      body: manifest,
      headers: { ...headers, 'Content-Type': MediaType.OciManifest },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { code: string; detail: { missing: string[] } }[] };
    expect(body.errors[0]).toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN', detail: { missing: [missing] } });
  });

  it('refuses NUL, invalid UTF-8 and absurd values in listing parameters with 400, not a fault', async () => {
    await pushImage('team/params', 'v1');
    for (const query of [
      'last=%00',
      'last=%C3%28',
      'last=%FF',
      `last=${'a'.repeat(10_000)}`,
      'n=99999999999999999999',
      'n=-1',
    ]) {
      for (const path of ['/v2/team/params/tags/list', '/v2/_catalog']) {
        const res = await fetch(`${base}${path}?${query}`, { headers });
        expect(res.status, `${path}?${query.slice(0, 40)}`).toBe(400);
        const code = ((await res.json()) as { errors: { code: string }[] }).errors[0]?.code;
        expect(['PARAMETER_INVALID', 'PAGINATION_NUMBER_INVALID']).toContain(code);
      }
    }
    const referrers = await fetch(
      `${base}/v2/team/params/referrers/${sha256(Buffer.from('x'))}?artifactType=%00`,
      {
        headers,
      },
    );
    expect(referrers.status).toBe(400);
  });

  it('lists a repository once a manifest is in it, not when only blobs were uploaded', async () => {
    const blob = Buffer.from('orphan layer');
    const uploaded = await fetch(`${base}/v2/team/orphan/blobs/uploads/?digest=${sha256(blob)}`, {
      method: 'POST',
      body: blob,
      headers,
    });
    expect(uploaded.status).toBe(201);
    const catalog = async () =>
      ((await (await fetch(`${base}/v2/_catalog?n=1000`, { headers })).json()) as { repositories: string[] })
        .repositories;
    expect(await catalog()).not.toContain('team/orphan');
    expect((await fetch(`${base}/v2/team/orphan/tags/list`, { headers })).status).toBe(404);
    await pushImage('team/orphan', 'v1');
    expect(await catalog()).toContain('team/orphan');
  });
});
