/**
 * Answers of a real core against Harbor's swagger: one core with a project, a pushed image, a
 * label on it, a robot, a user, a user group and a member; then every GET of Berth's document that
 * is Harbor's operation is called as the system administrator and its answer validated against
 * the schema Harbor's swagger gives. The same answers must also match Berth's own document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../api/projects-fixtures.js';
import { ApiClient } from '../support/api-client.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { apiOperations, apiResponseProblems } from '../support/harbor-swagger.js';
import { harborOperations, harborResponseProblems } from './harbor-swagger.js';

const PROJECT = 'compat';
const REPOSITORY = 'app';
const TAG = 'v1';

/** Query strings some operations need to answer anything, or to answer their fullest shape. */
const QUERIES: Record<string, string> = {
  listProjects: 'with_detail=true',
  searchUsers: 'username=compat',
  searchUserGroups: 'groupname=compat',
  ListLabels: 'scope=g',
  search: `q=${PROJECT}`,
  listArtifacts: 'with_tag=true&with_label=true&with_accessory=true',
  listArtifactsOfProject: 'with_tag=true&with_label=true',
  getArtifact: 'with_tag=true&with_label=true&with_accessory=true',
  getCurrentUserPermissions: `scope=/project/1`,
};

/** Operations whose answer both documents call a string: the raw content (JSON for build_history). */
const RAW_BODIES = new Set([
  'getAddition',
  'actionGetJobLog',
  'getRetentionTaskLog',
  'getGCLog',
  'getPurgeJobLog',
]);

/** Path values of particular operations (`id` names a quota in one path, a retention policy in another). */
const OPERATION_VALUES: Record<string, Record<string, string>> = {};

describe("a real core's answers against Harbor's swagger", () => {
  let core: CoreProcess;
  let admin: ApiClient;
  const values: Record<string, string> = {
    project_name_or_id: PROJECT,
    project_name: PROJECT,
    repository_name: REPOSITORY,
    reference: TAG,
    addition: 'build_history',
    meta_name: 'public',
    pool_id: 'all',
    job_type: 'all',
  };

  beforeAll(async () => {
    core = await startCore();
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    const created = async (path: string, body: unknown): Promise<string> => {
      const reply = await admin.post(path, body);
      expect(reply.status, `${path}: ${reply.text}`).toBe(201);
      return reply.headers.get('location')!.split('/').pop()!;
    };
    const projectId = await created('/projects', { project_name: PROJECT });
    values.id = projectId;
    // A webhook policy to a name that does not resolve: the push below gives it a delivery (which
    // fails and retries), so its execution, task and log can be read.
    values.webhook_policy_id = await created(`/projects/${PROJECT}/webhook/policies`, {
      name: 'compat',
      targets: [{ type: 'http', address: 'https://compat-hooks.invalid/hook' }],
      event_types: ['PUSH_ARTIFACT'],
      enabled: true,
    });
    QUERIES.ListWebhookJobs = `policy_id=${values.webhook_policy_id}`;
    await new RegistryClient(core.url, admin.credentials).pushImage(
      `${PROJECT}/${REPOSITORY}`,
      TAG,
      [64, 32],
    );
    values.label_id = await created('/labels', { name: 'compat', scope: 'g', color: '#00aa00' });
    const labelled = await admin.post(
      `/projects/${PROJECT}/repositories/${REPOSITORY}/artifacts/${TAG}/labels`,
      { id: Number(values.label_id) },
    );
    expect(labelled.status).toBe(200);
    values.user_id = await created('/users', {
      username: 'compat-user',
      email: 'compat@berth.test',
      realname: 'Compat User',
      password: 'Compat-Passw0rd',
    });
    values.group_id = await created('/usergroups', { group_name: 'compat-group', group_type: 2 });
    values.mid = await created(`/projects/${PROJECT}/members`, {
      role_id: 2,
      member_user: { username: 'compat-user' },
    });
    const robot = await admin.post('/robots', {
      name: 'compat-robot',
      level: 'project',
      duration: -1,
      permissions: [
        { kind: 'project', namespace: PROJECT, access: [{ resource: 'repository', action: 'pull' }] },
      ],
    });
    expect(robot.status, robot.text).toBe(201);
    expect(harborResponseProblems('CreateRobot', 201, robot.body)).toEqual([]);
    values.robot_id = String(robot.body.id);
    const executionsPath = `/projects/${PROJECT}/webhook/policies/${values.webhook_policy_id}/executions`;
    for (let tries = 0; !values.execution_id && tries < 100; tries++) {
      const executions = await admin.get(executionsPath);
      if (executions.body[0]) values.execution_id = String(executions.body[0].id);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const tasks = await admin.get(`${executionsPath}/${values.execution_id}/tasks`);
    expect(tasks.status, tasks.text).toBe(200);
    values.task_id = String(tasks.body[0].id);
    // The delivery's task is a job of the job service: its log is Harbor's job log.
    values.job_id = `task:${values.task_id}`;

    // A retention policy with a finished dry run, and an immutability rule.
    const selectors = {
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    };
    const policyId = await created('/retentions', {
      algorithm: 'or',
      rules: [{ action: 'retain', template: 'always', params: {}, ...selectors }],
      trigger: { kind: 'Schedule', settings: { cron: '0 0 0 * * *' } },
      scope: { level: 'project', ref: Number(projectId) },
    });
    const eid = await created(`/retentions/${policyId}/executions`, { dry_run: true });
    let tid = '';
    for (let attempt = 0; attempt < 100 && !tid; attempt++) {
      const tasks = await admin.get<{ id: number; status: string }[]>(
        `/retentions/${policyId}/executions/${eid}/tasks`,
      );
      if (tasks.body[0]?.status === 'Success') tid = String(tasks.body[0].id);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(tid, 'the dry run finished').not.toBe('');
    for (const operation of [
      'getRetention',
      'listRetentionExecutions',
      'listRetentionTasks',
      'getRetentionTaskLog',
    ]) {
      OPERATION_VALUES[operation] = { id: policyId, eid, tid };
    }
    await created(`/projects/${PROJECT}/immutabletagrules`, selectors);

    // A GC and an audit purge run (dry), and their schedules.
    values.gc_id = await created('/system/gc/schedule', {
      schedule: { type: 'Manual' },
      parameters: { delete_untagged: true, dry_run: true, workers: 1 },
    });
    values.purge_id = await created('/system/purgeaudit/schedule', {
      schedule: { type: 'Manual' },
      parameters: { audit_retention_hour: 24, include_operations: 'pull', dry_run: true },
    });
    expect((await admin.put('/system/gc/schedule', { schedule: { type: 'Daily' } })).status).toBe(200);
    expect((await admin.put('/system/purgeaudit/schedule', { schedule: { type: 'Weekly' } })).status).toBe(
      200,
    );
  });

  afterAll(async () => {
    await core?.stop();
  });

  it("answers every GET of Harbor's it serves as Harbor's swagger says", async () => {
    const operations = apiOperations().filter(
      (operation) => operation.method === 'GET' && harborOperations.has(operation.operationId),
    );
    expect(operations.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const operation of operations) {
      const path = operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
        const value = OPERATION_VALUES[operation.operationId]?.[name] ?? values[name];
        if (value === undefined) throw new Error(`no value for ${name} in ${operation.path}`);
        return encodeURIComponent(value);
      });
      const query = QUERIES[operation.operationId];
      const reply = await admin.get(query ? `${path}?${query}` : path);
      const where = `${operation.operationId} (GET ${path})`;
      if (reply.status !== 200) {
        problems.push(`${where}: ${reply.status} ${reply.text.slice(0, 200)}`);
        continue;
      }
      const body: unknown = RAW_BODIES.has(operation.operationId) ? reply.text : reply.body;
      for (const problem of harborResponseProblems(operation.operationId, 200, body)) {
        problems.push(`${where}: Harbor's swagger: ${problem}`);
      }
      for (const problem of apiResponseProblems(operation.operationId, 200, body)) {
        problems.push(`${where}: Berth's document: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
