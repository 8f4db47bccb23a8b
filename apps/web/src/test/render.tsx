import { createBerthClient, memoryCsrfStore } from '@berth/api-client';
import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { Providers } from '../app';
import { createI18n } from '../i18n';

export type Handler = (request: Request) => Response | Promise<Response>;

/** Renders `ui` with every provider, the API answered by `handler` instead of a server. */
export function renderWithProviders(ui: ReactElement, handler: Handler, language = 'en') {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) =>
    handler(
      input instanceof Request ? input : new Request(new URL(String(input), 'http://berth.test'), init),
    ),
  );
  const client = createBerthClient({
    baseUrl: 'http://berth.test',
    csrf: memoryCsrfStore('csrf-token'),
    fetch: fetchMock as unknown as typeof fetch,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const i18n = createI18n(language);
  const result = render(
    <Providers client={client} queryClient={queryClient} i18n={i18n}>
      <MemoryRouter>{ui}</MemoryRouter>
    </Providers>,
  );
  return { ...result, fetchMock, queryClient, i18n };
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });
}
