import { createBerthClient, memoryCsrfStore } from '@berth/api-client';
import { QueryClient } from '@tanstack/react-query';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RouterProvider, createMemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Providers, routes } from './app';
import { createI18n } from './i18n';
import { json } from './test/render';

vi.setConfig({ testTimeout: 20_000 });

/** A core with a signed-in system administrator and nothing else in it. */
function emptyCore(request: Request): Response {
  const path = new URL(request.url).pathname;
  if (path === '/api/v2.0/users/current')
    return json({ user_id: 1, username: 'admin', sysadmin_flag: true, email: 'admin@example.com' });
  if (path === '/api/v2.0/projects/1')
    return json({ errors: [{ code: 'NOT_FOUND', message: 'project 1 not found' }] }, { status: 404 });
  if (path === '/api/v2.0/search') return json({ project: [], repository: [] });
  if (['/api/v2.0/statistics', '/api/v2.0/systeminfo', '/api/v2.0/configurations'].includes(path))
    return json({});
  return json([], { headers: { 'X-Total-Count': '0' } });
}

/** The whole console at `path`, as the browser runs it: the data router over every route. */
function renderConsole(path: string, language = 'en') {
  const client = createBerthClient({
    baseUrl: 'http://berth.test',
    csrf: memoryCsrfStore('csrf-token'),
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) =>
      emptyCore(
        input instanceof Request ? input : new Request(new URL(String(input), 'http://berth.test'), init),
      )) as typeof fetch,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const i18n = createI18n(language);
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <Providers client={client} queryClient={queryClient} i18n={i18n}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { router, i18n };
}

afterEach(() => vi.restoreAllMocks());

describe('document titles', () => {
  it.each([
    ['/sign-in', 'en', 'Sign in · Berth'],
    ['/projects', 'en', 'Projects · Berth'],
    ['/projects', 'zh-CN', '项目 · Berth'],
    ['/admin/users', 'en', 'Users · Administration · Berth'],
    ['/admin/audit-logs', 'zh-CN', '审计日志 · 系统管理 · Berth'],
    ['/search?q=app', 'en', 'Search for “app” · Berth'],
    ['/projects/1', 'en', 'Project not found · Berth'],
    ['/projects/1/repositories/app', 'zh-CN', '项目不存在 · Berth'],
    ['/no/such/page', 'en', 'Page not found · Berth'],
    ['/no/such/page', 'zh-CN', '页面不存在 · Berth'],
  ])('%s in %s is “%s”', async (path, language, title) => {
    renderConsole(path, language);
    await waitFor(() => expect(document.title).toBe(title));
  });
});

describe('routes', () => {
  it('open a lazy page first without react-router’s HydrateFallback warning', async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    renderConsole('/admin/system');
    await waitFor(() => expect(document.title).toBe('System · Administration · Berth'));
    const said = [...warn.mock.calls, ...error.mock.calls].flat().map(String).join('\n');
    expect(said).not.toMatch(/HydrateFallback/);
  });
});

describe('the header', () => {
  it('draws icons, not text symbols, and marks the current language with one', async () => {
    const user = userEvent.setup();
    const { i18n } = renderConsole('/projects');
    const header = await screen.findByRole('banner');
    const toggle = within(header).getByTestId('theme-toggle');
    expect(toggle.querySelector('svg')).not.toBeNull();
    expect(toggle.textContent).toBe('');
    expect(
      within(header).getByRole('searchbox').closest('.mantine-TextInput-root')?.querySelector('svg'),
    ).not.toBeNull();
    await user.click(within(header).getByTestId('user-menu'));
    const english = await screen.findByTestId('language-en');
    expect(english.textContent).toBe('English');
    expect(english).toHaveAttribute('aria-current', 'true');
    expect(document.body.textContent).not.toMatch(/[×✓✔✕✗▸▾↗⌕☀☾]/);
    await act(() => i18n.changeLanguage('zh-CN'));
    expect(screen.getByTestId('language-zh-CN')).toHaveAttribute('aria-current', 'true');
  });
});
