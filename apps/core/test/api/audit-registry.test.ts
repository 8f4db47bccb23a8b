import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient } from '../support/api-client.js';
import { startCore, type CoreProcess } from '../support/core-process.js';
import { assertHarborResponse } from '../support/harbor-swagger.js';
import { adminClient, RegistryClient, suffix } from './projects-fixtures.js';

interface AuditRow {
  operation: string;
  resource: string;
  resource_type: string;
  username: string;
}

describe('audit log of registry pushes, pulls and deletes', () => {
  let core: CoreProcess;
  let admin: ApiClient;
  let registry: RegistryClient;

  beforeAll(async () => {
    core = await startCore();
    admin = adminClient(core);
    registry = new RegistryClient(core.url, admin.credentials);
  });

  afterAll(async () => {
    await core?.stop();
  });

  async function artifactEntries(repository: string): Promise<AuditRow[]> {
    // Entries are written in batches about once a second.
    for (let attempt = 0; attempt < 40; attempt++) {
      const response = await admin.get(`/audit-logs?q=resource_type=artifact&page_size=100`);
      expect(response.status).toBe(200);
      assertHarborResponse('listAuditLogs', 200, response.body);
      const rows = (response.body as AuditRow[]).filter((row) => row.resource.startsWith(repository));
      if (rows.length >= 3) return rows;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('audit entries did not appear');
  }

  it('records who pushed, pulled and deleted an artifact through /v2/', async () => {
    const project = `audit-${suffix()}`;
    expect((await admin.post('/projects', { project_name: project })).status).toBe(201);
    const repository = `${project}/app`;
    const pushed = await registry.pushImage(repository, 'v1', [1024]);
    const pull = await registry.fetch(`/v2/${repository}/manifests/v1`, { method: 'GET' });
    expect(pull.status).toBe(200);
    expect(await registry.deleteManifest(repository, pushed.digest)).toBe(202);

    const rows = await artifactEntries(repository);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'create', resource: `${repository}:v1`, username: 'admin' }),
        expect.objectContaining({ operation: 'pull', resource: `${repository}:v1`, username: 'admin' }),
        expect.objectContaining({
          operation: 'delete',
          resource: `${repository}@${pushed.digest}`,
          username: 'admin',
        }),
      ]),
    );
    // Blob uploads are not artifacts: only the three artifact operations are logged.
    expect(rows).toHaveLength(3);
  });
});
