/**
 * The artifact type is stored with the manifest when it is written, and the artifact lists filtered
 * by `type` or `media_type` read indexes: in a project of thousands of images, asking for its few
 * charts no longer computes the type of every row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { cosignSignature, descriptorOf, helmChart, randomImage } from '../support/oci-fixtures.js';
import { TestDb } from './projects-fixtures.js';
import { ADMIN, api, Seeder, uniqueName } from './artifacts-support.js';

const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const SEEDED_IMAGES = 3000;

describe('artifact type stored at push time', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let db: TestDb;
  let project: string;
  let projectId: bigint;
  const image = randomImage();
  const signature = cosignSignature(descriptorOf(image));
  const chart = helmChart('typed', '1.0.0');

  /** Index scans PostgreSQL has counted on `index` so far. */
  const scans = async (index: string): Promise<number> => {
    await db.query('SELECT pg_stat_clear_snapshot()');
    const [row] = await db.query<{ idx_scan: string }>(
      'SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = $1',
      [index],
    );
    expect(row, `index ${index}`).toBeDefined();
    return Number(row!.idx_scan);
  };

  /**
   * Waits until `index` has been scanned more than `before` times. A busy backend publishes its
   * counters at most once a second, and an idle one may hold them up to ten seconds.
   */
  const expectScanned = async (index: string, before: number): Promise<void> => {
    const deadline = Date.now() + 15_000;
    let now = await scans(index);
    while (now <= before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      now = await scans(index);
    }
    expect(now, `scans of ${index}`).toBeGreaterThan(before);
  };

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    db = TestDb.open(core);
    project = uniqueName('typed');
    projectId = await seed.project(project);
    await seed.push(`${project}/app`, image, 'v1');
    await seed.push(`${project}/app`, signature);
    await seed.push(`${project}/charts/typed`, chart, '1.0.0');
  });

  afterAll(async () => {
    await db?.close();
    await seed?.close();
    await core?.stop();
  });

  it('records the type of each manifest as it is pushed', async () => {
    const rows = await db.query<{ digest: string; type: string }>(
      'SELECT digest, type FROM manifest WHERE project_id = $1',
      [projectId],
    );
    const typeOf = new Map(rows.map((row) => [row.digest, row.type]));
    expect(typeOf.get(image.digest)).toBe('IMAGE');
    expect(typeOf.get(signature.digest)).toBe('SIGNATURE');
    expect(typeOf.get(chart.digest)).toBe('CHART');
  });

  it('gives rows written by any other writer their type too', async () => {
    await db.query(
      `INSERT INTO manifest (repository_id, digest, media_type, artifact_type, size, payload, created_at)
       SELECT r.id, 'sha256:' || encode(sha256(convert_to('seeded-' || g, 'UTF8')), 'hex'),
              'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.config.v1+json',
              100, '\\x7b7d', now() - make_interval(secs => g)
       FROM generate_series(1, $2::int) g, repository r WHERE r.name = $1`,
      [`${project}/app`, SEEDED_IMAGES],
    );
    const [counted] = await db.query<{ count: string }>(
      `SELECT count(*) FROM manifest WHERE project_id = $1 AND type = 'IMAGE'`,
      [projectId],
    );
    expect(Number(counted!.count)).toBe(SEEDED_IMAGES + 1);
    await db.query('ANALYZE manifest');
  });

  it('answers the filtered lists through the type and media type indexes', { timeout: 30_000 }, async () => {
    const indexes = [
      'manifest_project_type_listing_idx',
      'manifest_type_listing_idx',
      'manifest_project_artifact_type_listing_idx',
    ];
    const before = new Map<string, number>();
    for (const index of indexes) before.set(index, await scans(index));
    const list = (path: string, q: string) =>
      api(core.url, 'GET', `/projects/${project}${path}?q=${encodeURIComponent(q)}`, { as: ADMIN });
    const digests = (body: { digest: string }[]) => body.map((artifact) => artifact.digest);

    // A project's few charts among thousands of images.
    const charts = await list('/artifacts', 'type=CHART');
    expect(charts.status).toBe(200);
    expect(digests(charts.body)).toEqual([chart.digest]);
    expect(charts.headers.get('x-total-count')).toBe('1');
    // A repository's artifacts of one type.
    const none = await list('/repositories/app/artifacts', 'type=CHART');
    expect(none.status).toBe(200);
    expect(none.body).toEqual([]);
    // `media_type` matches the manifest's media type or its artifact (config) type.
    const byMediaType = await list('/artifacts', `media_type=${HELM_CONFIG}`);
    expect(byMediaType.status).toBe(200);
    expect(digests(byMediaType.body)).toEqual([chart.digest]);

    for (const index of indexes) await expectScanned(index, before.get(index)!);
  });
});
