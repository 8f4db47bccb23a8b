/**
 * `/statistics` total_storage_consumption counts as Harbor's does and as quotas count: every
 * distinct stored object once, manifests included. With one project, the total is that project's
 * quota usage; content shared by two projects counts in each quota and once in the total.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { RegistryClient, suffix } from './projects-fixtures.js';

let core: CoreProcess;
let admin: ApiClient;
let registry: RegistryClient;

async function totalStorage(): Promise<number> {
  const response = await admin.get<{ total_storage_consumption: number }>('/statistics');
  expect(response.status).toBe(200);
  assertHarborResponse('getStatistic', 200, response.body);
  return response.body.total_storage_consumption;
}

async function quotaUsed(project: string): Promise<number> {
  const response = await admin.get<{ quota: { used: { storage: number } } }>(`/projects/${project}/summary`);
  expect(response.status).toBe(200);
  return response.body.quota.used.storage;
}

async function newProject(): Promise<string> {
  const name = `stored-${suffix()}`;
  expect((await admin.post('/projects', { project_name: name })).status).toBe(201);
  return name;
}

beforeAll(async () => {
  // Its own database: the total covers everything stored, so no other test may store anything here.
  core = await startCore();
  admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
  registry = new RegistryClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
});

afterAll(async () => {
  await core?.stop();
});

describe('total_storage_consumption', () => {
  it('is nothing before anything is pushed', async () => {
    expect(await totalStorage()).toBe(0);
  });

  it('equals the only project’s quota usage, manifests included', async () => {
    const project = await newProject();
    const pushed = await registry.pushImage(`${project}/app`, 'v1', [2048, 4096]);
    expect(pushed.status).toBe(201);
    expect(await quotaUsed(project)).toBe(pushed.bytes);
    expect(await totalStorage()).toBe(pushed.bytes);
  });

  it('counts a layer shared by projects once, while each project’s quota counts it', async () => {
    const first = await newProject();
    const second = await newProject();
    const before = await totalStorage();
    const original = await registry.pushImage(`${first}/app`, 'v1', [1024]);
    expect(original.status).toBe(201);
    expect(await quotaUsed(first)).toBe(original.bytes);
    expect(await totalStorage()).toBe(before + original.bytes);
    // Another image on the same layer, in another project: its quota counts the layer too.
    const [layer] = original.layers;
    const sharing = await registry.pushImage(`${second}/copy`, 'v1', [], [layer!]);
    expect(sharing.status).toBe(201);
    expect(await quotaUsed(second)).toBe(sharing.bytes);
    expect(await totalStorage()).toBe(before + original.bytes + sharing.bytes - layer!.length);
  });
});
