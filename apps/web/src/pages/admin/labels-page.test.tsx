import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { LabelsPage } from './labels-page';

/** A fake core with global labels; the list honours scope=g and `q=name=~…` as the real one does. */
function fakeCore() {
  const labels = [
    {
      id: 1,
      name: 'release',
      color: '#1D5100',
      description: 'Shipped',
      scope: 'g',
      creation_time: '2026-11-01T00:00:00Z',
    },
  ];
  const requests: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'DELETE' ? undefined : await request.json();
    requests.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    if (url.pathname === '/api/v2.0/labels' && request.method === 'GET') {
      const name = /name=~(.*)/.exec(url.searchParams.get('q') ?? '')?.[1] ?? '';
      const matching = labels.filter((label) => label.name.includes(name));
      return json(matching, { headers: { 'X-Total-Count': String(matching.length) } });
    }
    if (url.pathname === '/api/v2.0/labels' && request.method === 'POST') {
      labels.push({
        ...(body as (typeof labels)[number]),
        id: labels.length + 1,
        creation_time: '2026-11-22T00:00:00Z',
      });
      return new Response(null, { status: 201, headers: { 'Content-Length': '0' } });
    }
    const one = /^\/api\/v2\.0\/labels\/(\d+)$/.exec(url.pathname);
    if (one && request.method === 'DELETE') {
      labels.splice(
        labels.findIndex((label) => label.id === Number(one[1])),
        1,
      );
      return new Response(null, { status: 200, headers: { 'Content-Length': '0' } });
    }
    return json({ errors: [{ code: 'NOT_FOUND', message: 'not found' }] }, { status: 404 });
  };
  return { handler, requests };
}

vi.setConfig({ testTimeout: 20_000 });

describe(LabelsPage.name, () => {
  it('lists global labels, creates one with scope g, and deletes one after confirmation', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<LabelsPage />, core.handler);
    await screen.findByText('release');
    expect(core.requests[0]!.query.get('scope')).toBe('g');

    await user.click(screen.getByRole('button', { name: 'New label' }));
    const dialog = await screen.findByRole('dialog', { name: 'New global label' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'deprecated');
    await user.type(within(dialog).getByRole('textbox', { name: 'Description' }), 'Do not use');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getAllByTestId('label-row')).toHaveLength(2));
    expect(core.requests.find((r) => r.method === 'POST')?.body).toEqual({
      name: 'deprecated',
      color: '',
      description: 'Do not use',
      scope: 'g',
    });

    await user.click(screen.getByRole('button', { name: 'Delete label release' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete global label' });
    expect(confirm).toHaveTextContent(/every artifact in every project/);
    expect(core.requests.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.getAllByTestId('label-row')).toHaveLength(1));
    expect(core.requests.find((r) => r.method === 'DELETE')?.path).toBe('/api/v2.0/labels/1');
  });
});
