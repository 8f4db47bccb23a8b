import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Navigate, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { projectArtifactKeys } from '../../api/project-artifacts';
import { projectKeys } from '../../api/projects';
import { artifactKeys, repositoryKeys } from '../../api/repositories';
import { searchKeys } from '../../api/search';
import { json, renderWithProviders } from '../../test/render';
import { RepositoryPage } from '../repository-page';

vi.setConfig({ testTimeout: 15_000 });

// As the core sees it after one decoding: the repository's slash is still encoded once.
const REPOSITORY = '/api/v2.0/projects/demo/repositories/tools%2Fhello';

interface FakeCore {
  permissions: string[];
  description?: string;
  /** The status a DELETE answers, 200 unless given. */
  deleteStatus?: number;
}

/** Project 7 "demo" holding tools/hello with two artifacts; records what the page sent. */
function renderRepository(core: FakeCore) {
  let description = core.description ?? '';
  const sent: { method: string; path: string; body: string; csrf: string | null }[] = [];
  const rendered = renderWithProviders(
    <Routes>
      <Route path="/" element={<Navigate to="/projects/7/repositories/tools/hello" replace />} />
      <Route path="/projects/:projectId/repositories" element={<p>repositories of demo</p>} />
      <Route
        path="/projects/:projectId/repositories/*"
        element={<RepositoryPage projectId="7" repository="tools/hello" />}
      />
    </Routes>,
    async (request) => {
      const url = new URL(request.url);
      const path = decodeURIComponent(url.pathname);
      sent.push({
        method: request.method,
        path,
        body: await request.text(),
        csrf: request.headers.get('X-Harbor-CSRF-Token'),
      });
      if (path === '/api/v2.0/users/current/permissions')
        return json(core.permissions.map((p) => ({ resource: p.split(':')[0], action: p.split(':')[1] })));
      if (path === '/api/v2.0/projects/7') return json({ project_id: 7, name: 'demo' });
      if (path === REPOSITORY && request.method === 'GET')
        return json({ id: 3, project_id: 7, name: 'demo/tools/hello', description, artifact_count: 2 });
      if (path === REPOSITORY && request.method === 'PUT') {
        description = (JSON.parse(sent.at(-1)!.body) as { description: string }).description;
        return new Response(null, { status: 200 });
      }
      if (path === REPOSITORY && request.method === 'DELETE') {
        return core.deleteStatus
          ? json(
              {
                errors: [
                  { code: 'CONFLICT', message: 'repository demo/tools/hello is being pushed to; try again' },
                ],
              },
              { status: core.deleteStatus },
            )
          : new Response(null, { status: 200 });
      }
      if (path === `${REPOSITORY}/artifacts`) return json([], { headers: { 'X-Total-Count': '0' } });
      return json({ errors: [{ code: 'NOT_FOUND', message: `no ${path}` }] }, { status: 404 });
    },
  );
  return { ...rendered, sent };
}

describe('RepositoryHeaderActions', () => {
  it('shows the description, formatted, and offers nothing without permission', async () => {
    renderRepository({ permissions: ['repository:read'], description: 'Says **hello**.' });
    const description = await screen.findByTestId('repository-description');
    expect(within(description).getByText('hello').tagName).toBe('STRONG');
    expect(screen.queryByRole('button', { name: 'Edit description' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete repository' })).not.toBeInTheDocument();
  });

  it('edits the description and shows what the server then holds', async () => {
    const user = userEvent.setup();
    const { sent, queryClient } = renderRepository({ permissions: ['repository:update'] });
    expect(await screen.findByText('No description yet.')).toBeInTheDocument();
    const listKey = repositoryKeys.list('demo', { page: 1, pageSize: 10 });
    queryClient.setQueryData(listKey, { items: [], total: 0 });

    await user.click(await screen.findByRole('button', { name: 'Edit description' }));
    const dialog = await screen.findByRole('dialog', { name: 'Description of demo/tools/hello' });
    const save = within(dialog).getByRole('button', { name: 'Save' });
    expect(save).toBeDisabled();
    await user.type(within(dialog).getByRole('textbox', { name: /Description/ }), 'The hello tool');
    await user.click(save);

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('The hello tool')).toBeInTheDocument();
    const put = sent.find((request) => request.method === 'PUT')!;
    expect(put.path).toBe(REPOSITORY);
    expect(JSON.parse(put.body)).toEqual({ description: 'The hello tool' });
    expect(put.csrf).toBe('csrf-token');
    expect(queryClient.getQueryState(listKey)?.isInvalidated).toBe(true);
  });

  it('deletes only once the full name is typed, refreshes what showed it and leaves for the list', async () => {
    const user = userEvent.setup();
    const { sent, queryClient } = renderRepository({ permissions: ['repository:delete'] });
    // What showed the repository before: the project's lists, the project list and a search.
    const cached = [
      repositoryKeys.list('demo', { page: 1, pageSize: 10 }),
      projectArtifactKeys.lists('demo'),
      projectKeys.list({ page: 1, pageSize: 10 }),
      searchKeys.query('hel'),
    ];
    const unrelated = repositoryKeys.list('other', { page: 1, pageSize: 10 });
    for (const key of [...cached, unrelated]) queryClient.setQueryData(key, { items: [], total: 0 });

    await user.click(await screen.findByRole('button', { name: 'Delete repository' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete repository demo/tools/hello' });
    expect(within(dialog).getByText(/all 2 of its artifacts/)).toBeInTheDocument();
    const confirm = within(dialog).getByRole('button', { name: 'Delete repository' });
    const name = within(dialog).getByRole('textbox', { name: /Type the repository name/ });
    await user.type(name, 'tools/hello');
    expect(confirm).toBeDisabled();
    await user.clear(name);
    await user.type(name, 'demo/tools/hello');
    expect(confirm).toBeEnabled();
    await user.click(confirm);

    expect(await screen.findByText('repositories of demo')).toBeInTheDocument();
    const deletes = sent.filter((request) => request.method === 'DELETE');
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ path: REPOSITORY, csrf: 'csrf-token' });
    for (const key of cached) expect(queryClient.getQueryState(key)?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(unrelated)?.isInvalidated).toBe(false);
    // The deleted repository's artifacts are not asked for again.
    expect(queryClient.getQueryState(artifactKeys.lists('demo', 'tools/hello'))?.isInvalidated).not.toBe(
      true,
    );
  });

  it('keeps the dialog open with the reason when the server refuses', async () => {
    const user = userEvent.setup();
    renderRepository({ permissions: ['repository:delete'], deleteStatus: 409 });
    await user.click(await screen.findByRole('button', { name: 'Delete repository' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete repository demo/tools/hello' });
    await user.type(within(dialog).getByRole('textbox'), 'demo/tools/hello');
    await user.click(within(dialog).getByRole('button', { name: 'Delete repository' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The repository could not be deleted: repository demo/tools/hello is being pushed to; try again',
    );
    expect(screen.queryByText('repositories of demo')).not.toBeInTheDocument();
  });

  it('speaks Simplified Chinese', async () => {
    renderWithProviders(
      <RepositoryPage projectId="7" repository="tools/hello" />,
      (request) => {
        const path = decodeURIComponent(new URL(request.url).pathname);
        if (path === '/api/v2.0/users/current/permissions')
          return json([
            { resource: 'repository', action: 'update' },
            { resource: 'repository', action: 'delete' },
          ]);
        if (path === '/api/v2.0/projects/7') return json({ project_id: 7, name: 'demo' });
        if (path === REPOSITORY) return json({ name: 'demo/tools/hello', artifact_count: 0 });
        return json([], { headers: { 'X-Total-Count': '0' } });
      },
      'zh-CN',
    );
    expect(await screen.findByRole('button', { name: '编辑描述' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '删除仓库' })).toBeInTheDocument();
    expect(screen.getByText('暂无描述。')).toBeInTheDocument();
  });
});
