import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  createBerthClient,
  memoryCsrfStore,
  repositoryParam,
  totalCount,
  unwrap,
} from './index.js';

function fakeFetch(handler: (request: Request) => Response) {
  return vi.fn(async (input: RequestInfo | URL, init?: RequestInit) =>
    handler(input instanceof Request ? input : new Request(String(input), init)),
  );
}

describe(createBerthClient.name, () => {
  it('keeps the CSRF token from login and sends it on unsafe requests only', async () => {
    const seen: Request[] = [];
    const fetch = fakeFetch((request) => {
      seen.push(request);
      if (request.url.endsWith('/c/login'))
        return new Response(null, { status: 200, headers: { 'X-Harbor-CSRF-Token': 'tok' } });
      return new Response('[]', {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'X-Total-Count': '3' },
      });
    });
    const sut = createBerthClient({
      baseUrl: 'http://core.test',
      fetch: fetch as unknown as typeof globalThis.fetch,
    });
    await sut.login('admin', 'secret');
    expect(sut.csrf.get()).toBe('tok');
    const list = await sut.api.GET('/projects', { params: { query: { page: 1, page_size: 10 } } });
    expect(totalCount(list.response)).toBe(3);
    await sut.api.POST('/projects', { body: { project_name: 'a' } });
    const [login, get, post] = seen;
    expect(await login!.json()).toEqual({ principal: 'admin', password: 'secret' });
    expect(get!.url).toBe('http://core.test/api/v2.0/projects?page=1&page_size=10');
    expect(get!.headers.get('X-Harbor-CSRF-Token')).toBeNull();
    expect(post!.headers.get('X-Harbor-CSRF-Token')).toBe('tok');
    expect(post!.credentials).toBe('include');
  });

  it('encodes repository names twice in paths', async () => {
    const seen: string[] = [];
    const fetch = fakeFetch((request) => {
      seen.push(request.url);
      return new Response('[]', { headers: { 'Content-Type': 'application/json' } });
    });
    const sut = createBerthClient({
      baseUrl: 'http://core.test',
      csrf: memoryCsrfStore(),
      fetch: fetch as unknown as typeof globalThis.fetch,
    });
    await sut.api.GET('/projects/{project_name}/repositories/{repository_name}/artifacts', {
      params: { path: { project_name: 'p', repository_name: repositoryParam('a/b') } },
    });
    expect(seen[0]).toBe('http://core.test/api/v2.0/projects/p/repositories/a%252Fb/artifacts');
  });
});

describe("Berth's own operations", () => {
  it("are called like Harbor's operations", async () => {
    const seen: Request[] = [];
    const fetch = fakeFetch((request) => {
      seen.push(request);
      return new Response(request.method === 'GET' ? '[{"user_id":3,"username":"alice"}]' : null, {
        status: request.method === 'POST' ? 201 : 200,
        headers: { 'Content-Type': 'application/json' },
      });
    });
    const sut = createBerthClient({
      baseUrl: 'http://core.test',
      fetch: fetch as unknown as typeof globalThis.fetch,
    });
    const list = await sut.api.GET('/usergroups/{group_id}/members', {
      params: { path: { group_id: 7 }, query: { page: 2, page_size: 5 } },
    });
    expect(list.data?.[0]?.username).toBe('alice');
    await sut.api.POST('/usergroups/{group_id}/members', {
      params: { path: { group_id: 7 } },
      body: { username: 'alice' },
    });
    await sut.api.DELETE('/usergroups/{group_id}/members/{user_id}', {
      params: { path: { group_id: 7, user_id: 3 } },
    });
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET http://core.test/api/v2.0/usergroups/7/members?page=2&page_size=5',
      'POST http://core.test/api/v2.0/usergroups/7/members',
      'DELETE http://core.test/api/v2.0/usergroups/7/members/3',
    ]);
    expect(await seen[1]!.json()).toEqual({ username: 'alice' });
  });
});

describe(unwrap.name, () => {
  it("throws Harbor's error as an ApiError", () => {
    const response = new Response(null, { status: 403 });
    expect(() => unwrap({ error: { errors: [{ code: 'FORBIDDEN', message: 'no' }] }, response })).toThrow(
      ApiError,
    );
  });
});

describe("Berth's OpenAPI document", () => {
  it("names Harbor's operations and answers as Harbor does, beside Berth's session and token routes", async () => {
    const document = JSON.parse(await readFile(new URL('../openapi.json', import.meta.url), 'utf8'));
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Project', 'ProjectReq', 'Artifact', 'Tag', 'Robot', 'Label', 'UserResp']),
    );
    expect(document.paths['/api/v2.0/projects'].get.operationId).toBe('listProjects');
    expect(
      document.paths['/api/v2.0/projects'].get.responses['200'].content['application/json'].schema,
    ).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Project' } });
    expect(document.paths['/c/login'].post.operationId).toBe('login');
    expect(document.paths['/service/token'].get.operationId).toBe('getToken');
  });
});
