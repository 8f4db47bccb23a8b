import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { isValidPassword } from '../../api/users';
import { json, renderWithProviders } from '../../test/render';
import { CliSecretDialog } from './cli-secret-dialog';

/** A fake core with one signed-in user whose CLI secret the dialog may set. */
function fakeCore(initial: string | null) {
  let secret = initial;
  const puts: { path: string; body: { secret: string } }[] = [];
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname === '/api/v2.0/users/current') {
      return json({
        user_id: 5,
        username: 'dana',
        ...(secret ? { oidc_user_meta: { user_id: 5, secret } } : {}),
      });
    }
    if (url.pathname === '/api/v2.0/users/5/cli_secret' && request.method === 'PUT') {
      const body = (await request.json()) as { secret: string };
      puts.push({ path: url.pathname, body });
      secret = body.secret;
      return new Response(null, { status: 200 });
    }
    return json({ errors: [{ code: 'NOT_FOUND', message: 'not found' }] }, { status: 404 });
  };
  return { handler, puts };
}

describe(CliSecretDialog.name, () => {
  it('generates a first secret that meets the policy and shows it', async () => {
    const user = userEvent.setup();
    const core = fakeCore(null);
    renderWithProviders(<CliSecretDialog opened onClose={() => undefined} />, core.handler);
    const dialog = await screen.findByRole('dialog', { name: 'CLI secret' });
    expect(await within(dialog).findByText(/You have no CLI secret yet/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Generate secret' }));
    await waitFor(() => expect(core.puts).toHaveLength(1));
    const sent = core.puts[0]!.body.secret;
    expect(isValidPassword(sent)).toBe(true);
    expect(sent).toHaveLength(32);
    expect(await within(dialog).findByDisplayValue(sent)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy the CLI secret' })).toBeInTheDocument();
  });

  it('replaces an existing secret only after confirming', async () => {
    const user = userEvent.setup();
    const core = fakeCore('Existing-Secret1');
    renderWithProviders(<CliSecretDialog opened onClose={() => undefined} />, core.handler);
    await user.click(await screen.findByRole('button', { name: 'Regenerate' }));
    const confirm = await screen.findByRole('dialog', { name: 'Regenerate the CLI secret' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(core.puts).toHaveLength(0);

    await user.click(await screen.findByRole('button', { name: 'Regenerate' }));
    const again = await screen.findByRole('dialog', { name: 'Regenerate the CLI secret' });
    await user.click(within(again).getByRole('button', { name: 'Regenerate' }));
    await waitFor(() => expect(core.puts).toHaveLength(1));
    expect(core.puts[0]!.body.secret).not.toBe('Existing-Secret1');
    expect(await screen.findByDisplayValue(core.puts[0]!.body.secret)).toBeInTheDocument();
  });
});
