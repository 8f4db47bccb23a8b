import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { ArtifactLabels } from '../artifact/artifact-labels';
import { LabelsTab } from './labels-tab';
import { projectContext } from './test-context';

vi.setConfig({ testTimeout: 20_000 });

const MANAGE = ['label:list', 'label:read', 'label:create', 'label:update', 'label:delete'];

/** A fake core with a project's labels that can be created and deleted. */
function labelCore() {
  let nextId = 40;
  const labels = [{ id: 31, name: 'stable', color: '#1D5100', description: '', scope: 'p', project_id: 7 }];
  return async (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname === '/api/v2.0/labels' && request.method === 'GET') {
      const list = url.searchParams.get('scope') === 'p' ? labels : [];
      return json(list, { headers: { 'X-Total-Count': String(list.length) } });
    }
    if (url.pathname === '/api/v2.0/labels' && request.method === 'POST') {
      const body = (await request.json()) as { name: string; color: string };
      labels.push({ id: nextId++, description: '', scope: 'p', project_id: 7, ...body });
      return new Response(null, { status: 201 });
    }
    if (url.pathname.startsWith('/api/v2.0/labels/') && request.method === 'DELETE') {
      labels.splice(
        labels.findIndex((label) => `/api/v2.0/labels/${label.id}` === url.pathname),
        1,
      );
      return new Response(null, { status: 200 });
    }
    return json({ errors: [{ code: 'NOT_FOUND', message: url.pathname }] }, { status: 404 });
  };
}

/** The options of the "Attach a label" select, which Mantine keeps mounted in its listbox. */
function attachable(): string[] {
  const combobox = screen.getByRole('combobox', { name: 'Attach a label' });
  const listbox = document.getElementById(combobox.getAttribute('aria-controls') ?? '');
  return listbox
    ? within(listbox)
        .queryAllByRole('option', { hidden: true })
        .map((o) => o.textContent ?? '')
    : [];
}

describe('label changes reach the artifact page without a remount', () => {
  it('offers a label created meanwhile and drops one deleted meanwhile', async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <ArtifactLabels
          artifactRef={{ project: 'demo', repository: 'app', reference: 'sha256:1' }}
          projectId={7}
          labels={[]}
          canAdd
          canRemove
        />
        <LabelsTab {...projectContext(MANAGE)} />
      </>,
      labelCore(),
    );
    const select = await screen.findByRole('combobox', { name: 'Attach a label' });
    await user.click(select);
    await waitFor(() => expect(attachable()).toEqual(['stable']));

    await user.click(screen.getByRole('button', { name: 'New label' }));
    const dialog = await screen.findByRole('dialog', { name: 'New label' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'qa-passed');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await user.click(screen.getByRole('combobox', { name: 'Attach a label' }));
    await waitFor(() => expect(attachable()).toEqual(['stable', 'qa-passed']));

    await user.click(screen.getByRole('button', { name: 'Delete label stable' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete label' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await user.click(screen.getByRole('combobox', { name: 'Attach a label' }));
    await waitFor(() => expect(attachable()).toEqual(['qa-passed']));
  });
});
