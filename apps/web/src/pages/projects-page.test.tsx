import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { projectKeys } from '../api/projects';
import { json, renderWithProviders } from '../test/render';
import { ProjectsPage } from './projects-page';

describe(ProjectsPage.name, () => {
  it('shows the empty state, hides "New project" without permission', async () => {
    renderWithProviders(<ProjectsPage canCreate={false} />, () =>
      json([], { headers: { 'X-Total-Count': '0' } }),
    );
    expect(await screen.findByText(/No projects yet/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New project' })).not.toBeInTheDocument();
  });

  it('shows an error that says what to do', async () => {
    renderWithProviders(<ProjectsPage canCreate />, () =>
      json({ errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] }, { status: 401 }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(/unauthorized/);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('lists a page of projects with usage bars', async () => {
    renderWithProviders(<ProjectsPage canCreate />, (request) => {
      const url = new URL(request.url);
      if (url.pathname === '/api/v2.0/projects') {
        expect(url.searchParams.get('page_size')).toBe('10');
        return json([{ project_id: 7, name: 'demo', repo_count: 2, metadata: { public: 'true' } }], {
          headers: { 'X-Total-Count': '11' },
        });
      }
      if (url.pathname === '/api/v2.0/users/current/permissions') return json([]);
      return json({
        repo_count: 2,
        quota: { hard: { storage: 1024 ** 3 }, used: { storage: 512 * 1024 ** 2 } },
      });
    });
    expect(await screen.findByRole('link', { name: 'demo' })).toHaveAttribute('href', '/projects/7');
    expect(screen.getByText('Public')).toBeInTheDocument();
    expect(await screen.findByText('512 MiB of 1.00 GiB')).toBeInTheDocument();
    expect(screen.getByText('11 in total')).toBeInTheDocument();
  });

  it('creates a project with the CSRF header and refreshes only the lists', async () => {
    const user = userEvent.setup();
    const created: { body: unknown; csrf: string | null }[] = [];
    const { queryClient } = renderWithProviders(<ProjectsPage canCreate />, async (request) => {
      if (request.method === 'POST') {
        created.push({ body: await request.json(), csrf: request.headers.get('X-Harbor-CSRF-Token') });
        return new Response(null, { status: 201 });
      }
      return json([], { headers: { 'X-Total-Count': '0' } });
    });
    queryClient.setQueryData(projectKeys.detail('99'), { name: 'other' });
    await user.click(await screen.findByRole('button', { name: 'New project' }));
    await user.type(await screen.findByRole('textbox', { name: /Project name/ }), 'team-a');
    await user.click(screen.getByRole('checkbox', { name: /Public/ }));
    await user.type(screen.getByRole('textbox', { name: /Storage quota/ }), '2');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toEqual({
      body: { project_name: 'team-a', metadata: { public: 'true' }, storage_limit: 2 * 1024 ** 3 },
      csrf: 'csrf-token',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(queryClient.getQueryState(projectKeys.detail('99'))?.isInvalidated).toBe(false);
  });

  it('offers deletion on the rows the user may delete, and deletes after the name is typed', async () => {
    const user = userEvent.setup();
    const projects = [
      { project_id: 7, name: 'mine', metadata: { public: 'false' } },
      { project_id: 8, name: 'theirs', metadata: { public: 'true' } },
    ];
    const deleted: string[] = [];
    renderWithProviders(<ProjectsPage canCreate />, (request) => {
      const url = new URL(request.url);
      if (request.method === 'DELETE') {
        deleted.push(url.pathname);
        projects.splice(
          projects.findIndex((project) => url.pathname.endsWith(`/${project.project_id}`)),
          1,
        );
        return new Response(null, { status: 200 });
      }
      if (url.pathname === '/api/v2.0/projects')
        return json(projects, { headers: { 'X-Total-Count': String(projects.length) } });
      if (url.pathname === '/api/v2.0/users/current/permissions') {
        const scope = url.searchParams.get('scope');
        return json([
          { resource: 'project', action: 'read' },
          ...(scope === '/project/7' ? [{ resource: 'project', action: 'delete' }] : []),
        ]);
      }
      if (url.pathname === '/api/v2.0/projects/7/_deletable') return json({ deletable: true });
      return json({ repo_count: 0 });
    });
    const remove = await screen.findByRole('button', { name: 'Delete project mine' });
    expect(screen.queryByRole('button', { name: 'Delete project theirs' })).not.toBeInTheDocument();
    await user.click(remove);
    const dialog = await screen.findByRole('dialog', { name: 'Delete project mine' });
    await user.type(await within(dialog).findByRole('textbox', { name: /Type the project name/ }), 'mine');
    await user.click(within(dialog).getByRole('button', { name: 'Delete project' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'mine' })).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: 'theirs' })).toBeInTheDocument();
    expect(deleted).toEqual(['/api/v2.0/projects/7']);
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
