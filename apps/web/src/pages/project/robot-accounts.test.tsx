import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { robotKeys } from '../../api/robots';
import { json, renderWithProviders } from '../../test/render';
import { RobotAccounts } from './robot-accounts';
import { pickOption } from './test-context';

const SCOPE = { level: 'project', projectId: 7, projectName: 'demo' } as const;

/** What `GET /permissions` answers a system administrator (a part of the core's table). */
const GRANTABLE = {
  system: [
    ['project', 'create'],
    ['project', 'list'],
    ['repository', 'read'],
    ['audit-log', 'list'],
  ],
  project: [
    ['repository', 'list'],
    ['repository', 'pull'],
    ['repository', 'push'],
    ['repository', 'delete'],
    ['artifact', 'read'],
    ['artifact', 'list'],
    ['artifact', 'delete'],
    ['tag', 'list'],
    ['tag', 'create'],
    ['tag', 'delete'],
    ['member', 'read'],
  ],
} as const;
const PERMISSIONS = {
  system: GRANTABLE.system.map(([resource, action]) => ({ resource, action })),
  project: GRANTABLE.project.map(([resource, action]) => ({ resource, action })),
};
const SECRET = 'Zq8sV2x9kLm4Np7RtY1wB3cD5fG6hJ0a';
const robot = {
  id: 21,
  name: 'robot$demo+ci',
  description: 'CI pushes',
  level: 'project',
  duration: -1,
  disable: false,
  expires_at: -1,
  permissions: [
    {
      kind: 'project',
      namespace: 'demo',
      access: [
        { resource: 'repository', action: 'pull' },
        { resource: 'repository', action: 'push' },
      ],
    },
  ],
  creation_time: '2026-11-20T10:00:00Z',
};

interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

function api(calls: Call[], list: unknown[] = [robot]) {
  return async (request: Request) => {
    const url = new URL(request.url);
    const body = ['GET', 'DELETE'].includes(request.method) ? undefined : await request.json();
    calls.push({ method: request.method, path: url.pathname, search: url.searchParams, body });
    if (url.pathname === '/api/v2.0/permissions') return json(PERMISSIONS);
    if (url.pathname === '/api/v2.0/projects')
      return json([{ project_id: 7, name: 'demo' }], { headers: { 'X-Total-Count': '1' } });
    if (request.method === 'GET') return json(list, { headers: { 'X-Total-Count': String(list.length) } });
    if (request.method === 'POST')
      return json({ id: 22, name: 'robot$demo+builder', secret: SECRET, expires_at: -1 }, { status: 201 });
    if (request.method === 'PATCH') return json({ secret: `${SECRET}-new` });
    return new Response(null, { status: 200 });
  };
}

function renderRobots(
  calls: Call[],
  grantable: string[],
  rights = { create: true, update: true, del: true },
) {
  return renderWithProviders(
    <RobotAccounts
      scope={SCOPE}
      grantable={new Set(grantable)}
      canCreate={rights.create}
      canUpdate={rights.update}
      canDelete={rights.del}
    />,
    api(calls),
  );
}

const ALL = GRANTABLE.project.map(([resource, action]) => `${resource}:${action}`);

// Typing into the create dialog's many fields takes longer than the default 5 s on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

describe(RobotAccounts.name, () => {
  it("lists the project's robots, asking the server for this project's page", async () => {
    const calls: Call[] = [];
    renderRobots(calls, ALL);
    const row = await screen.findByTestId('robot-row');
    expect(row).toHaveTextContent('robot$demo+ci');
    expect(row).toHaveTextContent('Enabled');
    expect(row).toHaveTextContent('2 permissions');
    expect(row).toHaveTextContent('Never');
    expect(calls[0]!.search.get('q')).toBe('Level=project,ProjectID=7');
    expect(calls[0]!.search.get('page_size')).toBe('10');
  });

  it('creates a robot and shows its secret once, with a copy button', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    const { queryClient } = renderRobots(calls, ALL);
    await user.click(await screen.findByRole('button', { name: 'New robot account' }));
    const dialog = await screen.findByRole('dialog', { name: 'New robot account' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'builder');
    const expiry = within(dialog).getByRole('textbox', { name: /Expires after/ });
    await user.clear(expiry);
    await user.type(expiry, '-1');
    await user.type(within(dialog).getByRole('textbox', { name: 'Description' }), 'nightly builds');
    const create = within(dialog).getByRole('button', { name: 'Create' });
    expect(create).toBeDisabled();
    await user.click(within(dialog).getByRole('button', { name: 'Push and pull' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Delete Artifact' }));
    await user.click(create);

    const secretDialog = await screen.findByRole('dialog', { name: 'Secret of robot$demo+builder' });
    expect(within(secretDialog).getByTestId('robot-secret')).toHaveValue(SECRET);
    expect(secretDialog).toHaveTextContent(/will never show it again/);
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.path).toBe('/api/v2.0/robots');
    expect(post?.body).toEqual({
      name: 'builder',
      description: 'nightly builds',
      level: 'project',
      duration: -1,
      permissions: [
        {
          kind: 'project',
          namespace: 'demo',
          access: [
            'artifact:delete',
            'artifact:list',
            'artifact:read',
            'repository:list',
            'repository:pull',
            'repository:push',
            'tag:create',
            'tag:list',
          ].map((key) => {
            const [resource, action] = key.split(':');
            return { resource, action, effect: 'allow' };
          }),
        },
      ],
    });

    await user.click(within(secretDialog).getByRole('button', { name: 'Copy the secret' }));
    await within(secretDialog)
      .findByRole('button', { name: 'Copy the secret' })
      .then((button) => waitFor(() => expect(button).toHaveTextContent('Copied')));
    expect(await navigator.clipboard.readText()).toBe(SECRET);

    await user.click(within(secretDialog).getByRole('button', { name: 'I have copied the secret' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    // Gone for good: not on the page, not in any cached query.
    expect(document.body).not.toHaveTextContent(SECRET);
    const cached = JSON.stringify(queryClient.getQueriesData({ queryKey: robotKeys.all }));
    expect(cached).not.toContain(SECRET);
  });

  it('offers only permissions the creator holds', async () => {
    const user = userEvent.setup();
    renderRobots([], ['repository:pull', 'repository:list']);
    await user.click(await screen.findByRole('button', { name: 'New robot account' }));
    const dialog = await screen.findByRole('dialog', { name: 'New robot account' });
    expect(within(dialog).getByRole('checkbox', { name: 'Pull Repository' })).toBeEnabled();
    expect(within(dialog).getByRole('checkbox', { name: 'Push Repository' })).toBeDisabled();
    await user.click(within(dialog).getByRole('button', { name: 'Push and pull' }));
    expect(within(dialog).getByRole('checkbox', { name: 'Pull Repository' })).toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'Push Repository' })).not.toBeChecked();
  });

  it('refreshes the secret after confirmation and shows the new one', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderRobots(calls, ALL);
    await user.click(await screen.findByRole('button', { name: 'Refresh the secret of robot$demo+ci' }));
    const confirm = await screen.findByRole('dialog', { name: 'Refresh the secret' });
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
    await user.click(within(confirm).getByRole('button', { name: 'Refresh' }));
    const secretDialog = await screen.findByRole('dialog', { name: 'Secret of robot$demo+ci' });
    expect(within(secretDialog).getByTestId('robot-secret')).toHaveValue(`${SECRET}-new`);
    expect(calls.find((c) => c.method === 'PATCH')?.path).toBe('/api/v2.0/robots/21');
  });

  it('disables a robot with the whole robot, and deletes only after confirmation', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderRobots(calls, ALL);
    await user.click(await screen.findByRole('button', { name: 'Disable robot$demo+ci' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({
      path: '/api/v2.0/robots/21',
      body: { name: 'robot$demo+ci', level: 'project', disable: true, permissions: robot.permissions },
    });

    await user.click(screen.getByRole('button', { name: 'Delete robot$demo+ci' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete robot account' });
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
    expect(calls.find((c) => c.method === 'DELETE')?.path).toBe('/api/v2.0/robots/21');
  });

  it('shows no create or action controls without the permissions', async () => {
    renderRobots([], [], { create: false, update: false, del: false });
    await screen.findByTestId('robot-row');
    expect(screen.queryByRole('button', { name: 'New robot account' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Disable|Refresh|Delete/ })).not.toBeInTheDocument();
  });

  it('gives a system robot system permissions and permissions in one project and in all', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    const systemRobot = {
      ...robot,
      id: 30,
      name: 'robot$sync',
      level: 'system',
      permissions: [
        { kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'list' }] },
        { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] },
      ],
    };
    renderWithProviders(
      <RobotAccounts
        scope={{ level: 'system' }}
        grantable={new Set(GRANTABLE.system.map(([resource, action]) => `${resource}:${action}`))}
        canCreate
        canUpdate
        canDelete
      />,
      api(calls, [systemRobot]),
    );
    const row = await screen.findByTestId('robot-row');
    expect(row).toHaveTextContent('System');
    expect(row).toHaveTextContent('All projects');
    expect(calls[0]!.search.get('q')).toBe('Level=system');

    await user.click(screen.getByRole('button', { name: 'New robot account' }));
    const dialog = await screen.findByRole('dialog', { name: 'New robot account' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'sync');
    const system = await within(dialog).findByRole('group', { name: 'System permissions' });
    await user.click(within(system).getByRole('checkbox', { name: 'Create Project' }));

    await user.click(within(dialog).getByRole('button', { name: 'Add a project' }));
    const project = within(dialog).getByRole('combobox', { name: 'Project' });
    await user.type(project, 'de');
    await pickOption(user, project, 'demo');
    const demo = within(dialog).getByRole('group', { name: 'Permissions in project demo' });
    await user.click(within(demo).getByRole('checkbox', { name: 'Push Repository' }));

    await user.click(within(dialog).getByRole('button', { name: 'Add a project' }));
    // A set of project permissions without a project cannot be sent.
    const unnamed = within(dialog).getByRole('group', { name: 'Permissions in the chosen project' });
    await user.click(within(unnamed).getByRole('button', { name: 'Pull only' }));
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();
    await user.click(within(dialog).getAllByRole('checkbox', { name: 'All projects' })[1]!);
    within(dialog).getByRole('group', { name: 'Permissions in every project' });

    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await screen.findByRole('dialog', { name: 'Secret of robot$demo+builder' });
    const allow = (keys: string[]) =>
      keys.map((key) => {
        const [resource, action] = key.split(':');
        return { resource, action, effect: 'allow' };
      });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'sync',
      description: '',
      level: 'system',
      duration: 30,
      permissions: [
        { kind: 'system', namespace: '/', access: allow(['project:create']) },
        { kind: 'project', namespace: 'demo', access: allow(['repository:push']) },
        {
          kind: 'project',
          namespace: '*',
          access: allow(['artifact:list', 'artifact:read', 'repository:list', 'repository:pull', 'tag:list']),
        },
      ],
    });
  });
});
