import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GcRepository } from '@berth/db';
import {
  MediaType,
  RegistryError,
  type BlobDriver,
  type ChangeOrigin,
  type RegistryServices,
} from '@berth/distribution';
import { JOB_KINDS, gcJob, type TGcPayload } from '@berth/jobs';
import { waitFor } from '@berth/jobs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProductProcessors,
  gcProcessor,
  type ExecutionView,
  type GcWindows,
  type JobRuntime,
} from '../../src/index.js';
import { JobFixture } from './job-fixture.js';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const origin: ChangeOrigin = {
  actor: 'tester',
  request: { id: 'r', addr: '', host: '', method: 'TEST', useragent: 'test' },
  sourceAddr: '',
};

interface Image {
  repository: string;
  tag: string | null;
  digest: string;
  payload: Buffer;
  blobs: Buffer[];
}

describe(gcProcessor.name, () => {
  let fixture: JobFixture;
  let registry: RegistryServices;
  let driver: BlobDriver;
  let gc: GcRepository;
  let sut: JobRuntime;
  // The processor reads its windows at each run: the stress test shrinks the grace window to 0.
  const windows: GcWindows = { graceMinutes: 60, uploadMaxAgeHours: 24 };

  beforeAll(async () => {
    fixture = await JobFixture.open();
    registry = fixture.registry();
    driver = fixture.blobDriver();
    gc = new GcRepository(fixture.database);
    sut = await fixture.runtime(JOB_KINDS, [
      gcProcessor({ gc, registry, blobs: driver, windows, batchSize: 4 }),
      ...createProductProcessors(fixture.productDeps(registry)).filter((p) => p.kind !== gcJob),
    ]);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  async function project(): Promise<string> {
    const name = `p${randomBytes(4).toString('hex')}`;
    await fixture.query(`INSERT INTO project (name) VALUES ($1)`, [name]);
    return name;
  }

  async function upload(repository: string, data: Buffer): Promise<string> {
    const digest = sha256(data);
    await registry.uploads.monolithic(
      repository,
      { algorithm: 'sha256', hex: digest.slice(7) },
      Readable.from([data]),
    );
    return digest;
  }

  async function push(repository: string, tag: string | null, extra: Buffer[] = []): Promise<Image> {
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', n: randomBytes(8).toString('hex') }),
    );
    const layers = [randomBytes(200 + Math.floor(Math.random() * 200)), ...extra];
    for (const data of [config, ...layers]) await upload(repository, data);
    const payload = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: layers.map((layer) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: sha256(layer),
          size: layer.length,
        })),
      }),
    );
    const { digest } = await registry.manifests.put(
      repository,
      { payload, contentType: MediaType.OciManifest, tags: tag ? [tag] : [] },
      origin,
    );
    return { repository, tag, digest, payload, blobs: [config, ...layers] };
  }

  /** Pulls the image as a client does and compares every byte. */
  async function pull(image: Image): Promise<void> {
    const manifest = await registry.manifests.get(image.repository, image.tag ?? image.digest);
    expect(manifest.payload.equals(image.payload)).toBe(true);
    for (const blob of image.blobs) {
      const digest = sha256(blob);
      await registry.blobs.stat(image.repository, digest);
      const stream = await driver.read(digest);
      expect(stream, `bytes of ${digest}`).not.toBeNull();
      const chunks: Buffer[] = [];
      for await (const chunk of stream!) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(blob), `bytes of ${digest}`).toBe(true);
    }
  }

  async function run(payload: Partial<TGcPayload>): Promise<ExecutionView> {
    const { execution } = await sut.service.trigger(gcJob, {
      trigger: 'MANUAL',
      tasks: [{ payload: { dryRun: false, deleteUntagged: false, workers: 1, ...payload } }],
    });
    return waitFor(
      'the gc run to end',
      async () => {
        const found = await sut.service.getExecution(execution.id);
        return found?.endTime ? found : undefined;
      },
      60_000,
    );
  }

  async function logOf(execution: ExecutionView): Promise<string> {
    const [task] = (await sut.service.listTasks(execution.id, { offset: 0, limit: 1 })).items;
    return (await sut.service.taskLog(task!.id)) ?? '';
  }

  const age = (table: string, column: string, where: string, values: unknown[]) =>
    fixture.query(`UPDATE ${table} SET ${column} = now() - interval '2 hours' WHERE ${where}`, values);

  const blobCount = async () =>
    Number((await fixture.query<{ n: string }>('SELECT count(*) AS n FROM blob'))[0]!.n);

  it('frees what nothing references; a dry run reports exactly what the real run frees', async () => {
    const repository = `${await project()}/app`;
    const shared = randomBytes(300);
    const kept = await push(repository, 'v1', [shared]);
    // Deleted now: its blobs lost their reference, so they go at once, young as they are (but
    // the layer it shares with `kept` stays).
    const deleted = await push(repository, 'v2', [shared]);
    await registry.manifests.delete(repository, deleted.digest, origin);
    // Untagged and old: deleted with deleteUntagged, and its blobs with it.
    const untagged = await push(repository, null);
    await age('manifest', 'created_at', 'digest = $1', [untagged.digest]);
    const untaggedYoung = await push(repository, null);
    // Uploaded, never referenced: old goes, young stays (a push in flight).
    const orphanOld = await upload(repository, randomBytes(123));
    await age('blob', 'created_at', 'digest = $1', [orphanOld]);
    await age('repository_blob', 'created_at', 'digest = $1', [orphanOld]);
    const orphanYoung = await upload(repository, randomBytes(77));
    // An abandoned upload session, and a fresh one.
    const stale = await registry.uploads.start(repository);
    await registry.uploads.patch(repository, stale.id, Readable.from([randomBytes(10)]), {
      contentRange: undefined,
      contentLength: undefined,
    });
    await fixture.query(`UPDATE upload_session SET created_at = now() - interval '25 hours' WHERE id = $1`, [
      stale.id,
    ]);
    const fresh = await registry.uploads.start(repository);

    const freed = [...deleted.blobs.slice(0, 2).map(sha256), ...untagged.blobs.map(sha256), orphanOld];
    const freedBytes =
      [...deleted.blobs.slice(0, 2), ...untagged.blobs].reduce((n, b) => n + b.length, 0) + 123;

    const blobsBefore = await blobCount();
    const dry = await run({ dryRun: true, deleteUntagged: true });
    expect(dry).toMatchObject({
      status: 'Success',
      vendorType: 'GARBAGE_COLLECTION',
      extraAttrs: {
        delete_untagged: true,
        dry_run: true,
        workers: 1,
        purged_blobs: freed.length,
        purged_manifests: 1,
        freed_space: freedBytes,
        purged_uploads: 1,
      },
    });
    expect(await blobCount()).toBe(blobsBefore);
    for (const digest of freed) expect(await driver.stat(digest)).not.toBeNull();
    expect(await logOf(dry)).toContain('[DRY-RUN] The GC could free up');

    const real = await run({ deleteUntagged: true, workers: 3 });
    expect(real).toMatchObject({
      status: 'Success',
      extraAttrs: {
        dry_run: false,
        workers: 3,
        purged_blobs: freed.length,
        purged_manifests: 1,
        freed_space: freedBytes,
        purged_uploads: 1,
      },
      progress: { percent: 100 },
    });
    expect(await blobCount()).toBe(blobsBefore - freed.length);
    for (const digest of freed) expect(await driver.stat(digest)).toBeNull();
    await pull(kept);
    await pull(untaggedYoung);
    expect(await driver.stat(orphanYoung)).not.toBeNull();
    expect(await driver.uploadSize(stale.id)).toBeNull();
    expect(await driver.uploadSize(fresh.id)).toBe(0);
    await expect(registry.manifests.get(repository, untagged.digest)).rejects.toThrow(RegistryError);
    expect(await fixture.query('SELECT 1 FROM gc_blob_deletion')).toHaveLength(0);
    // The quota still counts exactly what the project's manifests reference.
    const [quota] = await fixture.query<{ used: string; counted: string }>(
      `SELECT p.quota_used AS used, (SELECT coalesce(sum(size), 0) FROM project_blob pb WHERE pb.project_id = p.id) AS counted
        FROM project p WHERE p.name = $1`,
      [repository.split('/')[0]],
    );
    expect(quota!.used).toBe(quota!.counted);
    const log = await logOf(real);
    expect(log).toContain(`delete the manifest with registry v2 API: ${repository}, ${untagged.digest}`);
    expect(log).toContain(`${freed.length} blobs and 1 manifests are actually deleted`);
    // The deletion of the untagged manifest is an event like any other (audit, webhooks): in the outbox.
    const events = await fixture.query<{ payload: unknown }>(
      `SELECT payload FROM outbox_event WHERE payload::text LIKE $1 AND payload::text LIKE '%garbage-collection%'`,
      [`%${untagged.digest}%`],
    );
    expect(events).toHaveLength(1);
  });

  it('finishes the byte deletions of a killed run, keeping bytes uploaded again meanwhile', async () => {
    const repository = `${await project()}/resume`;
    const a = randomBytes(50);
    const b = randomBytes(60);
    const digests = [await upload(repository, a), await upload(repository, b)];
    for (const digest of digests) {
      await age('blob', 'created_at', 'digest = $1', [digest]);
      await age('repository_blob', 'created_at', 'digest = $1', [digest]);
    }
    // A run killed after its locked sweep: rows gone, bytes still there, pending deletions recorded.
    const swept = await gc.sweepBlobs(digests, new Date());
    expect(swept.map((blob) => blob.digest).sort()).toEqual([...digests].sort());
    expect(await gc.pendingDeletions()).toHaveLength(2);
    // `b` is uploaded again before the next run: its bytes must survive it.
    await upload(repository, b);

    const next = await run({});
    expect(next.status).toBe('Success');
    expect(await driver.stat(digests[0]!)).toBeNull();
    expect(await driver.stat(digests[1]!)).toEqual({ size: 60 });
    expect(await gc.pendingDeletions()).toHaveLength(0);
    expect(await logOf(next)).toContain('finishing 2 blob deletions of an earlier run');
  });

  it('never loses a byte of a pushed image while pushes, pulls and deletions run through repeated GCs', async () => {
    windows.graceMinutes = 0;
    try {
      const repository = `${await project()}/busy`;
      const shared = randomBytes(500);
      const live = new Map<string, Image>();
      let stop = false;
      let pushes = 0;
      let refused = 0;
      let pulls = 0;
      let serial = 0;
      const pusher = async () => {
        while (!stop) {
          const tag = `t${serial++}`;
          try {
            // Every image shares a layer, uploaded again each time, as clients do.
            const image = await push(repository, tag, [shared]);
            live.set(tag, image);
            pushes++;
          } catch (error) {
            // GC freed a layer between its upload and the manifest (grace 0): the client pushes again.
            if (!(error instanceof RegistryError)) throw error;
            refused++;
          }
          // Some untagged manifests, for deleteUntagged.
          if (serial % 5 === 0) await push(repository, null).catch(() => undefined);
        }
      };
      const puller = async () => {
        while (!stop) {
          const images = [...live.values()];
          const image = images[Math.floor(Math.random() * images.length)];
          if (!image) {
            await new Promise((resolve) => setTimeout(resolve, 10));
            continue;
          }
          try {
            await pull(image);
            pulls++;
          } catch (error) {
            // Only an image deleted meanwhile may fail.
            if (live.get(image.tag!) === image) throw error;
          }
        }
      };
      const deleter = async () => {
        while (!stop) {
          await new Promise((resolve) => setTimeout(resolve, 40));
          const tags = [...live.keys()];
          if (tags.length < 4) continue;
          const tag = tags[Math.floor(Math.random() * tags.length)]!;
          const image = live.get(tag)!;
          live.delete(tag);
          await registry.manifests.delete(repository, image.digest, origin);
        }
      };
      const load = Promise.all([pusher(), pusher(), puller(), deleter()]);
      const runs: ExecutionView[] = [];
      try {
        for (let i = 0; i < 5; i++) runs.push(await run({ deleteUntagged: true, workers: 1 + (i % 3) }));
      } finally {
        stop = true;
        await load;
      }
      for (const execution of runs) expect(execution.status).toBe('Success');
      expect(runs.reduce((n, e) => n + Number(e.extraAttrs.purged_blobs), 0)).toBeGreaterThan(0);
      expect(pushes).toBeGreaterThan(5);
      expect(pulls).toBeGreaterThan(5);

      for (const image of live.values()) await pull(image);
      // Every blob row has its bytes, and every reference its blob.
      for (const row of await fixture.query<{ digest: string }>('SELECT digest FROM blob')) {
        expect(await driver.stat(row.digest), row.digest).not.toBeNull();
      }
      expect(
        await fixture.query(
          `SELECT mr.digest FROM manifest_reference mr WHERE mr.kind = 'blob'
            AND NOT EXISTS (SELECT 1 FROM blob b WHERE b.digest = mr.digest)`,
        ),
      ).toEqual([]);
      console.info(
        `gc stress: ${pushes} pushes (${refused} refused and retried), ${pulls} pulls, ${runs.length} GC runs`,
      );
    } finally {
      windows.graceMinutes = 60;
    }
  });
});
