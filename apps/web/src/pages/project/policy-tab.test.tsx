import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { PolicyTab } from './policy-tab';
import { pickOption, projectContext } from './test-context';

const RETENTION = [
  'tag-retention:read',
  'tag-retention:create',
  'tag-retention:update',
  'tag-retention:list',
];
const IMMUTABLE = [
  'immutable-tag:list',
  'immutable-tag:create',
  'immutable-tag:update',
  'immutable-tag:delete',
];

const selector = (decoration: string, pattern: string, extras = '') => ({
  kind: 'doublestar',
  decoration,
  pattern,
  extras,
});
const rule = {
  id: 1,
  priority: 0,
  disabled: false,
  action: 'retain',
  template: 'latestPushedK',
  params: { latestPushedK: 3 },
  tag_selectors: [selector('matches', '**', '{"untagged":true}')],
  scope_selectors: { repository: [selector('repoMatches', '**')] },
  per_tag: false,
};
const policy = {
  id: 5,
  algorithm: 'or',
  rules: [rule],
  trigger: { kind: 'Schedule', settings: { cron: '' }, references: {} },
  scope: { level: 'project', ref: 7 },
};
const time = '2026-12-07T10:00:00Z';
const executions = [
  {
    id: 9,
    policy_id: 5,
    start_time: time,
    end_time: '2026-12-07T10:00:05Z',
    status: 'Success',
    trigger: 'MANUAL',
    dry_run: true,
    operator: 'admin',
    status_message: '',
    progress: { done: 1, total: 1, percent: 100 },
  },
];
const tasks = [
  {
    id: 21,
    execution_id: 9,
    repository: 'app',
    job_id: 'task:21',
    status: 'Success',
    status_code: 3,
    status_revision: 1,
    start_time: time,
    end_time: time,
    total: 5,
    retained: 3,
    deleted: 2,
    untagged: 0,
    progress: { done: 2, total: 2, percent: 100 },
  },
];
const immutableRule = {
  id: 3,
  priority: 0,
  disabled: false,
  action: 'immutable',
  template: 'immutable_template',
  params: {},
  tag_selectors: [selector('matches', 'v*')],
  scope_selectors: { repository: [selector('repoMatches', '**')] },
};

interface Call {
  method: string;
  path: string;
  body: unknown;
}

function api(calls: Call[], options: { immutableCount?: number; immutableError?: string } = {}) {
  return async (request: Request) => {
    const url = new URL(request.url);
    const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
    calls.push({ method: request.method, path: url.pathname, body: text ? JSON.parse(text) : undefined });
    const path = url.pathname.replace('/api/v2.0', '');
    if (path === '/retentions/5' && request.method === 'GET') return json(policy);
    if (path === '/retentions/5/executions' && request.method === 'GET')
      return json(executions, { headers: { 'X-Total-Count': '1' } });
    if (path === '/retentions/5/executions/9/tasks') return json(tasks);
    if (path === '/retentions/5/executions/9/tasks/21')
      return new Response('Digest  Tags  Retention\nsha256:aa v3  RETAIN\nsha256:bb v1  DEL\n', {
        headers: { 'Content-Type': 'text/plain' },
      });
    if (path === '/retentions' && request.method === 'POST')
      return new Response(null, { status: 201, headers: { Location: '/api/v2.0/retentions/5' } });
    if (path === '/projects/7/immutabletagrules' && request.method === 'GET') {
      const count = options.immutableCount ?? 1;
      return json(
        Array.from({ length: count }, (_, i) => ({ ...immutableRule, id: 3 + i })),
        { headers: { 'X-Total-Count': String(count) } },
      );
    }
    if (path.startsWith('/projects/7/immutabletagrules') && options.immutableError)
      return json({ errors: [{ code: 'CONFLICT', message: options.immutableError }] }, { status: 409 });
    if (request.method === 'POST') return new Response(null, { status: 201 });
    return new Response(null, { status: 200 });
  };
}

describe(PolicyTab.name, () => {
  it('lists the rules in words and shows a dry run’s result, tasks and log', async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <PolicyTab {...projectContext([...RETENTION, ...IMMUTABLE], { retention_id: '5' })} />,
      api([]),
    );
    expect(await screen.findByTestId('retention-rule')).toHaveTextContent(
      'For the repositories matching **, retain the most recently pushed 3 artifacts with tags matching **, including untagged artifacts',
    );
    const run = await screen.findByTestId('retention-execution');
    expect(run).toHaveTextContent('Succeeded');
    expect(run).toHaveTextContent('Yes');
    expect(run).toHaveTextContent('5s');
    await user.click(within(run).getByRole('button', { name: 'Show the tasks of run 9' }));
    expect(await screen.findByTestId('retention-result')).toHaveTextContent(
      'Dry run: 3 of 5 artifacts would be retained, 2 deleted',
    );
    expect(screen.getByTestId('retention-task')).toHaveTextContent('3 / 5');
    await user.click(screen.getByRole('button', { name: 'Show the log of app' }));
    expect(await screen.findByTestId('task-log')).toHaveTextContent('sha256:bb v1 DEL');
  });

  // Many fields to fill: slower than the default 5 s on a busy machine.
  it(
    'creates the project’s policy with the first rule, naming the project in its scope',
    { timeout: 15_000 },
    async () => {
      const user = userEvent.setup();
      const calls: Call[] = [];
      renderWithProviders(<PolicyTab {...projectContext(RETENTION)} />, api(calls));
      await screen.findByText(/No retention rule yet/);
      expect(screen.queryByRole('button', { name: 'Dry run' })).not.toBeInTheDocument();
      await user.click(screen.getByRole('button', { name: 'Add rule' }));
      const dialog = await screen.findByRole('dialog', { name: 'Add a retention rule' });
      await pickOption(
        user,
        within(dialog).getByRole('combobox', { name: 'Retain' }),
        'the artifacts pulled within the last # days',
      );
      const days = within(dialog).getByRole('textbox', { name: 'Count or days' });
      await user.clear(days);
      await user.type(days, '30');
      const tags = within(dialog).getByRole('textbox', { name: /^Tag pattern/ });
      await user.clear(tags);
      await user.type(tags, 'v1, v2');
      await user.click(within(dialog).getByRole('checkbox', { name: 'Include untagged artifacts' }));
      await user.click(within(dialog).getByRole('button', { name: 'Save' }));
      await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
      expect(calls.find((c) => c.method === 'POST')).toMatchObject({
        path: '/api/v2.0/retentions',
        body: {
          algorithm: 'or',
          trigger: { kind: 'Schedule', settings: { cron: '' } },
          scope: { level: 'project', ref: 7 },
          rules: [
            {
              action: 'retain',
              template: 'nDaysSinceLastPull',
              params: { nDaysSinceLastPull: 30 },
              tag_selectors: [selector('matches', '{v1,v2}', '{"untagged":false}')],
              scope_selectors: { repository: [selector('repoMatches', '**')] },
            },
          ],
        },
      });
    },
  );

  it('saves a schedule and starts a dry run', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<PolicyTab {...projectContext(RETENTION, { retention_id: '5' })} />, api(calls));
    await screen.findByTestId('retention-rule');
    await pickOption(user, screen.getByRole('combobox', { name: 'Schedule' }), 'Daily');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({
      path: '/api/v2.0/retentions/5',
      body: { id: 5, trigger: { settings: { cron: '0 0 0 * * *' } }, rules: [{ template: 'latestPushedK' }] },
    });
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST')).toMatchObject({
        path: '/api/v2.0/retentions/5/executions',
        body: { dry_run: true },
      }),
    );
  });

  it('asks before a real run', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<PolicyTab {...projectContext(RETENTION, { retention_id: '5' })} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'Run now' }));
    const dialog = await screen.findByRole('dialog', { name: 'Run the retention policy now' });
    await user.click(within(dialog).getByRole('button', { name: 'Run now' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST')).toMatchObject({ body: { dry_run: false } }),
    );
  });

  it('shows the policy without edit or run actions to who may only read it', async () => {
    renderWithProviders(
      <PolicyTab {...projectContext(['tag-retention:read', 'immutable-tag:list'], { retention_id: '5' })} />,
      api([]),
    );
    await screen.findByTestId('retention-rule');
    await screen.findByTestId('retention-execution');
    expect(screen.getByText('You may see the policy but not change it.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add rule' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Edit rule/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Dry run' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Run now' })).not.toBeInTheDocument();
  });

  it('adds, disables and deletes immutability rules', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<PolicyTab {...projectContext(IMMUTABLE)} />, api(calls));
    // Without retention permissions, the immutability section is the only one.
    const row = await screen.findByTestId('immutable-rule-row');
    expect(screen.queryByRole('tab', { name: 'Tag retention' })).not.toBeInTheDocument();
    expect(row).toHaveTextContent('matching **');
    expect(row).toHaveTextContent('matching v*');
    expect(screen.getByTestId('immutability-count')).toHaveTextContent('1 of 15 rules');

    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add an immutability rule' });
    await pickOption(user, within(dialog).getByRole('combobox', { name: /^Repositories/ }), 'excluding');
    const repos = within(dialog).getByRole('textbox', { name: /^Repository pattern/ });
    await user.clear(repos);
    await user.type(repos, 'tmp/**');
    const tags = within(dialog).getByRole('textbox', { name: /^Tag pattern/ });
    await user.clear(tags);
    await user.type(tags, 'release-*');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      path: '/api/v2.0/projects/7/immutabletagrules',
      body: {
        action: 'immutable',
        template: 'immutable_template',
        disabled: false,
        scope_selectors: { repository: [selector('repoExcludes', 'tmp/**')] },
        tag_selectors: [selector('matches', 'release-*')],
      },
    });

    await user.click(screen.getByRole('button', { name: 'Disable rule 3' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({
      path: '/api/v2.0/projects/7/immutabletagrules/3',
      body: { id: 3, disabled: true },
    });

    await user.click(screen.getByRole('button', { name: 'Delete rule 3' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete the immutability rule' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'DELETE')?.path).toBe('/api/v2.0/projects/7/immutabletagrules/3'),
    );
  });

  it('shows the API’s refusal in the dialog', async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <PolicyTab {...projectContext(IMMUTABLE)} />,
      api([], { immutableCount: 14, immutableError: 'a rule with the same selectors exists' }),
    );
    expect(await screen.findByText('14 of 15 rules')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add an immutability rule' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The rule could not be saved: a rule with the same selectors exists',
    );
  });

  it('stops offering new rules at 15', async () => {
    renderWithProviders(<PolicyTab {...projectContext(IMMUTABLE)} />, api([], { immutableCount: 15 }));
    expect(await screen.findByText('The project has 15 rules, the most it may have.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add rule' })).toBeDisabled();
  });

  it('shows immutability rules read-only to who may only list them', async () => {
    renderWithProviders(<PolicyTab {...projectContext(['immutable-tag:list'])} />, api([]));
    await screen.findByTestId('immutable-rule-row');
    expect(screen.queryByRole('button', { name: 'Add rule' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /rule 3$/ })).not.toBeInTheDocument();
  });
});
