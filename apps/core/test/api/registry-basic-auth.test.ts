import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { OciClient, randomImage, type Reply, type RequestOptions } from '../support/oci-fixtures.js';
import { ADMIN, api, basic, ProjectRole, Seeder, uniqueName, type Credentials } from './artifacts-support.js';

/** A registry client that sends Basic credentials on every request and never fetches a token. */
class BasicOciClient extends OciClient {
  constructor(
    baseUrl: string,
    private readonly login: Credentials,
  ) {
    super(baseUrl);
  }

  override request(method: string, location: string, options: RequestOptions = {}): Promise<Reply> {
    return super.request(method, location, {
      ...options,
      headers: { ...(options.headers ?? {}), Authorization: basic(this.login) },
    });
  }
}

describe('/v2/ with Basic credentials, as Harbor accepts them', () => {
  let core: CoreProcess;
  let seed: Seeder;
  let project: string;
  let projectId: bigint;
  let developer: Credentials & { id: bigint };
  let outsider: Credentials & { id: bigint };
  const image = randomImage();

  beforeAll(async () => {
    core = await startCore();
    seed = new Seeder(core);
    project = uniqueName('basic');
    projectId = await seed.project(project);
    developer = await seed.user('dev');
    outsider = await seed.user('out');
    await seed.member(projectId, developer.id, ProjectRole.Developer);
  });

  afterAll(async () => {
    await seed?.close();
    await core?.stop();
  });

  it('pushes and pulls an image with `curl -u` style credentials only', async () => {
    const client = new BasicOciClient(core.url, developer);
    expect((await client.request('GET', '/v2/')).status).toBe(200);
    const pushed = await client.pushAll(`${project}/app`, image, 'v1');
    expect(pushed.status).toBe(201);
    const pulled = await client.request('GET', `/v2/${project}/app/manifests/v1`, {
      headers: { Accept: image.mediaType },
    });
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get('docker-content-digest')).toBe(image.digest);
    const tags = await client.request('GET', `/v2/${project}/app/tags/list`);
    expect(tags.json<{ tags: string[] }>().tags).toEqual(['v1']);
  });

  it('refuses what the user may not do with 403, and wrong credentials with a 401 challenge', async () => {
    const stranger = new BasicOciClient(core.url, outsider);
    const refused = await stranger.request('GET', `/v2/${project}/app/manifests/v1`);
    expect(refused.status).toBe(403);
    expect(refused.json<{ errors: { code: string }[] }>().errors[0]!.code).toBe('DENIED');

    const wrong = new BasicOciClient(core.url, { username: developer.username, password: 'not-it' });
    const unauthorized = await wrong.request('GET', `/v2/${project}/app/manifests/v1`);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toMatch(/^Bearer realm="/);
    expect(unauthorized.json<{ errors: { code: string }[] }>().errors[0]!.code).toBe('UNAUTHORIZED');
  });

  it('stops allowing at once when the user loses the project', async () => {
    const client = new BasicOciClient(core.url, developer);
    expect((await client.request('HEAD', `/v2/${project}/app/manifests/v1`)).status).toBe(200);
    const members = await api(
      core.url,
      'GET',
      `/projects/${project}/members?entityname=${developer.username}`,
      {
        as: ADMIN,
      },
    );
    const member = (members.body as { id: number; entity_name: string }[]).find(
      (entry) => entry.entity_name === developer.username,
    );
    expect(member).toBeDefined();
    expect(
      (await api(core.url, 'DELETE', `/projects/${project}/members/${member!.id}`, { as: ADMIN })).status,
    ).toBe(200);
    expect((await client.request('HEAD', `/v2/${project}/app/manifests/v1`)).status).toBe(403);
  });

  it('throttles repeated wrong passwords as the token service does', async () => {
    const victim = await seed.user('victim');
    const wrong = new BasicOciClient(core.url, { username: victim.username, password: 'wrong' });
    for (let attempt = 0; attempt < 12; attempt++) await wrong.request('GET', '/v2/');
    const right = new BasicOciClient(core.url, victim);
    const reply = await right.request('GET', '/v2/');
    expect(reply.status).toBe(401);
    expect(reply.text()).toMatch(/too many failed logins/);
  });
});
