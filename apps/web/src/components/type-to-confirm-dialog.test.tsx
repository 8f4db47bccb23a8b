import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../test/render';
import { TypeToConfirmDialog } from './type-to-confirm-dialog';

vi.setConfig({ testTimeout: 15_000 });

function Harness({ onConfirm, blocked }: { onConfirm: () => void; blocked?: React.ReactNode }) {
  const [opened, setOpened] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpened(true)}>
        open
      </button>
      <TypeToConfirmDialog
        opened={opened}
        title="Delete thing shelf/app"
        name="shelf/app"
        label="Type the thing's name to confirm"
        message="This deletes shelf/app."
        confirmLabel="Delete thing"
        onConfirm={onConfirm}
        onClose={() => setOpened(false)}
        blocked={blocked}
      />
    </>
  );
}

describe(TypeToConfirmDialog.name, () => {
  it('arms only on the exact name, and forgets what was typed when closed', async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn();
    renderWithProviders(<Harness onConfirm={onConfirm} />, () => json({}));
    await user.click(screen.getByRole('button', { name: 'open' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete thing shelf/app' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete thing' });
    const name = within(dialog).getByRole('textbox', { name: "Type the thing's name to confirm" });
    expect(within(dialog).getByText('Enter shelf/app exactly as shown.')).toBeInTheDocument();
    await user.type(name, 'shelf/App{Enter}');
    expect(confirm).toBeDisabled();
    expect(onConfirm).not.toHaveBeenCalled();

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await user.click(screen.getByRole('button', { name: 'open' }));
    const again = await screen.findByRole('dialog', { name: 'Delete thing shelf/app' });
    expect(within(again).getByRole('textbox')).toHaveValue('');
    await user.type(within(again).getByRole('textbox'), 'shelf/app');
    await user.click(within(again).getByRole('button', { name: 'Delete thing' }));
    expect(onConfirm).toHaveBeenCalledOnce();
  });

  it('shows what blocks the deletion instead of the confirmation', async () => {
    const user = userEvent.setup();
    renderWithProviders(<Harness onConfirm={() => undefined} blocked={<p>Empty it first.</p>} />, () =>
      json({}),
    );
    await user.click(screen.getByRole('button', { name: 'open' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete thing shelf/app' });
    expect(within(dialog).getByText('Empty it first.')).toBeInTheDocument();
    expect(within(dialog).queryByRole('textbox')).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Delete thing' })).not.toBeInTheDocument();
  });
});
