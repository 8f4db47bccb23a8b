import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { MembersTab } from './members-tab';
import { pickOption, projectContext } from './test-context';

const ADMIN = ['member:list', 'member:create', 'member:update', 'member:delete'];
const members = [
  { id: 11, entity_name: 'alice', entity_type: 'u', role_id: 1, role_name: 'projectAdmin' },
  { id: 12, entity_name: 'bob', entity_type: 'u', role_id: 3, role_name: 'guest' },
  { id: 13, entity_name: 'ops', entity_type: 'g', role_id: 2, role_name: 'developer' },
];

interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

function api(calls: Call[]) {
  return async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'DELETE' ? undefined : await request.json();
    calls.push({ method: request.method, path: url.pathname, search: url.searchParams, body });
    if (url.pathname === '/api/v2.0/usergroups/search') return json([{ id: 3, group_name: 'ops-team' }]);
    if (url.pathname === '/api/v2.0/users/search') return json([{ user_id: 5, username: 'carol' }]);
    if (url.pathname === '/api/v2.0/projects/7/members' && request.method === 'GET')
      return json(members, { headers: { 'X-Total-Count': '3' } });
    if (request.method === 'POST') return new Response(null, { status: 201 });
    return new Response(null, { status: 200 });
  };
}

describe(MembersTab.name, () => {
  it('lists members with their roles and types, paged on the server', async () => {
    const calls: Call[] = [];
    renderWithProviders(<MembersTab {...projectContext(ADMIN)} />, api(calls));
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(screen.getAllByTestId('member-row')).toHaveLength(3);
    expect(screen.getByRole('combobox', { name: 'Role of bob' })).toHaveValue('Guest');
    expect(within(screen.getAllByTestId('member-row')[2]!).getByText('Group')).toBeInTheDocument();
    expect(screen.getByText('3 in total')).toBeInTheDocument();
    expect(calls[0]!.search.get('page_size')).toBe('10');
  });

  it('filters by name on the server', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<MembersTab {...projectContext(ADMIN)} />, api(calls));
    await screen.findByText('alice');
    await user.type(screen.getByRole('textbox', { name: 'Search' }), 'bo');
    await waitFor(() => expect(calls.some((c) => c.search.get('entityname') === 'bo')).toBe(true));
  });

  it('adds a user found by /users/search with the chosen role', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<MembersTab {...projectContext(ADMIN)} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'Add member' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a member' });
    const username = within(dialog).getByRole('combobox', { name: /^User/ });
    await user.type(username, 'car');
    await pickOption(user, username, 'carol');
    await pickOption(user, within(dialog).getByRole('combobox', { name: 'Role' }), 'Maintainer');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.path === '/api/v2.0/users/search')?.search.get('username')).toBe('car');
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      path: '/api/v2.0/projects/7/members',
      body: { role_id: 4, member_user: { username: 'carol' } },
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('adds a user group found by /usergroups/search', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<MembersTab {...projectContext(ADMIN)} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'Add member' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a member' });
    await user.click(within(dialog).getByRole('radio', { name: 'Group' }));
    const groupname = within(dialog).getByRole('combobox', { name: /^User group/ });
    await user.type(groupname, 'ops');
    await pickOption(user, groupname, 'ops-team');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.path === '/api/v2.0/usergroups/search')?.search.get('groupname')).toBe('ops');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      role_id: 2,
      member_group: { group_name: 'ops-team' },
    });
  });

  it('changes a role', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<MembersTab {...projectContext(ADMIN)} />, api(calls));
    await pickOption(user, await screen.findByRole('combobox', { name: 'Role of bob' }), 'Developer');
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({
      path: '/api/v2.0/projects/7/members/12',
      body: { role_id: 2 },
    });
  });

  it('removes a member only after confirmation', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<MembersTab {...projectContext(ADMIN)} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'Remove bob from the project' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove member' });
    expect(dialog).toHaveTextContent('Remove bob from project demo?');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Remove bob from the project' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Remove member' })).getByRole('button', {
        name: 'Remove',
      }),
    );
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
    expect(calls.find((c) => c.method === 'DELETE')?.path).toBe('/api/v2.0/projects/7/members/12');
  });

  it('shows roles read-only and no add or remove controls to a guest', async () => {
    renderWithProviders(<MembersTab {...projectContext(['member:list', 'member:read'])} />, api([]));
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(screen.getByText('Project admin')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add member' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: /Role of/ })).not.toBeInTheDocument();
  });
});
