import { createBerthClient, memoryCsrfStore } from '@berth/api-client';
import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { RouterProvider, createMemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { Providers, routes } from '../../app';
import { createI18n } from '../../i18n';
import { json } from '../../test/render';

vi.setConfig({ testTimeout: 20_000 });

/** The whole console at `path` for a user who is (or is not) a system administrator. */
function renderAs(path: string, sysadmin: boolean) {
  const paths: string[] = [];
  const handler = (request: Request) => {
    const url = new URL(request.url);
    paths.push(url.pathname);
    if (url.pathname === '/api/v2.0/users/current')
      return json({ user_id: 2, username: 'dana', sysadmin_flag: sysadmin, email: 'dana@example.com' });
    if (url.pathname.endsWith('/schedule')) return json({});
    if (url.pathname === '/api/v2.0/schedules/all/paused') return json({ paused: false });
    return json([], { headers: { 'X-Total-Count': '0' } });
  };
  const client = createBerthClient({
    baseUrl: 'http://berth.test',
    csrf: memoryCsrfStore('csrf-token'),
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) =>
      handler(
        input instanceof Request ? input : new Request(new URL(String(input), 'http://berth.test'), init),
      )) as typeof fetch,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <Providers client={client} queryClient={queryClient} i18n={createI18n('en')}>
      <RouterProvider router={createMemoryRouter(routes, { initialEntries: [path] })} />
    </Providers>,
  );
  return { paths };
}

describe('the job service and clean-up routes', () => {
  it.each(['/admin/job-service', '/admin/clean-up'])(
    '%s turns away a user who is not a system administrator, asking nothing of the job API',
    async (path) => {
      const { paths } = renderAs(path, false);
      expect(await screen.findByText('Only system administrators can see this page.')).toBeInTheDocument();
      expect(paths.some((p) => p.includes('/jobservice') || p.includes('/system/'))).toBe(false);
    },
  );

  it.each([
    ['/admin/job-service', 'Job service · Administration · Berth', 'Job queues'],
    ['/admin/clean-up', 'Clean up · Administration · Berth', 'Garbage collection'],
  ])('%s opens for a system administrator as “%s”', async (path, title, text) => {
    renderAs(path, true);
    await waitFor(() => expect(document.title).toBe(title));
    expect((await screen.findAllByText(text)).length).toBeGreaterThan(0);
  });
});
