import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { ChangePasswordDialog } from './change-password-dialog';

function render(handler: (request: Request) => Response | Promise<Response>) {
  return renderWithProviders(<ChangePasswordDialog opened userId={5} onClose={() => undefined} />, handler);
}

async function fill(user: ReturnType<typeof userEvent.setup>, old: string, next: string, confirm: string) {
  const dialog = await screen.findByRole('dialog', { name: 'Change password' });
  await user.type(within(dialog).getByLabelText(/^Current password/), old);
  await user.type(within(dialog).getByLabelText(/^New password/), next);
  await user.type(within(dialog).getByLabelText(/^Confirm new password/), confirm);
  return dialog;
}

describe(ChangePasswordDialog.name, () => {
  // Typing into three password fields takes a few seconds in happy-dom.
  it('enforces the rules the API enforces before sending anything', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    const { fetchMock } = render(() => new Response(null, { status: 200 }));
    const dialog = await fill(user, 'Old-Passw0rd', 'alllowercase1', 'different');
    expect(within(dialog).getByText(/needs 8 to 128 characters/)).toBeInTheDocument();
    expect(within(dialog).getByText('The two passwords differ.')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Change password' })).toBeDisabled();

    await user.clear(within(dialog).getByLabelText(/^New password/));
    await user.type(within(dialog).getByLabelText(/^New password/), 'Old-Passw0rd');
    expect(
      within(dialog).getByText('The new password must differ from the current one.'),
    ).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('sends the old and new password and says it worked', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    const sent: { path: string; body: unknown; csrf: string | null }[] = [];
    render(async (request) => {
      sent.push({
        path: new URL(request.url).pathname,
        body: await request.json(),
        csrf: request.headers.get('X-Harbor-CSRF-Token'),
      });
      return new Response(null, { status: 200 });
    });
    const dialog = await fill(user, 'Old-Passw0rd', 'New-Passw0rd', 'New-Passw0rd');
    await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(await within(dialog).findByRole('status')).toHaveTextContent('Your password was changed.');
    expect(sent).toEqual([
      {
        path: '/api/v2.0/users/5/password',
        body: { old_password: 'Old-Passw0rd', new_password: 'New-Passw0rd' },
        csrf: 'csrf-token',
      },
    ]);
  });

  it('tells the user when the current password is wrong', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    render(() =>
      json({ errors: [{ code: 'FORBIDDEN', message: 'current password is incorrect' }] }, { status: 403 }),
    );
    const dialog = await fill(user, 'Wrong-Passw0rd', 'New-Passw0rd', 'New-Passw0rd');
    await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The current password is not correct. Check it and try again.',
    );
    await waitFor(() =>
      expect(within(dialog).getByRole('button', { name: 'Change password' })).toBeEnabled(),
    );
  });
});
