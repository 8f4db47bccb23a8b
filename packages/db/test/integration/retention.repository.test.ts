import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IMMUTABLE_RULES_CHANNEL,
  ImmutableRuleRepository,
  listen,
  RetentionRepository,
  UniqueViolationError,
  type ImmutableRuleWrite,
  type RetentionPolicyWrite,
} from '../../src/index.js';
import { RepositoryFixture } from './repository-fixtures.js';

const POLICY: RetentionPolicyWrite = {
  algorithm: 'or',
  rules: [
    {
      id: 1,
      priority: 0,
      disabled: false,
      action: 'retain',
      template: 'latestPushedK',
      params: { latestPushedK: 3 },
      tagSelectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '' }],
      scopeSelectors: {
        repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**', extras: '' }],
      },
      perTag: false,
    },
  ],
  trigger: { kind: 'Schedule', settings: { cron: '0 0 0 * * *' } },
};

const RULE: ImmutableRuleWrite = {
  disabled: false,
  priority: 0,
  action: 'immutable',
  template: 'immutable_template',
  tagSelectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*', extras: '' }],
  scopeSelectors: {
    repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**', extras: '' }],
  },
  selectorsKey: 'repoMatches:**|matches:v*',
};

describe(RetentionRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: RetentionRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new RetentionRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  async function manifest(
    repositoryId: bigint,
    digest: string,
    mediaType = 'application/vnd.oci.image.manifest.v1+json',
  ) {
    const [row] = await fixture.query<{ id: string }>(
      `INSERT INTO manifest (repository_id, digest, media_type, size, payload) VALUES ($1, $2, $3, 2, '\\x7b7d')
       RETURNING id`,
      [repositoryId, digest, mediaType],
    );
    return BigInt(row!.id);
  }

  it('keeps one policy per project, reads, updates and deletes it with its schedule', async () => {
    const project = await fixture.newProject();
    const created = await fixture.database.transaction((tx) => sut.create(tx, project.id, POLICY));
    expect(created).toMatchObject({
      projectId: project.id,
      algorithm: 'or',
      rules: POLICY.rules,
      trigger: POLICY.trigger,
    });
    expect(await sut.findById(created.id)).toEqual(created);
    expect(await sut.findByProject(project.id)).toEqual(created);
    await expect(
      fixture.database.transaction((tx) => sut.create(tx, project.id, POLICY)),
    ).rejects.toBeInstanceOf(UniqueViolationError);

    const updated = await fixture.database.transaction(async (tx) => {
      expect(await sut.lock(tx, created.id)).toEqual(created);
      return sut.update(tx, created.id, { ...POLICY, rules: [] });
    });
    expect(updated?.rules).toEqual([]);

    await fixture.query(
      `INSERT INTO schedule (vendor_type, vendor_id, job_kind, cron_type, cron, next_fire_at)
       VALUES ('RETENTION', $1, 'retention', 'Custom', '0 0 0 * * *', now())`,
      [created.id],
    );
    expect(await fixture.database.transaction((tx) => sut.delete(tx, created.id))).toBe(true);
    expect(await sut.findById(created.id)).toBeNull();
    expect(
      await fixture.query(`SELECT id FROM schedule WHERE vendor_type = 'RETENTION' AND vendor_id = $1`, [
        created.id,
      ]),
    ).toEqual([]);
    expect(await fixture.database.transaction((tx) => sut.delete(tx, created.id))).toBe(false);
  });

  it("goes with its project, and the project's schedule with it", async () => {
    const project = await fixture.newProject();
    const created = await fixture.database.transaction((tx) => sut.create(tx, project.id, POLICY));
    await fixture.query(
      `INSERT INTO schedule (vendor_type, vendor_id, job_kind, cron_type, cron, next_fire_at)
       VALUES ('RETENTION', $1, 'retention', 'Custom', '0 0 0 * * *', now())`,
      [created.id],
    );
    await fixture.query('DELETE FROM project WHERE id = $1', [project.id]);
    expect(await sut.findById(created.id)).toBeNull();
    expect(
      await fixture.query(`SELECT id FROM schedule WHERE vendor_id = $1 AND vendor_type = 'RETENTION'`, [
        created.id,
      ]),
    ).toEqual([]);
  });

  it("reads a repository's manifests with their tags, children and labels", async () => {
    const project = await fixture.newProject();
    const repositoryId = await fixture.newRepository(project, 'app');
    await fixture.newRepository(project, 'other');
    const child = await manifest(repositoryId, 'sha256:child');
    const index = await manifest(repositoryId, 'sha256:index', 'application/vnd.oci.image.index.v1+json');
    await fixture.query(
      `INSERT INTO manifest_reference (manifest_id, digest, kind, size) VALUES ($1, 'sha256:child', 'manifest', 2)`,
      [index],
    );
    await fixture.query(
      `INSERT INTO tag (repository_id, name, manifest_id, updated_at) VALUES ($1, 'v1', $2, '2026-01-02T00:00:00Z'),
         ($1, 'latest', $2, '2026-01-03T00:00:00Z')`,
      [repositoryId, index],
    );
    const [label] = await fixture.query<{ id: string }>(
      `INSERT INTO label (name, scope) VALUES ($1, 'g') RETURNING id`,
      [fixture.unique('label')],
    );
    await fixture.query('INSERT INTO artifact_label (manifest_id, label_id) VALUES ($1, $2)', [
      index,
      label!.id,
    ]);

    expect(await sut.repositoryNames(project.id)).toEqual([`${project.name}/app`, `${project.name}/other`]);
    const artifacts = await sut.artifactsOf(`${project.name}/app`);
    expect(artifacts.map((artifact) => artifact.id)).toEqual([child, index]);
    expect(artifacts[0]).toMatchObject({
      digest: 'sha256:child',
      tags: [],
      childDigests: [],
      subjectDigest: null,
      pulledAt: null,
    });
    expect(artifacts[1]).toMatchObject({
      digest: 'sha256:index',
      childDigests: ['sha256:child'],
      tags: [
        { name: 'latest', pushedAt: new Date('2026-01-03T00:00:00Z') },
        { name: 'v1', pushedAt: new Date('2026-01-02T00:00:00Z') },
      ],
    });
    expect(artifacts[1]!.labels).toHaveLength(1);
    expect(await sut.artifactsOf(`${project.name}/none`)).toEqual([]);
  });
});

describe(ImmutableRuleRepository.name, () => {
  let fixture: RepositoryFixture;
  let sut: ImmutableRuleRepository;

  beforeAll(async () => {
    fixture = await RepositoryFixture.open();
    sut = new ImmutableRuleRepository(fixture.database);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('creates, lists, updates and deletes rules, refusing the same selectors twice in a project', async () => {
    const project = await fixture.newProject();
    const other = await fixture.newProject();
    const created = await fixture.database.transaction((tx) => sut.create(tx, project.id, RULE));
    expect(created).toMatchObject({
      projectId: project.id,
      tagSelectors: RULE.tagSelectors,
      disabled: false,
    });
    await expect(
      fixture.database.transaction((tx) => sut.create(tx, project.id, RULE)),
    ).rejects.toBeInstanceOf(UniqueViolationError);
    await fixture.database.transaction((tx) => sut.create(tx, other.id, RULE));
    const second = await fixture.database.transaction((tx) =>
      sut.create(tx, project.id, { ...RULE, selectorsKey: 'two' }),
    );

    expect(await sut.count(project.id)).toBe(2);
    const listed = await sut.list(project.id, { offset: 1, limit: 10 });
    expect(listed).toMatchObject({ total: 2, items: [{ id: second.id }] });

    const disabled = await fixture.database.transaction((tx) =>
      sut.update(tx, created.id, { ...RULE, disabled: true }),
    );
    expect(disabled?.disabled).toBe(true);
    const enabled = await sut.enabled();
    expect(enabled.map((rule) => rule.id)).not.toContain(created.id);
    expect(enabled.find((rule) => rule.id === second.id)?.projectName).toBe(project.name);

    expect(await fixture.database.transaction((tx) => sut.delete(tx, created.id))).toBe(true);
    expect(await sut.findById(created.id)).toBeNull();
    expect(await fixture.database.transaction((tx) => sut.update(tx, created.id, RULE))).toBeNull();
  });

  it('notifies every change at commit, a cascade from the project included', async () => {
    const project = await fixture.newProject();
    const heard: string[] = [];
    const listener = await listen(fixture.database, IMMUTABLE_RULES_CHANNEL, {
      onNotification: (payload) => heard.push(payload),
      onLost: () => undefined,
    });
    try {
      await fixture.database.transaction((tx) => sut.create(tx, project.id, RULE));
      await expect.poll(() => heard.length).toBe(1);
      await fixture.query('DELETE FROM project WHERE id = $1', [project.id]);
      await expect.poll(() => heard.length).toBe(2);
    } finally {
      await listener.close();
    }
  });

  it('reads where tags point, the tags of a manifest and of a repository', async () => {
    const project = await fixture.newProject();
    const repositoryId = await fixture.newRepository(project, 'app');
    const [a] = await fixture.query<{ id: string }>(
      `INSERT INTO manifest (repository_id, digest, media_type, size, payload) VALUES ($1, 'sha256:a', 'x', 1, '\\x00') RETURNING id`,
      [repositoryId],
    );
    const [b] = await fixture.query<{ id: string }>(
      `INSERT INTO manifest (repository_id, digest, media_type, size, payload) VALUES ($1, 'sha256:b', 'x', 1, '\\x00') RETURNING id`,
      [repositoryId],
    );
    await fixture.query(
      `INSERT INTO tag (repository_id, name, manifest_id) VALUES ($1, 'v1', $2), ($1, 'v2', $2), ($1, 'dev', $3)`,
      [repositoryId, a!.id, b!.id],
    );
    const name = `${project.name}/app`;
    expect(await sut.tagDigests(name, ['v1', 'dev', 'nope'])).toEqual(
      new Map([
        ['v1', 'sha256:a'],
        ['dev', 'sha256:b'],
      ]),
    );
    expect(await sut.tagsOfManifest(name, 'sha256:a')).toEqual(['v1', 'v2']);
    expect(await sut.tagsOfRepository(name)).toEqual(['dev', 'v1', 'v2']);
    expect(await sut.tagsOfRepository(`${project.name}/none`)).toEqual([]);
  });
});
