import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Outlet, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { GlobalSearch } from '../../components/app-layout';
import { json, renderWithProviders, type Handler } from '../../test/render';
import { SearchPage } from './search-page';

vi.setConfig({ testTimeout: 15_000 });

/** The header's search box above the routed results page, as the signed-in layout has them. */
function renderSearch(handler: Handler, language = 'en') {
  return renderWithProviders(
    <Routes>
      <Route
        path="/"
        element={
          <>
            <GlobalSearch />
            <Outlet />
          </>
        }
      >
        <Route index element={<p>home</p>} />
        <Route path="search" element={<SearchPage />} />
      </Route>
    </Routes>,
    handler,
    language,
  );
}

async function search(user: ReturnType<typeof userEvent.setup>, text: string) {
  const box = screen.getByRole('searchbox', { name: 'Search projects and repositories' });
  await user.clear(box);
  await user.type(box, `${text}{Enter}`);
}

const FOUND = {
  project: [
    { project_id: 7, name: 'team-app', repo_count: 2, owner_name: 'dana', metadata: { public: 'true' } },
  ],
  repository: [
    {
      project_id: 7,
      project_name: 'team-app',
      project_public: true,
      repository_name: 'team-app/tools/app',
      artifact_count: 3,
      pull_count: 12,
    },
    {
      project_id: 9,
      project_name: 'secret',
      project_public: false,
      repository_name: 'secret/app',
      artifact_count: 1,
      pull_count: 0,
    },
  ],
};

describe(SearchPage.name, () => {
  it('searches from the header on Enter and links projects and repositories', async () => {
    const user = userEvent.setup();
    const queries: (string | null)[] = [];
    renderSearch((request) => {
      const url = new URL(request.url);
      expect(url.pathname).toBe('/api/v2.0/search');
      queries.push(url.searchParams.get('q'));
      return json(FOUND);
    });
    expect(screen.getByRole('search', { name: 'Search projects and repositories' })).toBeInTheDocument();
    await search(user, '  app ');
    expect(await screen.findByRole('heading', { name: 'Results for “app”' })).toBeInTheDocument();
    expect(queries).toEqual(['app']);

    const projects = screen.getByRole('table', { name: 'Projects' });
    expect(within(projects).getByRole('link', { name: 'team-app' })).toHaveAttribute('href', '/projects/7');
    expect(within(projects).getByText('Public')).toBeInTheDocument();
    expect(within(projects).getByText('dana')).toBeInTheDocument();

    const repositories = screen.getByRole('table', { name: 'Repositories' });
    expect(within(repositories).getByRole('link', { name: 'team-app/tools/app' })).toHaveAttribute(
      'href',
      '/projects/7/repositories/tools/app',
    );
    expect(within(repositories).getByRole('link', { name: 'secret/app' })).toHaveAttribute(
      'href',
      '/projects/9/repositories/app',
    );
    expect(within(repositories).getByText('Private')).toBeInTheDocument();
    expect(within(repositories).getByText('12')).toBeInTheDocument();
    // The box keeps showing what the results are for.
    expect(screen.getByRole('searchbox', { name: 'Search projects and repositories' })).toHaveValue('app');
  });

  it('sends nothing for a blank search', async () => {
    const user = userEvent.setup();
    const { fetchMock } = renderSearch(() => json(FOUND));
    await search(user, '   ');
    expect(screen.getByText('home')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('says when nothing matches, and per section when one is empty', async () => {
    const user = userEvent.setup();
    renderSearch((request) => {
      const q = new URL(request.url).searchParams.get('q');
      return json(q === 'zzz' ? { project: [], repository: [] } : { project: FOUND.project, repository: [] });
    });
    await search(user, 'zzz');
    expect(await screen.findByText(/Nothing matches “zzz”/)).toBeInTheDocument();
    await search(user, 'team');
    expect(await screen.findByRole('link', { name: 'team-app' })).toBeInTheDocument();
    expect(screen.getByText('No repository you can see matches “team”.')).toBeInTheDocument();
  });

  it('shows an error that says what to do, and retries', async () => {
    const user = userEvent.setup();
    let failing = true;
    renderSearch(() =>
      failing
        ? json(
            { errors: [{ code: 'BAD_REQUEST', message: 'q is longer than 256 characters' }] },
            { status: 400 },
          )
        : json(FOUND),
    );
    await search(user, 'app');
    expect(await screen.findByRole('alert')).toHaveTextContent('q is longer than 256 characters');
    failing = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Repositories' })).toBeInTheDocument();
  });

  it('pages a long answer ten at a time', async () => {
    const user = userEvent.setup();
    const many = Array.from({ length: 12 }, (_, i) => ({
      project_id: i + 1,
      name: `app-${String(i + 1).padStart(2, '0')}`,
      metadata: { public: 'false' },
    }));
    renderSearch(() => json({ project: many, repository: [] }));
    await search(user, 'app');
    const projects = await screen.findByRole('table', { name: 'Projects' });
    expect(within(projects).getAllByRole('link')).toHaveLength(10);
    expect(screen.getByText('12 in total')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(within(screen.getByRole('table', { name: 'Projects' })).getAllByRole('link')).toHaveLength(2);
  });

  it('speaks Simplified Chinese', async () => {
    const user = userEvent.setup();
    renderSearch(() => json({ project: [], repository: [] }), 'zh-CN');
    const box = screen.getByRole('searchbox', { name: '搜索项目和仓库' });
    await user.type(box, 'zzz{Enter}');
    expect(await screen.findByRole('heading', { name: '“zzz”的搜索结果' })).toBeInTheDocument();
    expect(screen.getByText(/没有与“zzz”匹配的结果/)).toBeInTheDocument();
  });
});
