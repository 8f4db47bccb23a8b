import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { projectContext } from './test-context';
import { WebhooksTab } from './webhooks-tab';

const ADMIN = [
  'notification-policy:list',
  'notification-policy:read',
  'notification-policy:create',
  'notification-policy:update',
  'notification-policy:delete',
];
const time = '2026-12-07T10:00:00Z';
const policy = {
  id: 4,
  name: 'ci',
  description: 'tells CI',
  project_id: 7,
  targets: [
    {
      type: 'http',
      address: 'https://ci.example.com/hook',
      auth_header: 'Bearer x',
      skip_cert_verify: false,
      payload_format: 'CloudEvents',
    },
  ],
  event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
  creator: 'admin',
  creation_time: time,
  update_time: time,
  enabled: true,
};
const SECRET = 'ab'.repeat(32);

interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

function api(calls: Call[], options: { saveError?: string } = {}) {
  return async (request: Request) => {
    const url = new URL(request.url);
    const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
    calls.push({
      method: request.method,
      path: url.pathname,
      search: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
    });
    const path = url.pathname.replace('/api/v2.0/projects/7/webhook', '');
    if (request.method === 'GET') {
      if (path === '/policies') return json([policy], { headers: { 'X-Total-Count': '1' } });
      if (path === '/events')
        return json({
          event_type: ['PUSH_ARTIFACT', 'PULL_ARTIFACT', 'DELETE_ARTIFACT'],
          notify_type: ['http', 'slack'],
          payload_formats: [
            { notify_type: 'http', formats: ['Default', 'CloudEvents'] },
            { notify_type: 'slack', formats: ['Default'] },
          ],
        });
      if (path === '/lasttrigger')
        return json([
          {
            policy_name: 'ci',
            event_type: 'PUSH_ARTIFACT',
            enabled: true,
            creation_time: time,
            last_trigger_time: '2026-12-07T11:00:00Z',
          },
        ]);
      if (path === '/policies/4/executions')
        return json(
          [
            {
              id: 30,
              vendor_type: 'WEBHOOK',
              vendor_id: 4,
              status: 'Error',
              status_message: '',
              metrics: {},
              trigger: 'EVENT',
              extra_attrs: { event_type: 'PUSH_ARTIFACT' },
              start_time: time,
              end_time: '2026-12-07T10:00:02Z',
            },
          ],
          { headers: { 'X-Total-Count': '1' } },
        );
      if (path === '/policies/4/executions/30/tasks')
        return json([
          {
            id: 31,
            execution_id: 30,
            status: 'Error',
            status_message: 'HTTP 500',
            run_count: 3,
            extra_attrs: {},
            creation_time: time,
            update_time: time,
            start_time: time,
            end_time: time,
          },
        ]);
      if (path === '/policies/4/executions/30/tasks/31/log')
        return new Response('attempt 3: HTTP 500\nrun 3 failed: HTTP 500\n', {
          headers: { 'Content-Type': 'text/plain' },
        });
    }
    if (options.saveError && (request.method === 'POST' || request.method === 'PUT'))
      return json({ errors: [{ code: 'BAD_REQUEST', message: options.saveError }] }, { status: 400 });
    if (request.method === 'POST' && path === '/policies/4/secret') return json({ secret: 'cd'.repeat(32) });
    if (request.method === 'POST')
      return new Response(null, {
        status: 201,
        headers: { Location: '/api/v2.0/projects/7/webhook/policies/5', 'X-Berth-Webhook-Secret': SECRET },
      });
    return new Response(null, { status: 200 });
  };
}

describe(WebhooksTab.name, () => {
  it('lists policies with their state, events, endpoint and last trigger, and the last triggers', async () => {
    renderWithProviders(<WebhooksTab {...projectContext(ADMIN)} />, api([]));
    const row = await screen.findByTestId('webhook-row');
    expect(row).toHaveTextContent('ci');
    expect(row).toHaveTextContent('Enabled');
    expect(row).toHaveTextContent('Artifact pushed, Artifact deleted');
    expect(row).toHaveTextContent('https://ci.example.com/hook');
    expect(row).toHaveTextContent('http · CloudEvents');
    await waitFor(() => expect(row).toHaveTextContent('Dec 7, 2026'));
    expect(await screen.findByTestId('last-trigger')).toHaveTextContent('Artifact pushed');
  });

  // Many fields to fill: slower than the default 5 s on a busy machine.
  it('creates a policy and shows its signing secret once', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<WebhooksTab {...projectContext(ADMIN)} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'New webhook' }));
    const dialog = await screen.findByRole('dialog', { name: 'New webhook' });
    await user.click(within(dialog).getByRole('textbox', { name: /^Name/ }));
    await user.paste('audit');
    await user.click(await within(dialog).findByRole('checkbox', { name: 'Artifact pulled' }));
    await user.click(within(dialog).getByRole('radio', { name: 'CloudEvents' }));
    await user.click(within(dialog).getByRole('textbox', { name: /^Endpoint URL/ }));
    await user.paste('https://audit.example.com/in');
    await user.click(within(dialog).getByRole('textbox', { name: /^Auth header/ }));
    await user.paste('Bearer t');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Verify the remote certificate' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      path: '/api/v2.0/projects/7/webhook/policies',
      body: {
        name: 'audit',
        enabled: true,
        event_types: ['PULL_ARTIFACT'],
        targets: [
          {
            type: 'http',
            address: 'https://audit.example.com/in',
            auth_header: 'Bearer t',
            skip_cert_verify: true,
            payload_format: 'CloudEvents',
          },
        ],
      },
    });
    const secret = await screen.findByRole('dialog', { name: 'Signing secret of audit' });
    expect(within(secret).getByTestId('webhook-secret')).toHaveValue(SECRET);
    await user.click(within(secret).getByRole('button', { name: 'I have copied the secret' }));
    await waitFor(() => expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument());
  });

  it('shows the API’s refusal in the dialog', async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <WebhooksTab {...projectContext(ADMIN)} />,
      api([], { saveError: 'the address is not allowed' }),
    );
    await user.click(await screen.findByRole('button', { name: 'Edit webhook ci' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit webhook' });
    expect(within(dialog).getByRole('textbox', { name: /^Endpoint URL/ })).toHaveValue(
      'https://ci.example.com/hook',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The webhook could not be saved: the address is not allowed',
    );
  });

  it('replaces the signing secret after confirmation and shows the new one once', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<WebhooksTab {...projectContext(ADMIN)} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'New secret for ci' }));
    const confirm = await screen.findByRole('dialog', { name: 'Replace the signing secret' });
    await user.click(within(confirm).getByRole('button', { name: 'New secret' }));
    const secret = await screen.findByRole('dialog', { name: 'Signing secret of ci' });
    expect(within(secret).getByTestId('webhook-secret')).toHaveValue('cd'.repeat(32));
    expect(calls.find((c) => c.method === 'POST')?.path).toBe(
      '/api/v2.0/projects/7/webhook/policies/4/secret',
    );
  });

  it('keeps the targets the console does not edit', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    const second = { type: 'slack', address: 'https://hooks.slack.com/x', skip_cert_verify: false };
    const handler = api(calls);
    renderWithProviders(<WebhooksTab {...projectContext(ADMIN)} />, async (request) =>
      request.method === 'GET' && new URL(request.url).pathname.endsWith('/webhook/policies')
        ? json([{ ...policy, targets: [...policy.targets, second] }], { headers: { 'X-Total-Count': '1' } })
        : handler(request),
    );
    await user.click(await screen.findByRole('button', { name: 'Edit webhook ci' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit webhook' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect((calls.find((c) => c.method === 'PUT')?.body as { targets: unknown[] }).targets).toEqual([
      {
        type: 'http',
        address: 'https://ci.example.com/hook',
        auth_header: 'Bearer x',
        skip_cert_verify: false,
        payload_format: 'CloudEvents',
      },
      second,
    ]);
  });

  it('disables and deletes a policy', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<WebhooksTab {...projectContext(ADMIN)} />, api(calls));
    await user.click(await screen.findByRole('button', { name: 'Disable webhook ci' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({
      path: '/api/v2.0/projects/7/webhook/policies/4',
      body: { id: 4, name: 'ci', enabled: false },
    });
    await user.click(screen.getByRole('button', { name: 'Delete webhook ci' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete the webhook' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'DELETE')?.path).toBe('/api/v2.0/projects/7/webhook/policies/4'),
    );
  });

  it('shows a policy’s deliveries, their tasks and a task’s log', async () => {
    const user = userEvent.setup();
    renderWithProviders(<WebhooksTab {...projectContext(ADMIN)} />, api([]));
    await user.click(await screen.findByRole('button', { name: 'Show the deliveries of ci' }));
    const delivery = await screen.findByTestId('webhook-delivery');
    expect(delivery).toHaveTextContent('Artifact pushed');
    expect(delivery).toHaveTextContent('Failed');
    await user.click(within(delivery).getByRole('button', { name: 'Show the tasks of delivery 30' }));
    const task = await screen.findByTestId('webhook-task');
    expect(task).toHaveTextContent('HTTP 500');
    expect(task).toHaveTextContent('3');
    await user.click(within(task).getByRole('button', { name: 'Show the log of task 31' }));
    expect(await screen.findByTestId('task-log')).toHaveTextContent('run 3 failed: HTTP 500');
  });

  it('shows a maintainer the list without edit actions, deliveries or last triggers', async () => {
    const calls: Call[] = [];
    renderWithProviders(<WebhooksTab {...projectContext(['notification-policy:list'])} />, api(calls));
    await screen.findByTestId('webhook-row');
    expect(screen.queryByRole('button', { name: 'New webhook' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /webhook ci$/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show the deliveries of ci' })).not.toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith('/lasttrigger'))).toBe(false);
  });

  it('speaks Chinese', async () => {
    renderWithProviders(<WebhooksTab {...projectContext(ADMIN)} />, api([]), 'zh-CN');
    const row = await screen.findByTestId('webhook-row');
    expect(row).toHaveTextContent('推送制品');
    expect(screen.getByRole('button', { name: '新建 Webhook' })).toBeInTheDocument();
  });
});
