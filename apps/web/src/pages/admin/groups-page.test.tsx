import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { pickOption } from '../project/test-context';
import { GroupsPage } from './groups-page';

interface FakeGroup {
  id: number;
  group_name: string;
  group_type: number;
  members: { user_id: number; username: string }[];
}

const USERS = [
  { user_id: 2, username: 'alice' },
  { user_id: 3, username: 'bob' },
];

/** A fake core with groups and their members; listing honours group_name and paging like the real one. */
function fakeCore() {
  const groups: FakeGroup[] = [
    { id: 1, group_name: 'ops', group_type: 2, members: [{ user_id: 2, username: 'alice' }] },
    { id: 2, group_name: 'qa', group_type: 2, members: [] },
  ];
  const requests: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'DELETE' ? undefined : await request.json();
    requests.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    const path = url.pathname.replace('/api/v2.0', '');
    if (path === '/usergroups' && request.method === 'GET') {
      const name = url.searchParams.get('group_name') ?? '';
      const size = Number(url.searchParams.get('page_size'));
      const page = Number(url.searchParams.get('page'));
      const matching = groups.filter((g) => g.group_name.includes(name));
      return json(
        matching.slice((page - 1) * size, page * size).map(({ members: _, ...group }) => group),
        { headers: { 'X-Total-Count': String(matching.length) } },
      );
    }
    if (path === '/usergroups' && request.method === 'POST') {
      const { group_name } = body as { group_name: string };
      if (groups.some((g) => g.group_name === group_name))
        return json(
          { errors: [{ code: 'CONFLICT', message: `group ${group_name} exists` }] },
          { status: 409 },
        );
      groups.push({ id: groups.length + 1, group_name, group_type: 2, members: [] });
      return new Response(null, { status: 201, headers: { 'Content-Length': '0' } });
    }
    if (path === '/users/search') {
      const username = url.searchParams.get('username') ?? '';
      return json(USERS.filter((u) => u.username.includes(username)));
    }
    const one = /^\/usergroups\/(\d+)(\/members(?:\/(\d+))?)?$/.exec(path);
    const group = one ? groups.find((g) => g.id === Number(one[1])) : undefined;
    if (one && group) {
      if (!one[2] && request.method === 'PUT') {
        group.group_name = (body as { group_name: string }).group_name;
        return new Response(null, { status: 200, headers: { 'Content-Length': '0' } });
      }
      if (!one[2] && request.method === 'DELETE') {
        groups.splice(groups.indexOf(group), 1);
        return new Response(null, { status: 200, headers: { 'Content-Length': '0' } });
      }
      if (one[2] && !one[3] && request.method === 'GET')
        return json(group.members, { headers: { 'X-Total-Count': String(group.members.length) } });
      if (one[2] && request.method === 'POST') {
        const found = USERS.find((u) => u.username === (body as { username: string }).username);
        if (!found)
          return json({ errors: [{ code: 'NOT_FOUND', message: 'no such user' }] }, { status: 404 });
        group.members.push(found);
        return new Response(null, { status: 201, headers: { 'Content-Length': '0' } });
      }
      if (one[3] && request.method === 'DELETE') {
        group.members = group.members.filter((m) => m.user_id !== Number(one[3]));
        return new Response(null, { status: 200, headers: { 'Content-Length': '0' } });
      }
    }
    return json({ errors: [{ code: 'NOT_FOUND', message: 'not found' }] }, { status: 404 });
  };
  return { handler, groups, requests };
}

// Dialogs with typing take longer than the default 5 s on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

describe(GroupsPage.name, () => {
  it('lists groups a page at a time and filters by name on the server', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<GroupsPage />, core.handler);
    expect(await screen.findAllByTestId('group-row')).toHaveLength(2);
    expect(core.requests[0]!.query.get('page_size')).toBe('15');
    await user.type(screen.getByRole('textbox', { name: 'Search' }), 'op');
    await waitFor(() => expect(screen.getAllByTestId('group-row')).toHaveLength(1));
    expect(screen.getByTestId('group-row')).toHaveTextContent('ops');
    expect(core.requests.at(-1)!.query.get('group_name')).toBe('op');
  });

  it('creates a group, says why a taken name fails, and renames one', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<GroupsPage />, core.handler);
    await user.click(await screen.findByRole('button', { name: 'New group' }));
    let dialog = await screen.findByRole('dialog', { name: 'New user group' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'ops');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('group ops exists');
    await user.clear(within(dialog).getByRole('textbox', { name: /^Name/ }));
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'devs');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getAllByTestId('group-row')).toHaveLength(3));
    expect(core.requests.find((r) => r.method === 'POST')?.body).toEqual({
      group_name: 'ops',
      group_type: 2,
    });

    await user.click(screen.getByRole('button', { name: 'Rename qa' }));
    dialog = await screen.findByRole('dialog', { name: 'Rename qa' });
    const name = within(dialog).getByRole('textbox', { name: /^Name/ });
    await user.clear(name);
    await user.type(name, 'quality');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await screen.findByText('quality');
    expect(core.groups.map((g) => g.group_name)).toEqual(['ops', 'quality', 'devs']);
  });

  it('deletes a group only after confirmation', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<GroupsPage />, core.handler);
    await user.click(await screen.findByRole('button', { name: 'Delete qa' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete user group' });
    expect(confirm).toHaveTextContent(/leaves every project/);
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(core.requests.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Delete qa' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Delete user group' })).getByRole('button', {
        name: 'Delete',
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId('group-row')).toHaveLength(1));
    expect(core.requests.find((r) => r.method === 'DELETE')?.path).toBe('/api/v2.0/usergroups/2');
  });

  it('adds a user found by search to a group and removes one after confirmation', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<GroupsPage />, core.handler);
    await user.click(await screen.findByRole('button', { name: 'Users of ops' }));
    const dialog = await screen.findByRole('dialog', { name: 'Users in ops' });
    expect(await within(dialog).findAllByTestId('group-member-row')).toHaveLength(1);

    const username = within(dialog).getByRole('combobox', { name: 'Add a user' });
    await user.type(username, 'bo');
    await pickOption(user, username, 'bob');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(within(dialog).getAllByTestId('group-member-row')).toHaveLength(2));
    expect(core.requests.find((r) => r.method === 'POST')).toMatchObject({
      path: '/api/v2.0/usergroups/1/members',
      body: { username: 'bob' },
    });

    await user.click(within(dialog).getByRole('button', { name: 'Remove alice from the group' }));
    const confirm = await screen.findByRole('dialog', { name: 'Remove from group' });
    expect(confirm).toHaveTextContent('Remove alice from ops?');
    expect(core.requests.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(within(confirm).getByRole('button', { name: 'Remove' }));
    const members = await screen.findByRole('dialog', { name: 'Users in ops' });
    await waitFor(() => expect(within(members).getAllByTestId('group-member-row')).toHaveLength(1));
    expect(within(members).getByTestId('group-member-row')).toHaveTextContent('bob');
    expect(core.requests.find((r) => r.method === 'DELETE')?.path).toBe('/api/v2.0/usergroups/1/members/2');
  });

  it('says when no account has the typed name', async () => {
    const user = userEvent.setup();
    renderWithProviders(<GroupsPage />, fakeCore().handler);
    await user.click(await screen.findByRole('button', { name: 'Users of qa' }));
    const dialog = await screen.findByRole('dialog', { name: 'Users in qa' });
    expect(await within(dialog).findByText(/Nobody is in this group yet/)).toBeInTheDocument();
    await user.type(within(dialog).getByRole('combobox', { name: 'Add a user' }), 'zed');
    expect(await within(dialog).findByText(/No user with that name/)).toBeInTheDocument();
  });
});
