import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Navigate, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { projectRoutes } from '../routes/project-routes';
import { json, renderWithProviders } from '../test/render';
import { ProjectPage } from './project-page';
import { pickOption } from './project/test-context';

vi.setConfig({ testTimeout: 20_000 });

const ADMIN_PERMISSIONS = [
  'project:read',
  'repository:list',
  'repository:push',
  'member:list',
  'robot:list',
  'label:list',
  'log:list',
  'configuration:read',
];
const GUEST_PERMISSIONS = [
  'project:read',
  'repository:list',
  'repository:pull',
  'artifact:list',
  'member:list',
  'robot:list',
  'label:list',
  'log:list',
  'configuration:read',
];
const LIMITED_GUEST_PERMISSIONS = ['project:read', 'repository:list', 'configuration:read'];

interface Call {
  path: string;
  search: URLSearchParams;
}

function api(permissions: string[], calls: Call[] = []) {
  return (request: Request) => {
    const url = new URL(request.url);
    calls.push({ path: url.pathname, search: url.searchParams });
    switch (url.pathname) {
      case '/api/v2.0/projects/7':
        return json({ project_id: 7, name: 'demo', metadata: { public: 'false' } });
      case '/api/v2.0/projects/7/summary':
        return json({
          repo_count: 3,
          project_admin_count: 1,
          developer_count: 2,
          guest_count: 1,
          quota: { hard: { storage: 1024 ** 3 }, used: { storage: 256 * 1024 ** 2 } },
        });
      case '/api/v2.0/users/current/permissions':
        return json(permissions.map((p) => ({ resource: p.split(':')[0], action: p.split(':')[1] })));
      case '/api/v2.0/projects/demo/repositories':
        return json([{ id: 1, name: 'demo/tools/hello', artifact_count: 2, pull_count: 5 }], {
          headers: { 'X-Total-Count': '1' },
        });
      case '/api/v2.0/projects/demo/logs':
        return json(
          [
            {
              id: 1,
              username: 'admin',
              resource: 'demo/tools/hello:v1',
              resource_type: 'artifact',
              operation: 'push',
              op_time: '2026-11-22T08:00:00Z',
            },
          ],
          { headers: { 'X-Total-Count': '1' } },
        );
      default:
        return json([], { headers: { 'X-Total-Count': '0' } });
    }
  };
}

function renderProject(
  permissions: string[],
  path = '/projects/7',
  calls: Call[] = [],
  handler = api(permissions, calls),
) {
  return renderWithProviders(
    <Routes>
      <Route path="/" element={<Navigate to={path} replace />} />
      {projectRoutes.map((route) => (
        <Route key={route.path} path={route.path} element={route.element}>
          {route.children?.map((child) => (
            <Route
              key={child.path ?? 'index'}
              index={child.index === true ? true : undefined}
              path={child.path}
              element={child.element}
            />
          ))}
        </Route>
      ))}
    </Routes>,
    handler,
  );
}

describe(ProjectPage.name, () => {
  it('opens on the summary: repositories, access, quota, members by role and the push hint', async () => {
    renderProject(ADMIN_PERMISSIONS);
    expect(await screen.findByRole('heading', { name: 'demo' })).toBeInTheDocument();
    expect(await screen.findByTestId('summary-repositories')).toHaveTextContent('3');
    expect(screen.getByTestId('summary-access')).toHaveTextContent('Private');
    expect(screen.getByText('256 MiB of 1.00 GiB')).toBeInTheDocument();
    const members = screen.getByTestId('summary-members');
    expect(within(members).getByText('Developer')).toBeInTheDocument();
    expect(within(members).getByRole('progressbar', { name: 'Developer: 2' })).toBeInTheDocument();
    const hint = screen.getByTestId('push-hint');
    expect(hint).toHaveTextContent(/docker push .*\/demo\/REPOSITORY\[:TAG\]/);
    expect(within(hint).getByRole('button', { name: 'Copy the push command' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'demo/tools/hello' })).toHaveAttribute(
      'href',
      '/projects/7/repositories/tools/hello',
    );
    expect(screen.getByRole('tab', { name: 'Summary' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tabpanel', { name: 'Summary' })).toContainElement(
      screen.getByTestId('summary-repositories'),
    );
  });

  it('shows a guest every tab it may read but no push hint', async () => {
    renderProject(GUEST_PERMISSIONS);
    await screen.findByTestId('summary-repositories');
    expect(screen.queryByTestId('push-hint')).not.toBeInTheDocument();
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Summary',
      'Repositories',
      'Artifacts',
      'Members',
      'Robot accounts',
      'Labels',
      'Logs',
      'Configuration',
    ]);
  });

  it('hides the tabs a limited guest may not open', async () => {
    renderProject(LIMITED_GUEST_PERMISSIONS);
    await screen.findByTestId('summary-repositories');
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Summary',
      'Repositories',
      'Configuration',
    ]);
  });

  it('switches tabs by route: repositories, then logs filtered by operation and user on the server', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderProject(ADMIN_PERMISSIONS, '/projects/7', calls);
    await user.click(await screen.findByRole('tab', { name: 'Repositories' }));
    expect(await screen.findByRole('table', { name: 'Repositories' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Repositories' })).toHaveAttribute('aria-selected', 'true');

    await user.click(screen.getByRole('tab', { name: 'Logs' }));
    const row = await screen.findByTestId('log-row');
    expect(row).toHaveTextContent('demo/tools/hello:v1');
    expect(row).toHaveTextContent('Push');
    expect(calls.find((c) => c.path === '/api/v2.0/projects/demo/logs')?.search.get('sort')).toBe('-op_time');
    await pickOption(user, screen.getByRole('combobox', { name: 'Operation' }), 'Push');
    await user.type(screen.getByRole('textbox', { name: 'User' }), 'adm');
    await waitFor(() =>
      expect(
        calls.some(
          (c) =>
            c.path === '/api/v2.0/projects/demo/logs' && c.search.get('q') === 'operation=push,username=~adm',
        ),
      ).toBe(true),
    );
  });

  it('says a missing project is not found, without blaming the core', async () => {
    renderProject(ADMIN_PERMISSIONS, '/projects/999', [], (request) =>
      new URL(request.url).pathname === '/api/v2.0/projects/999'
        ? json({ errors: [{ code: 'NOT_FOUND', message: 'project 999 not found' }] }, { status: 404 })
        : api(ADMIN_PERMISSIONS)(request),
    );
    expect(await screen.findByRole('heading', { name: 'Project not found' })).toBeInTheDocument();
    expect(screen.getByTestId('not-found')).toHaveTextContent('There is no project “999”.');
    expect(screen.getByRole('link', { name: 'Back to projects' })).toHaveAttribute('href', '/projects');
    expect(screen.queryByText(/core/)).not.toBeInTheDocument();
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Project not found · Berth'));
  });

  it('names the document after the project and its tab, in both languages', async () => {
    const user = userEvent.setup();
    const { i18n } = renderProject(ADMIN_PERMISSIONS);
    await screen.findByTestId('summary-repositories');
    await waitFor(() => expect(document.title).toBe('demo · Berth'));
    await user.click(screen.getByRole('tab', { name: 'Members' }));
    await waitFor(() => expect(document.title).toBe('Members · demo · Berth'));
    await act(() => i18n.changeLanguage('zh-CN'));
    await waitFor(() => expect(document.title).toBe('成员 · demo · Berth'));
  });
});
