import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { UsersPage } from './users-page';

interface Account {
  user_id: number;
  username: string;
  email: string;
  realname: string;
  sysadmin_flag: boolean;
  creation_time: string;
}

/** A fake core with a users table; the list honours `q=username=~…` and paging like the real one. */
function fakeCore() {
  const users: Account[] = [
    {
      user_id: 1,
      username: 'admin',
      email: 'admin@example.com',
      realname: 'Admin',
      sysadmin_flag: true,
      creation_time: '2026-11-01T00:00:00Z',
    },
    {
      user_id: 2,
      username: 'alice',
      email: 'alice@example.com',
      realname: 'Alice',
      sysadmin_flag: false,
      creation_time: '2026-11-02T00:00:00Z',
    },
  ];
  const requests: { method: string; path: string; query: string; body: unknown }[] = [];
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'DELETE' ? undefined : await request.json();
    requests.push({ method: request.method, path: url.pathname, query: url.search, body });
    if (url.pathname === '/api/v2.0/users/current') return json(users[0]);
    if (url.pathname === '/api/v2.0/users' && request.method === 'GET') {
      const filter = /username=~(.*)/.exec(url.searchParams.get('q') ?? '')?.[1] ?? '';
      const matching = users.filter((u) => u.username.includes(filter));
      return json(matching, { headers: { 'X-Total-Count': String(matching.length) } });
    }
    if (url.pathname === '/api/v2.0/users' && request.method === 'POST') {
      const input = body as Account;
      users.push({
        ...input,
        user_id: users.length + 1,
        sysadmin_flag: false,
        creation_time: '2026-11-22T00:00:00Z',
      });
      return new Response(null, { status: 201 });
    }
    const sysadmin = /^\/api\/v2\.0\/users\/(\d+)\/sysadmin$/.exec(url.pathname);
    if (sysadmin && request.method === 'PUT') {
      users.find((u) => u.user_id === Number(sysadmin[1]))!.sysadmin_flag = (
        body as { sysadmin_flag: boolean }
      ).sysadmin_flag;
      return new Response(null, { status: 200 });
    }
    const one = /^\/api\/v2\.0\/users\/(\d+)$/.exec(url.pathname);
    if (one && request.method === 'DELETE') {
      users.splice(
        users.findIndex((u) => u.user_id === Number(one[1])),
        1,
      );
      return new Response(null, { status: 200 });
    }
    return json({ errors: [{ code: 'NOT_FOUND', message: 'not found' }] }, { status: 404 });
  };
  return { handler, users, requests };
}

describe(UsersPage.name, () => {
  it('lists users with their role and searches on the server', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<UsersPage />, core.handler);
    const alice = await screen.findByRole('row', { name: /alice/ });
    expect(within(alice).getByText('User')).toBeInTheDocument();
    expect(
      within(screen.getByRole('row', { name: /admin@example.com/ })).getByText('System administrator'),
    ).toBeInTheDocument();
    expect(screen.getByText('2 in total')).toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: 'Search' }), 'ali');
    await waitFor(() =>
      expect(screen.queryByRole('row', { name: /admin@example.com/ })).not.toBeInTheDocument(),
    );
    expect(core.requests.some((r) => r.query.includes('q=username%3D~ali'))).toBe(true);
  });

  // Typing a whole form into Mantine inputs takes a few seconds in happy-dom.
  it('creates a user, checking the password rules before sending', { timeout: 20_000 }, async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<UsersPage />, core.handler);
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog', { name: 'New user' });
    await user.type(within(dialog).getByRole('textbox', { name: /Username/ }), 'bob');
    await user.type(within(dialog).getByRole('textbox', { name: /Email/ }), 'bob@example.com');
    await user.type(within(dialog).getByRole('textbox', { name: /Full name/ }), 'Bob');
    await user.type(within(dialog).getByLabelText(/^Password/), 'weakpass');
    expect(within(dialog).getByText(/needs 8 to 128 characters/)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();
    await user.clear(within(dialog).getByLabelText(/^Password/));
    await user.type(within(dialog).getByLabelText(/^Password/), 'Str0ngPass');
    await user.type(within(dialog).getByLabelText(/^Confirm password/), 'Str0ngPass');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(core.requests.find((r) => r.method === 'POST')?.body).toEqual({
      username: 'bob',
      email: 'bob@example.com',
      realname: 'Bob',
      password: 'Str0ngPass',
    });
    expect(await screen.findByRole('row', { name: /bob@example.com/ })).toBeInTheDocument();
  });

  it('grants the administrator role and deletes a user after confirming', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<UsersPage />, core.handler);
    await user.click(await screen.findByRole('button', { name: 'Make alice a system administrator' }));
    await waitFor(() =>
      expect(
        within(screen.getByRole('row', { name: /alice/ })).getByText('System administrator'),
      ).toBeInTheDocument(),
    );
    expect(core.requests.find((r) => r.path === '/api/v2.0/users/2/sysadmin')?.body).toEqual({
      sysadmin_flag: true,
    });

    await user.click(screen.getByRole('button', { name: 'Delete user alice' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete user' });
    expect(dialog).toHaveTextContent('Delete the account “alice”?');
    await user.click(within(dialog).getByRole('button', { name: 'Delete user' }));
    await waitFor(() => expect(screen.queryByRole('row', { name: /alice/ })).not.toBeInTheDocument());
    expect(core.users.map((u) => u.username)).toEqual(['admin']);
  });

  it('does not offer to revoke, reset or delete your own account', async () => {
    renderWithProviders(<UsersPage />, fakeCore().handler);
    const me = await screen.findByRole('row', { name: /admin@example.com/ });
    expect(within(me).getByText('you')).toBeInTheDocument();
    expect(within(me).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete user alice' })).toBeInTheDocument();
  });
});
