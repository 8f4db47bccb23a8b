import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { pickOption } from '../project/test-context';
import { QuotasPage, toAmount, toBytes } from './quotas-page';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A fake core with three project quotas, sorted on `used.storage` / `hard.storage` as the real one does. */
function fakeCore() {
  const quotas = [
    {
      id: 1,
      ref: { id: 1, name: 'library', owner_name: 'admin' },
      hard: { storage: -1 },
      used: { storage: 300 * MiB },
    },
    {
      id: 2,
      ref: { id: 2, name: 'team', owner_name: 'alice' },
      hard: { storage: 10 * GiB },
      used: { storage: 9.5 * GiB },
    },
    {
      id: 3,
      ref: { id: 3, name: 'empty', owner_name: 'bob' },
      hard: { storage: 512 * MiB },
      used: { storage: 0 },
    },
  ];
  const requests: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === 'GET' ? undefined : await request.json();
    requests.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    if (url.pathname === '/api/v2.0/quotas') {
      const sort = url.searchParams.get('sort') ?? '';
      const field = sort.replace(/^-/, '').split('.')[0] as 'used' | 'hard';
      const sign = sort.startsWith('-') ? -1 : 1;
      const sorted = [...quotas].sort((a, b) => sign * (a[field].storage - b[field].storage));
      return json(sorted, { headers: { 'X-Total-Count': String(quotas.length) } });
    }
    const one = /^\/api\/v2\.0\/quotas\/(\d+)$/.exec(url.pathname);
    if (one && request.method === 'PUT') {
      quotas.find((q) => q.id === Number(one[1]))!.hard = (body as { hard: { storage: number } }).hard;
      return new Response(null, { status: 200, headers: { 'Content-Length': '0' } });
    }
    return json({ errors: [{ code: 'NOT_FOUND', message: 'not found' }] }, { status: 404 });
  };
  return { handler, quotas, requests };
}

vi.setConfig({ testTimeout: 20_000 });

describe(QuotasPage.name, () => {
  it('lists every project with its usage, fullest first, and sorts on the server', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<QuotasPage />, core.handler);
    const rows = await screen.findAllByTestId('quota-row');
    expect(rows.map((row) => within(row).getByRole('link').textContent)).toEqual([
      'team',
      'library',
      'empty',
    ]);
    expect(core.requests[0]!.query.get('sort')).toBe('-used.storage');
    expect(core.requests[0]!.query.get('page_size')).toBe('15');
    expect(rows[0]).toHaveTextContent('9.50 GiB of 10.0 GiB');
    expect(within(rows[0]!).getByRole('progressbar', { name: 'Storage used by team' })).toHaveAttribute(
      'aria-valuenow',
      '95',
    );
    expect(rows[1]).toHaveTextContent('No limit');

    await pickOption(user, screen.getByRole('combobox', { name: 'Sort' }), 'Least storage used');
    await waitFor(() =>
      expect(
        screen.getAllByTestId('quota-row').map((row) => within(row).getByRole('link').textContent),
      ).toEqual(['empty', 'library', 'team']),
    );
    expect(core.requests.at(-1)!.query.get('sort')).toBe('used.storage');
  });

  it('edits a limit with units, warns below usage, and sets no limit', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<QuotasPage />, core.handler);
    await user.click(await screen.findByRole('button', { name: 'Edit the quota of team' }));
    let dialog = await screen.findByRole('dialog', { name: 'Quota of team' });
    const amount = within(dialog).getByRole('textbox', { name: 'Limit' });
    expect(amount).toHaveValue('10');
    await user.clear(amount);
    await user.type(amount, '5');
    expect(within(dialog).getByText(/below what team already stores \(9.50 GiB\)/)).toBeInTheDocument();
    await user.clear(amount);
    await user.type(amount, '0');
    expect(within(dialog).getByText(/Enter an amount above 0/)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save' })).toBeDisabled();
    await user.clear(amount);
    await user.type(amount, '2');
    await pickOption(user, within(dialog).getByRole('combobox', { name: 'Unit' }), 'TiB');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(core.requests.find((r) => r.method === 'PUT')).toMatchObject({
      path: '/api/v2.0/quotas/2',
      body: { hard: { storage: 2 * 1024 ** 4 } },
    });
    expect(await screen.findByText('2.00 TiB')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Edit the quota of empty' }));
    dialog = await screen.findByRole('dialog', { name: 'Quota of empty' });
    expect(within(dialog).getByRole('textbox', { name: 'Limit' })).toHaveValue('512');
    await user.click(within(dialog).getByRole('checkbox', { name: 'No limit' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(core.quotas[2]!.hard.storage).toBe(-1));
  });
});

describe(toBytes.name, () => {
  it('accepts 1 byte to 1024 TiB and refuses the rest', () => {
    expect(toBytes('1.5', 'GiB')).toBe(1.5 * GiB);
    expect(toBytes(1024, 'TiB')).toBe(2 ** 50);
    expect(toBytes(1025, 'TiB')).toBeNull();
    expect(toBytes(0, 'MiB')).toBeNull();
    expect(toBytes('', 'MiB')).toBeNull();
    expect(toAmount(3 * GiB)).toEqual({ amount: 3, unit: 'GiB' });
    expect(toAmount(-1)).toEqual({ amount: 10, unit: 'GiB' });
  });
});
