import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { LabelsTab } from './labels-tab';
import { projectContext } from './test-context';

vi.setConfig({ testTimeout: 20_000 });

const MANAGE = ['label:list', 'label:read', 'label:create', 'label:update', 'label:delete'];
const labels = [
  { id: 31, name: 'stable', color: '#1D5100', description: 'Released builds', scope: 'p', project_id: 7 },
  { id: 32, name: 'candidate', color: '', description: '', scope: 'p', project_id: 7 },
];

interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

function api(calls: Call[], failWith?: string) {
  return async (request: Request) => {
    const url = new URL(request.url);
    const body = ['GET', 'DELETE'].includes(request.method) ? undefined : await request.json();
    calls.push({ method: request.method, path: url.pathname, search: url.searchParams, body });
    if (request.method === 'GET') return json(labels, { headers: { 'X-Total-Count': '2' } });
    if (failWith) return json({ errors: [{ code: 'CONFLICT', message: failWith }] }, { status: 409 });
    return new Response(null, { status: request.method === 'POST' ? 201 : 200 });
  };
}

describe(LabelsTab.name, () => {
  it("lists the project's labels with their colours, asking for scope p of this project", async () => {
    const calls: Call[] = [];
    renderWithProviders(<LabelsTab {...projectContext(MANAGE)} />, api(calls));
    expect(await screen.findByText('stable')).toBeInTheDocument();
    expect(screen.getAllByTestId('label-row')).toHaveLength(2);
    expect(screen.getByText('Released builds')).toBeInTheDocument();
    expect(calls[0]!.path).toBe('/api/v2.0/labels');
    expect(calls[0]!.search.get('scope')).toBe('p');
    expect(calls[0]!.search.get('project_id')).toBe('7');
  });

  it('creates a label with name, colour and description', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<LabelsTab {...projectContext(MANAGE)} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'New label' }));
    const dialog = await screen.findByRole('dialog', { name: 'New label' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'qa-passed');
    await user.type(within(dialog).getByRole('textbox', { name: 'Colour' }), '#0958D9');
    await user.type(within(dialog).getByRole('textbox', { name: 'Description' }), 'Passed QA');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'qa-passed',
      color: '#0958D9',
      description: 'Passed QA',
      scope: 'p',
      project_id: 7,
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('refuses a colour that is not hex before sending anything', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<LabelsTab {...projectContext(MANAGE)} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'New label' }));
    const dialog = await screen.findByRole('dialog', { name: 'New label' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'x');
    await user.type(within(dialog).getByRole('textbox', { name: 'Colour' }), 'green');
    expect(within(dialog).getByText('Use a hex colour such as #1D5100.')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('edits a label and shows the server’s refusal', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(
      <LabelsTab {...projectContext(MANAGE)} />,
      api(calls, 'a label named candidate already exists'),
    );
    await user.click(await screen.findByRole('button', { name: 'Edit label stable' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit label' });
    const name = within(dialog).getByRole('textbox', { name: /^Name/ });
    expect(name).toHaveValue('stable');
    await user.clear(name);
    await user.type(name, 'candidate');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The label could not be saved: a label named candidate already exists',
    );
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({
      path: '/api/v2.0/labels/31',
      body: { name: 'candidate', color: '#1D5100', description: 'Released builds' },
    });
  });

  it('deletes a label only after confirmation', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<LabelsTab {...projectContext(MANAGE)} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'Delete label candidate' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete label' });
    expect(dialog).toHaveTextContent('Delete label candidate?');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
    expect(calls.find((c) => c.method === 'DELETE')?.path).toBe('/api/v2.0/labels/32');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('is read-only for a developer', async () => {
    renderWithProviders(<LabelsTab {...projectContext(['label:list', 'label:read'])} />, api([]));
    expect(await screen.findByText('stable')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New label' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Edit label|Delete label/ })).not.toBeInTheDocument();
  });
});
