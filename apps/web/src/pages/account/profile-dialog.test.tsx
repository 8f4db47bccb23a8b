import type { Schema } from '@berth/api-client';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { sessionKeys } from '../../api/session';
import { userKeys } from '../../api/users';
import { json, renderWithProviders, type Handler } from '../../test/render';
import { ProfileDialog } from './profile-dialog';

vi.setConfig({ testTimeout: 15_000 });

const DANA: Schema<'UserResp'> = {
  user_id: 5,
  username: 'dana',
  email: 'dana@example.com',
  realname: 'Dana Li',
  comment: '',
  sysadmin_flag: false,
  admin_role_in_auth: false,
  creation_time: '2026-01-01T00:00:00Z',
  update_time: '2026-01-01T00:00:00Z',
};

function render(handler: Handler, user: Schema<'UserResp'> = DANA) {
  return renderWithProviders(<ProfileDialog opened user={user} onClose={() => undefined} />, handler);
}

async function dialog() {
  return screen.findByRole('dialog', { name: 'Your profile' });
}

describe(ProfileDialog.name, () => {
  it('starts from the account and checks the rules the API checks before sending', async () => {
    const user = userEvent.setup();
    const { fetchMock } = render(() => new Response(null, { status: 200 }));
    const form = await dialog();
    expect(within(form).getByLabelText('Username')).toHaveValue('dana');
    expect(within(form).getByLabelText('Username')).toHaveAttribute('readonly');
    expect(within(form).getByLabelText('Email')).toHaveValue('dana@example.com');
    expect(within(form).getByLabelText('Full name')).toHaveValue('Dana Li');
    const save = within(form).getByRole('button', { name: 'Save profile' });
    // Nothing changed yet: nothing to save.
    expect(save).toBeDisabled();

    await user.clear(within(form).getByLabelText('Email'));
    await user.type(within(form).getByLabelText('Email'), 'not-an-email');
    expect(within(form).getByText(/Enter a valid email address/)).toBeInTheDocument();
    await user.clear(within(form).getByLabelText('Full name'));
    await user.type(within(form).getByLabelText('Full name'), 'Dana #1');
    expect(within(form).getByText(/without , ~ # \$ or %/)).toBeInTheDocument();
    await user.type(within(form).getByLabelText('Comment'), 'x'.repeat(31));
    expect(within(form).getByText('At most 30 characters.')).toBeInTheDocument();
    expect(save).toBeDisabled();
    await user.click(save);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('sends only what changed, says it worked and reads the user again', async () => {
    const user = userEvent.setup();
    const sent: { method: string; path: string; body: unknown; csrf: string | null }[] = [];
    const { queryClient } = render(async (request) => {
      sent.push({
        method: request.method,
        path: new URL(request.url).pathname,
        body: await request.json(),
        csrf: request.headers.get('X-Harbor-CSRF-Token'),
      });
      return new Response(null, { status: 200 });
    });
    queryClient.setQueryData(sessionKeys.currentUser(), DANA);
    queryClient.setQueryData(userKeys.list({ page: 1, pageSize: 10 }), { items: [], total: 0 });
    queryClient.setQueryData(['projects', 'list'], []);
    const form = await dialog();
    await user.clear(within(form).getByLabelText('Email'));
    await user.type(within(form).getByLabelText('Email'), 'dana@corp.example');
    await user.type(within(form).getByLabelText('Comment'), 'platform team');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('Your profile was saved.');
    expect(sent).toEqual([
      {
        method: 'PUT',
        path: '/api/v2.0/users/5',
        body: { email: 'dana@corp.example', comment: 'platform team' },
        csrf: 'csrf-token',
      },
    ]);
    expect(queryClient.getQueryState(sessionKeys.currentUser())?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(userKeys.list({ page: 1, pageSize: 10 }))?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(['projects', 'list'])?.isInvalidated).toBe(false);
  });

  it('leaves an empty email alone when only the name changes', async () => {
    const user = userEvent.setup();
    const bodies: unknown[] = [];
    render(
      async (request) => {
        bodies.push(await request.json());
        return new Response(null, { status: 200 });
      },
      { ...DANA, user_id: 1, username: 'admin', email: '', realname: '' },
    );
    const form = await dialog();
    await user.type(within(form).getByLabelText('Full name'), 'System Admin');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    await within(form).findByRole('status');
    expect(bodies).toEqual([{ realname: 'System Admin' }]);
  });

  it('explains a taken email and lets the user try another', async () => {
    const user = userEvent.setup();
    render(() => json({ errors: [{ code: 'CONFLICT', message: 'email already exists' }] }, { status: 409 }));
    const form = await dialog();
    await user.clear(within(form).getByLabelText('Email'));
    await user.type(within(form).getByLabelText('Email'), 'taken@example.com');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'Another account already uses this email address. Use a different one.',
    );
    await waitFor(() => expect(within(form).getByRole('button', { name: 'Save profile' })).toBeEnabled());
  });
});
