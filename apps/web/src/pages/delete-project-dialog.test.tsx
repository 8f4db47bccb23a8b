import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Navigate, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { projectKeys } from '../api/projects';
import { searchKeys } from '../api/search';
import { json, renderWithProviders } from '../test/render';
import { DeleteProjectDialog } from './delete-project-dialog';
import { ProjectPage } from './project-page';

vi.setConfig({ testTimeout: 15_000 });

interface FakeCore {
  permissions: string[];
  deletable: { deletable: boolean; message?: string };
  deleteStatus?: number;
}

const REFUSAL =
  'the project demo contains 2 repositories and cannot be deleted; delete its repositories first';

/** The project page of project 7 "demo", deleting through the header, with a projects list to land on. */
function renderProject(core: FakeCore) {
  const deletes: { path: string; csrf: string | null }[] = [];
  const rendered = renderWithProviders(
    <Routes>
      <Route path="/" element={<Navigate to="/projects/7" replace />} />
      <Route path="/projects" element={<p>project list</p>} />
      <Route path="/projects/:projectId" element={<ProjectPage />}>
        <Route index element={<p>summary</p>} />
        <Route path="repositories" element={<p>repositories of demo</p>} />
      </Route>
    </Routes>,
    (request) => {
      const url = new URL(request.url);
      if (request.method === 'DELETE') {
        deletes.push({ path: url.pathname, csrf: request.headers.get('X-Harbor-CSRF-Token') });
        return core.deleteStatus === 412
          ? json({ errors: [{ code: 'PRECONDITION', message: REFUSAL }] }, { status: 412 })
          : new Response(null, { status: 200 });
      }
      switch (url.pathname) {
        case '/api/v2.0/projects/7':
          return json({ project_id: 7, name: 'demo', metadata: { public: 'false' } });
        case '/api/v2.0/projects/7/_deletable':
          return json(core.deletable);
        case '/api/v2.0/users/current/permissions':
          return json(core.permissions.map((p) => ({ resource: p.split(':')[0], action: p.split(':')[1] })));
        default:
          return json({ errors: [{ code: 'NOT_FOUND', message: 'not found' }] }, { status: 404 });
      }
    },
  );
  return { ...rendered, deletes };
}

async function openDialog(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'Delete project' }));
  return screen.findByRole('dialog', { name: 'Delete project demo' });
}

describe(DeleteProjectDialog.name, () => {
  it('is not offered without project:delete', async () => {
    renderProject({ permissions: ['project:read'], deletable: { deletable: true } });
    expect(await screen.findByRole('heading', { name: 'demo' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete project' })).not.toBeInTheDocument();
  });

  it('deletes an empty project only once its name is typed, then leaves for the list', async () => {
    const user = userEvent.setup();
    const { deletes, queryClient } = renderProject({
      permissions: ['project:read', 'project:delete'],
      deletable: { deletable: true },
    });
    // What showed the project before: a search for it and the project list.
    queryClient.setQueryData(searchKeys.query('de'), { projects: [], repositories: [] });
    queryClient.setQueryData(projectKeys.list({ page: 1, pageSize: 10 }), { items: [], total: 0 });
    const dialog = await openDialog(user);
    const confirm = await within(dialog).findByRole('button', { name: 'Delete project' });
    expect(within(dialog).getByText(/cannot be undone/)).toBeInTheDocument();
    expect(confirm).toBeDisabled();
    const name = within(dialog).getByRole('textbox', { name: /Type the project name to confirm/ });
    await user.type(name, 'dem');
    expect(confirm).toBeDisabled();
    await user.type(name, 'o{Enter}');
    await waitFor(() => expect(screen.getByText('project list')).toBeInTheDocument());
    expect(deletes).toEqual([{ path: '/api/v2.0/projects/7', csrf: 'csrf-token' }]);
    expect(queryClient.getQueryData(projectKeys.detail('7'))).toBeUndefined();
    expect(queryClient.getQueryState(searchKeys.query('de'))?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(projectKeys.list({ page: 1, pageSize: 10 }))?.isInvalidated).toBe(true);
  });

  it('explains why a project with repositories cannot be deleted, and offers no delete', async () => {
    const user = userEvent.setup();
    const { deletes } = renderProject({
      permissions: ['project:read', 'project:delete'],
      deletable: { deletable: false, message: REFUSAL },
    });
    const dialog = await openDialog(user);
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('This project cannot be deleted yet');
    expect(alert).toHaveTextContent(REFUSAL);
    expect(alert).toHaveTextContent('Delete its repositories first, then try again.');
    expect(within(dialog).queryByRole('button', { name: 'Delete project' })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('textbox')).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('link', { name: 'Open its repositories' }));
    expect(await screen.findByText('repositories of demo')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(deletes).toEqual([]);
  });

  it('shows the same explanation when a push lands between the check and the delete', async () => {
    const user = userEvent.setup();
    renderProject({
      permissions: ['project:read', 'project:delete'],
      deletable: { deletable: true },
      deleteStatus: 412,
    });
    const dialog = await openDialog(user);
    await user.type(await within(dialog).findByRole('textbox', { name: /Type the project name/ }), 'demo');
    await user.click(within(dialog).getByRole('button', { name: 'Delete project' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('This project cannot be deleted yet');
    expect(alert).toHaveTextContent(REFUSAL);
    expect(screen.getByRole('heading', { name: 'demo' })).toBeInTheDocument();
  });
});
