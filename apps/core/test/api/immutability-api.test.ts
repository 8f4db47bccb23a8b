/**
 * Tag immutability through the built core: Harbor's `/projects/{p}/immutabletagrules` (CRUD, the
 * 15-rule limit, bad input, permissions) and the rules' enforcement on `/v2/` (DENIED, 403) and on
 * the API (412), both naming the rule, with Harbor's documentation example (hello-world:v1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { cosignSignature, descriptorOf, randomImage, type OciErrorBody } from '../support/oci-fixtures.js';
import {
  ADMIN,
  api,
  ProjectRole,
  repoParam,
  Seeder,
  uniqueName,
  type Credentials,
} from './artifacts-support.js';

const selector = (decoration: string, pattern: string) => ({ kind: 'doublestar', decoration, pattern });

function rule(
  repositories: string,
  tags: string,
  options: { repoDecoration?: string; tagDecoration?: string } = {},
) {
  return {
    action: 'immutable',
    template: 'immutable_template',
    tag_selectors: [selector(options.tagDecoration ?? 'matches', tags)],
    scope_selectors: { repository: [selector(options.repoDecoration ?? 'repoMatches', repositories)] },
  };
}

describe('tag immutability', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let project: string;
  let projectId: bigint;
  let developer: Credentials & { id: bigint };
  let maintainer: Credentials & { id: bigint };
  let outsider: Credentials & { id: bigint };

  const rulesPath = (name = project) => `/projects/${name}/immutabletagrules`;

  async function createRule(body: unknown, as: Credentials = ADMIN, name = project): Promise<number> {
    const reply = await api(core.url, 'POST', rulesPath(name), { as, body });
    expect(reply.status, reply.text).toBe(201);
    const location = reply.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/api/v2\\.0/projects/${name}/immutabletagrules/\\d+$`));
    return Number(location.split('/').pop());
  }

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    project = uniqueName('immutable');
    projectId = await seed.project(project);
    developer = await seed.user('developer');
    maintainer = await seed.user('maintainer');
    outsider = await seed.user('outsider');
    await seed.member(projectId, developer.id, ProjectRole.Developer);
    await seed.member(projectId, maintainer.id, ProjectRole.Maintainer);
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  describe('rules', () => {
    it('are created, listed with paging, updated, disabled and deleted in Harbor’s shapes', async () => {
      const name = uniqueName('rules');
      await seed.member(await seed.project(name), maintainer.id, ProjectRole.Maintainer);
      const first = await createRule(rule('**', 'v*'), maintainer, name);
      const second = await createRule(
        rule('team/**', '{rc,test,nightly}', { tagDecoration: 'excludes' }),
        ADMIN,
        name,
      );

      const listed = await api(core.url, 'GET', `${rulesPath(name)}?page_size=1`, { as: maintainer });
      expect(listed.status).toBe(200);
      assertHarborResponse('ListImmuRules', 200, listed.body);
      expect(listed.headers.get('x-total-count')).toBe('2');
      expect(listed.headers.get('link')).toContain('rel="next"');
      expect(listed.body).toEqual([
        {
          id: first,
          priority: 0,
          disabled: false,
          action: 'immutable',
          template: 'immutable_template',
          params: {},
          tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*', extras: '' }],
          scope_selectors: {
            repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**', extras: '' }],
          },
        },
      ]);

      // Harbor's console disables a rule by sending it back with `disabled` flipped.
      const disabled = await api(core.url, 'PUT', `${rulesPath(name)}/${second}`, {
        as: maintainer,
        body: {
          ...rule('team/**', '{rc,test,nightly}', { tagDecoration: 'excludes' }),
          id: second,
          disabled: true,
        },
      });
      expect(disabled.status, disabled.text).toBe(200);
      const mismatch = await api(core.url, 'PUT', `${rulesPath(name)}/${second}`, {
        as: maintainer,
        body: { ...rule('**', 'x'), id: first },
      });
      expect(mismatch.status).toBe(400);
      expect(mismatch.text).toContain("doesn't match");
      const all = await api(core.url, 'GET', rulesPath(name), { as: ADMIN });
      expect(all.body.map((r: { id: number; disabled: boolean }) => [r.id, r.disabled])).toEqual([
        [first, false],
        [second, true],
      ]);

      expect((await api(core.url, 'DELETE', `${rulesPath(name)}/${first}`, { as: maintainer })).status).toBe(
        200,
      );
      expect((await api(core.url, 'DELETE', `${rulesPath(name)}/${first}`, { as: maintainer })).status).toBe(
        404,
      );
      // A rule of another project is not found through this one.
      expect((await api(core.url, 'DELETE', `${rulesPath()}/${second}`, { as: ADMIN })).status).toBe(404);
      expect(
        (await api(core.url, 'PUT', `${rulesPath()}/${second}`, { as: ADMIN, body: rule('**', '**') }))
          .status,
      ).toBe(404);
    });

    it('refuses bad input with Harbor’s 400 and 409, writing nothing', async () => {
      const name = uniqueName('bad');
      await seed.project(name);
      const cases: [unknown, number, string][] = [
        [rule('**', '[v1'), 400, 'invalid pattern'],
        [rule('{a,b', '**'), 400, 'invalid pattern'],
        [rule('**', ''), 400, 'must not be empty'],
        [rule('**', 'v*', { tagDecoration: 'regex' }), 400, 'decoration'],
        [rule('**', 'v*', { repoDecoration: 'matches' }), 400, 'decoration'],
        [{ ...rule('**', 'v*'), scope_selectors: {} }, 400, 'scope_selectors.repository'],
        [{ ...rule('**', 'v*'), tag_selectors: [] }, 400, 'tag_selectors'],
        [
          { ...rule('**', 'v*'), tag_selectors: [{ ...selector('matches', 'v*'), kind: 'regex' }] },
          400,
          'doublestar',
        ],
        [{ ...rule('**', 'v*'), action: 'retain' }, 400, 'action'],
        [{ tag_selectors: 'v*' }, 400, ''],
      ];
      for (const [body, status, message] of cases) {
        const reply = await api(core.url, 'POST', rulesPath(name), { as: ADMIN, body });
        expect(reply.status, JSON.stringify(body)).toBe(status);
        expect(reply.body.errors[0].code).toBe('BAD_REQUEST');
        expect(reply.body.errors[0].message).toContain(message);
      }
      await createRule(rule('**', 'v*'), ADMIN, name);
      const duplicate = await api(core.url, 'POST', rulesPath(name), { as: ADMIN, body: rule('**', 'v*') });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.errors[0].code).toBe('CONFLICT');
      const listed = await api(core.url, 'GET', rulesPath(name), { as: ADMIN });
      expect(listed.headers.get('x-total-count')).toBe('1');
    });

    it('allows 15 rules in a project and refuses the 16th, even when they race', async () => {
      const name = uniqueName('limit');
      await seed.project(name);
      for (let i = 1; i <= 13; i++) await createRule(rule('**', `v${i}.*`), ADMIN, name);
      const racing = await Promise.all(
        [14, 15, 16, 17].map((i) =>
          api(core.url, 'POST', rulesPath(name), { as: ADMIN, body: rule('**', `v${i}.*`) }),
        ),
      );
      expect(racing.map((reply) => reply.status).sort()).toEqual([201, 201, 400, 400]);
      const refused = racing.find((reply) => reply.status === 400)!;
      expect(refused.body.errors[0].message).toContain('only 15 rules are allowed at most');
      const listed = await api(core.url, 'GET', rulesPath(name), { as: ADMIN });
      expect(listed.headers.get('x-total-count')).toBe('15');
    });

    it('need the project’s immutable-tag permission', async () => {
      const id = await createRule(rule('perm/**', '**'));
      const write = rule('perm/**', 'x*');
      for (const who of [developer, outsider]) {
        expect((await api(core.url, 'POST', rulesPath(), { as: who, body: write })).status).toBe(403);
        expect((await api(core.url, 'PUT', `${rulesPath()}/${id}`, { as: who, body: write })).status).toBe(
          403,
        );
        expect((await api(core.url, 'DELETE', `${rulesPath()}/${id}`, { as: who })).status).toBe(403);
        expect((await api(core.url, 'GET', rulesPath(), { as: who })).status).toBe(403);
      }
      expect((await api(core.url, 'GET', rulesPath(), { as: null })).status).toBe(401);
      expect((await api(core.url, 'POST', rulesPath(), { as: null, body: write })).status).toBe(401);
      expect((await api(core.url, 'GET', rulesPath(), { as: maintainer })).status).toBe(200);
      expect((await api(core.url, 'DELETE', `${rulesPath()}/${id}`, { as: maintainer })).status).toBe(200);
    });
  });

  describe('enforcement (Harbor’s documentation example)', () => {
    const hello = () => `${project}/hello-world`;
    const v1 = randomImage();
    const other = randomImage();
    const signature = cosignSignature(descriptorOf(v1));
    let ruleId: number;

    beforeAll(async () => {
      await seed.push(hello(), v1, 'v1');
      await seed.push(hello(), signature);
      ruleId = await createRule(rule('hello-world', 'v1'));
      // v2 is the same image under another tag.
      await seed.push(hello(), v1, 'v2');
    });

    const artifactPath = (reference: string) =>
      `/projects/${project}/repositories/${repoParam('hello-world')}/artifacts/${reference}`;

    it('refuses a push over the immutable tag with DENIED naming the rule; pushing it unchanged is fine', async () => {
      await seed.registry.pushAll(hello(), other, other.digest);
      const refused = await seed.registry.pushManifest(hello(), 'v1', other);
      expect(refused.status).toBe(403);
      const error = refused.json<OciErrorBody>().errors[0]!;
      expect(error.code).toBe('DENIED');
      expect(error.message).toContain(`${hello()}:v1`);
      expect(error.message).toContain(`immutable tag rule ${ruleId}`);
      expect((await seed.registry.pushManifest(hello(), 'v1', v1)).status).toBe(201);
      const pulled = await seed.registry.request('GET', `/v2/${hello()}/manifests/v1`);
      expect(pulled.headers.get('docker-content-digest')).toBe(v1.digest);
    });

    it('marks the tag immutable in the API', async () => {
      const tags = await api(core.url, 'GET', `${artifactPath('v1')}/tags`, { as: ADMIN });
      expect(tags.status).toBe(200);
      assertHarborResponse('listTags', 200, tags.body);
      expect(
        Object.fromEntries(
          tags.body.map((tag: { name: string; immutable: boolean }) => [tag.name, tag.immutable]),
        ),
      ).toEqual({ v1: true, v2: false });
      const artifact = await api(core.url, 'GET', `${artifactPath(v1.digest)}?with_tag=true`, { as: ADMIN });
      expect(artifact.body.tags.find((tag: { name: string }) => tag.name === 'v1').immutable).toBe(true);
    });

    it('refuses deleting the tag or the artifact holding it with 412 naming the rule, deleting nothing', async () => {
      const tag = await api(core.url, 'DELETE', `${artifactPath('v1')}/tags/v1`, { as: ADMIN });
      expect(tag.status).toBe(412);
      expect(tag.body.errors[0]).toMatchObject({ code: 'PRECONDITION' });
      expect(tag.body.errors[0].message).toContain(`immutable tag rule ${ruleId}`);
      const artifact = await api(core.url, 'DELETE', artifactPath(v1.digest), { as: ADMIN });
      expect(artifact.status).toBe(412);
      expect(artifact.body.errors[0].message).toContain('v1');
      // The artifact's signature, which a deletion removes first, is still there.
      expect(
        (await seed.registry.request('GET', `/v2/${hello()}/manifests/${signature.digest}`)).status,
      ).toBe(200);
      const repository = await api(
        core.url,
        'DELETE',
        `/projects/${project}/repositories/${repoParam('hello-world')}`,
        {
          as: ADMIN,
        },
      );
      expect(repository.status).toBe(412);
      // Through /v2/: DENIED, by tag or by digest.
      expect((await seed.registry.request('DELETE', `/v2/${hello()}/manifests/v1`)).status).toBe(403);
      expect((await seed.registry.request('DELETE', `/v2/${hello()}/manifests/${v1.digest}`)).status).toBe(
        403,
      );
      // v2 shares v1's digest but is not immutable: it goes.
      expect((await api(core.url, 'DELETE', `${artifactPath('v2')}/tags/v2`, { as: ADMIN })).status).toBe(
        200,
      );
      expect((await seed.registry.request('GET', `/v2/${hello()}/manifests/v1`)).status).toBe(200);
    });

    it('lets the tag move once the rule is disabled, and protects it again when enabled', async () => {
      const body = { ...rule('hello-world', 'v1'), id: ruleId };
      expect(
        (
          await api(core.url, 'PUT', `${rulesPath()}/${ruleId}`, {
            as: ADMIN,
            body: { ...body, disabled: true },
          })
        ).status,
      ).toBe(200);
      expect((await seed.registry.pushManifest(hello(), 'v1', other)).status).toBe(201);
      expect((await api(core.url, 'PUT', `${rulesPath()}/${ruleId}`, { as: ADMIN, body })).status).toBe(200);
      expect((await seed.registry.pushManifest(hello(), 'v1', v1)).status).toBe(403);
      // A tag created while a rule protects it is fine: the rule stops it from moving afterwards.
      expect((await seed.registry.pushManifest(hello(), 'v1-new', v1)).status).toBe(201);
    });

    it('refuses an API copy that would move the immutable tag, copying nothing', async () => {
      const third = randomImage();
      await seed.push(`${project}/source`, third, 'v1');
      const copy = await api(
        core.url,
        'POST',
        `/projects/${project}/repositories/${repoParam('hello-world')}/artifacts?from=${encodeURIComponent(`${project}/source@${third.digest}`)}`,
        { as: ADMIN },
      );
      expect(copy.status).toBe(412);
      expect(copy.body.errors[0].message).toContain(`immutable tag rule ${ruleId}`);
      expect((await seed.registry.request('GET', `/v2/${hello()}/manifests/${third.digest}`)).status).toBe(
        404,
      );
    });
  });
});
