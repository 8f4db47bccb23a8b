import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { JobServicePage } from './job-service-page';

const POOL = 'pool-7f3a';

/** A fake core whose queues, workers and schedules change with the actions, as the real one's do. */
function fakeCore() {
  const queues = [
    { job_type: 'GARBAGE_COLLECTION', count: 2, latency: 41, paused: false },
    { job_type: 'PURGE_AUDIT_LOG', count: 0, latency: 0, paused: false },
  ];
  let schedulesPaused = false;
  const requests: { method: string; path: string; body: unknown }[] = [];
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname.replace('/api/v2.0', ''));
    const body = request.method === 'PUT' ? await request.json().catch(() => undefined) : undefined;
    requests.push({ method: request.method, path, body });
    if (path === '/jobservice/queues') return json(queues);
    const queue = /^\/jobservice\/queues\/(.+)$/.exec(path);
    if (queue && request.method === 'PUT') {
      const action = (body as { action: string }).action;
      if (queue[1] === 'SCHEDULER') schedulesPaused = action === 'pause';
      for (const q of queues)
        if (queue[1] === 'all' || q.job_type === queue[1]) {
          if (action === 'stop') q.count = 0;
          else q.paused = action === 'pause';
        }
      return new Response(null, { status: 200 });
    }
    if (path === '/jobservice/pools')
      return json([
        {
          pid: 4242,
          worker_pool_id: POOL,
          start_at: '2026-12-07T10:00:00Z',
          heartbeat_at: '2026-12-07T10:05:00Z',
          concurrency: 2,
          host: 'worker-1',
        },
      ]);
    if (path === `/jobservice/pools/all/workers`)
      return json([
        {
          id: `${POOL}:0`,
          pool_id: POOL,
          job_name: 'GARBAGE_COLLECTION',
          job_id: 'task:12',
          start_at: '2026-12-07T10:04:00Z',
          check_in: 'sweeping blobs',
          checkin_at: '2026-12-07T10:04:30Z',
        },
        { id: `${POOL}:1`, pool_id: POOL, job_name: '', job_id: '', check_in: '' },
      ]);
    if (path === '/jobservice/jobs/task:12/log')
      return new Response('2026-12-07T10:04:00.000Z [INFO] marking blobs\n', {
        headers: { 'Content-Type': 'text/plain' },
      });
    if (path === '/schedules')
      return json(
        [
          {
            id: 3,
            vendor_type: 'GARBAGE_COLLECTION',
            vendor_id: -1,
            cron: '0 0 0 * * *',
            update_time: '2026-12-01T00:00:00Z',
          },
        ],
        { headers: { 'X-Total-Count': '1' } },
      );
    if (path === '/schedules/all/paused') return json({ paused: schedulesPaused });
    return json({ errors: [{ code: 'NOT_FOUND', message: 'not found' }] }, { status: 404 });
  };
  return { handler, requests, queues };
}

vi.setConfig({ testTimeout: 20_000 });

describe(JobServicePage.name, () => {
  it('lists the queues and pauses and resumes one only after confirming', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<JobServicePage refreshMs={false} />, core.handler);
    const gcRow = (await screen.findAllByTestId('queue-row')).find((row) =>
      row.textContent?.includes('GARBAGE_COLLECTION'),
    )!;
    expect(gcRow).toHaveTextContent('41 s');
    expect(gcRow).toHaveTextContent('Running');

    await user.click(screen.getByRole('button', { name: 'Pause queue GARBAGE_COLLECTION' }));
    const dialog = await screen.findByRole('dialog', { name: 'Pause job queue' });
    expect(dialog).toHaveTextContent('Pause GARBAGE_COLLECTION?');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(core.requests.some((r) => r.method === 'PUT')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Pause queue GARBAGE_COLLECTION' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Pause job queue' })).getByRole('button', {
        name: 'Pause',
      }),
    );
    await screen.findByRole('button', { name: 'Resume queue GARBAGE_COLLECTION' });
    expect(core.requests.filter((r) => r.method === 'PUT')).toEqual([
      { method: 'PUT', path: '/jobservice/queues/GARBAGE_COLLECTION', body: { action: 'pause' } },
    ]);
    expect(core.queues[0]!.paused).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Resume queue GARBAGE_COLLECTION' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Resume job queue' })).getByRole('button', {
        name: 'Resume',
      }),
    );
    await screen.findByRole('button', { name: 'Pause queue GARBAGE_COLLECTION' });
    expect(core.queues[0]!.paused).toBe(false);
  });

  it('stops every job type with `all` after a warning', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<JobServicePage refreshMs={false} />, core.handler);
    await screen.findAllByTestId('queue-row');
    await user.click(screen.getByRole('button', { name: 'Stop all' }));
    const dialog = await screen.findByRole('dialog', { name: 'Stop jobs' });
    expect(dialog).toHaveTextContent('every job type');
    expect(dialog).toHaveTextContent('cannot be undone');
    await user.click(within(dialog).getByRole('button', { name: 'Stop' }));
    await waitFor(() =>
      expect(core.requests.find((r) => r.method === 'PUT')).toEqual({
        method: 'PUT',
        path: '/jobservice/queues/all',
        body: { action: 'stop' },
      }),
    );
  });

  it('shows the pools, the busy worker with its job and start time, and the job log', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<JobServicePage refreshMs={false} />, core.handler);
    const pool = await screen.findByTestId('pool-row');
    expect(pool).toHaveTextContent(POOL);
    expect(pool).toHaveTextContent('4242');
    expect(pool).toHaveTextContent('worker-1');
    const [busy, idle] = await screen.findAllByTestId('worker-row');
    expect(busy).toHaveTextContent('GARBAGE_COLLECTION');
    expect(busy).toHaveTextContent('task:12');
    expect(busy).toHaveTextContent('sweeping blobs');
    expect(busy).toHaveTextContent('2026');
    expect(idle).toHaveTextContent('idle');

    await user.click(screen.getByRole('button', { name: 'Log of job task:12' }));
    const dialog = await screen.findByRole('dialog', { name: 'Log of job task:12' });
    expect(await within(dialog).findByTestId('job-log')).toHaveTextContent('[INFO] marking blobs');
  });

  it('lists the schedules and pauses them all through the scheduler queue', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<JobServicePage refreshMs={false} />, core.handler);
    const row = await screen.findByTestId('schedule-row');
    expect(row).toHaveTextContent('0 0 0 * * *');
    expect(await screen.findByTestId('schedules-status')).toHaveTextContent('Schedules are running.');

    await user.click(screen.getByRole('button', { name: 'Pause all schedules' }));
    const dialog = await screen.findByRole('dialog', { name: 'Pause all schedules' });
    await user.click(within(dialog).getByRole('button', { name: 'Pause all schedules' }));
    await waitFor(() =>
      expect(screen.getByTestId('schedules-status')).toHaveTextContent('All schedules are paused.'),
    );
    expect(core.requests.find((r) => r.method === 'PUT')).toEqual({
      method: 'PUT',
      path: '/jobservice/queues/SCHEDULER',
      body: { action: 'pause' },
    });
    expect(screen.getByRole('button', { name: 'Resume all schedules' })).toBeInTheDocument();
  });

  it('reads in Chinese', async () => {
    const core = fakeCore();
    renderWithProviders(<JobServicePage refreshMs={false} />, core.handler, 'zh-CN');
    await screen.findAllByTestId('queue-row');
    expect(screen.getByRole('table', { name: '任务队列' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '暂停队列 GARBAGE_COLLECTION' })).toBeInTheDocument();
  });
});
