import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { CleanupPage } from './cleanup-page';

type Run = {
  id: number;
  job_name: string;
  job_kind: string;
  job_parameters: string;
  job_status: string;
  creation_time: string;
  update_time: string;
  progress?: { done: number; total: number | null; percent: number | null };
  /** The fake's: how many more reads of the history before the run finishes. */
  reads: number;
  results: Record<string, unknown>;
};

/**
 * A fake core with Harbor's `/system/gc` and `/system/purgeaudit`: a run started from the page is
 * Running for two reads of the history (40 %, then 80 %), then ends Success with its results in
 * `job_parameters`, as the real job does.
 */
function fakeCore() {
  const runs: Record<string, Run[]> = { gc: [], purgeaudit: [] };
  const schedules: Record<string, { schedule: unknown; parameters: unknown } | null> = {
    gc: null,
    purgeaudit: null,
  };
  const requests: { method: string; path: string; body: unknown }[] = [];
  let nextId = 5;
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname.replace('/api/v2.0', ''));
    const body = ['POST', 'PUT'].includes(request.method)
      ? await request.json().catch(() => undefined)
      : undefined;
    requests.push({ method: request.method, path, body });
    const match = /^\/system\/(gc|purgeaudit)(?:\/(schedule|\d+))?(\/log)?$/.exec(path);
    if (!match) return json({ errors: [{ code: 'NOT_FOUND', message: 'not found' }] }, { status: 404 });
    const [, kind, sub, log] = match as unknown as [string, 'gc' | 'purgeaudit', string?, string?];
    if (sub === 'schedule' && request.method === 'GET') {
      const stored = schedules[kind];
      return json(
        stored
          ? {
              id: 1,
              job_name: kind,
              job_kind: 'SCHEDULE',
              job_parameters: JSON.stringify(stored.parameters),
              schedule: { ...(stored.schedule as object), next_scheduled_time: '2026-12-08T03:00:00Z' },
            }
          : {},
      );
    }
    if (sub === 'schedule') {
      const { schedule, parameters } = body as { schedule: { type: string }; parameters: object };
      if (schedule.type === 'Manual') {
        const id = nextId++;
        const params = parameters as Record<string, unknown>;
        runs[kind]!.unshift({
          id,
          job_name: kind === 'gc' ? 'GARBAGE_COLLECTION' : 'PURGE_AUDIT_LOG',
          job_kind: 'MANUAL',
          job_parameters: JSON.stringify(params),
          job_status: 'Running',
          creation_time: '2026-12-07T22:00:00Z',
          update_time: '2026-12-07T22:00:00Z',
          reads: 2,
          results:
            kind === 'gc'
              ? { purged_blobs: 3, purged_manifests: 1, freed_space: 1572864 }
              : params.dry_run
                ? { would_purge: 17 }
                : { purged: 17 },
        });
        return new Response(null, { status: 201, headers: { Location: `/api/v2.0/system/${kind}/${id}` } });
      }
      if (request.method === 'POST' && schedules[kind])
        return json({ errors: [{ code: 'CONFLICT', message: 'exists' }] }, { status: 409 });
      schedules[kind] = schedule.type === 'None' ? null : { schedule, parameters };
      return new Response(null, { status: request.method === 'POST' ? 201 : 200 });
    }
    if (sub === undefined) {
      for (const run of runs[kind]!) {
        if (run.job_status !== 'Running') continue;
        if (run.reads === 0) {
          run.job_status = 'Success';
          run.progress = { done: 10, total: 10, percent: 100 };
          run.job_parameters = JSON.stringify({ ...JSON.parse(run.job_parameters), ...run.results });
        } else {
          run.progress = { done: 6 - 2 * run.reads, total: 5, percent: 120 - 40 * run.reads };
          run.reads -= 1;
        }
      }
      return json(
        runs[kind]!.map(({ reads: _reads, results: _results, ...run }) => run),
        { headers: { 'X-Total-Count': String(runs[kind]!.length) } },
      );
    }
    const run = runs[kind]!.find((candidate) => candidate.id === Number(sub));
    if (!run) return json({ errors: [{ code: 'NOT_FOUND', message: 'no run' }] }, { status: 404 });
    if (log)
      return new Response(`2026-12-07T22:00:00.000Z [INFO] run ${run.id}: ${run.job_status}\n`, {
        headers: { 'Content-Type': 'text/plain' },
      });
    if (request.method === 'PUT') {
      run.job_status = 'Stopped';
      return new Response(null, { status: 200 });
    }
    return json(run);
  };
  return { handler, requests, runs, schedules };
}

vi.setConfig({ testTimeout: 30_000 });

const posted = (core: ReturnType<typeof fakeCore>, path: string) =>
  core.requests
    .filter((r) => (r.method === 'POST' || r.method === 'PUT') && r.path === path)
    .map((r) => r.body);

describe(CleanupPage.name, () => {
  it('runs a GC with the settings, shows its progress, then the freed space and the log', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<CleanupPage />, core.handler);
    await screen.findByText('No runs yet.');
    await user.click(
      screen.getByRole('checkbox', { name: 'Allow garbage collection on untagged artifacts' }),
    );
    await user.click(screen.getByRole('combobox', { name: 'Workers' }));
    await user.click(await screen.findByRole('option', { name: '3', hidden: true }));
    await user.click(screen.getByRole('button', { name: 'GC now' }));

    expect(await screen.findByText('Run 5 started.')).toBeInTheDocument();
    expect(posted(core, '/system/gc/schedule')).toEqual([
      { schedule: { type: 'Manual' }, parameters: { delete_untagged: true, workers: 3, dry_run: false } },
    ]);
    const bar = await screen.findByRole('progressbar', { name: 'Progress of run 5' });
    const seen = new Set<string>();
    await waitFor(
      () => {
        const percent = screen.queryByTestId('gc-progress')?.getAttribute('data-percent');
        if (percent) seen.add(percent);
        expect(seen.has('80')).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(bar).toBeInTheDocument();
    // Finished: the current run goes away and the history has the results.
    await waitFor(() => expect(screen.queryByTestId('gc-current-run')).not.toBeInTheDocument(), {
      timeout: 10_000,
    });
    const row = screen.getByTestId('gc-history-row');
    expect(row).toHaveTextContent('Success');
    expect(row).toHaveTextContent('3 blobs, 1 manifests');
    expect(within(row).getByTestId('freed')).toHaveTextContent('1.50 MiB');

    await user.click(within(row).getByRole('button', { name: 'Log of run 5' }));
    const dialog = await screen.findByRole('dialog', { name: 'Log of run 5' });
    expect(await within(dialog).findByTestId('run-log')).toHaveTextContent('run 5: Success');
  });

  it('marks a dry run and what it would free', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<CleanupPage />, core.handler);
    await screen.findByText('No runs yet.');
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    await waitFor(() => expect(screen.getByTestId('gc-history-row')).toHaveTextContent('Success'), {
      timeout: 10_000,
    });
    const row = screen.getByTestId('gc-history-row');
    expect(row).toHaveTextContent('Yes');
    expect(within(row).getByTestId('freed')).toHaveTextContent('would free 1.50 MiB');
    expect(posted(core, '/system/gc/schedule')[0]).toMatchObject({ parameters: { dry_run: true } });
  });

  it('stops a running GC after confirming', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<CleanupPage />, core.handler);
    await screen.findByText('No runs yet.');
    // Slow enough to stop it.
    await user.click(screen.getByRole('button', { name: 'GC now' }));
    core.runs.gc![0]!.reads = 100;
    await user.click(await screen.findByRole('button', { name: 'Stop run 5' }));
    const dialog = await screen.findByRole('dialog', { name: 'Stop run' });
    await user.click(within(dialog).getByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(screen.getByTestId('gc-history-row')).toHaveTextContent('Stopped'));
    expect(core.requests.some((r) => r.method === 'PUT' && r.path === '/system/gc/5')).toBe(true);
    expect(screen.queryByTestId('gc-current-run')).not.toBeInTheDocument();
  });

  it('saves a custom schedule only with a valid cron, then replaces it with a preset', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<CleanupPage />, core.handler);
    expect(await screen.findByTestId('gc-schedule-current')).toHaveTextContent('Not scheduled.');
    await user.click(screen.getByRole('combobox', { name: 'Schedule' }));
    await user.click(await screen.findByRole('option', { name: 'Custom', hidden: true }));
    const cron = screen.getByRole('textbox', { name: 'Cron expression (UTC)' });
    await user.type(cron, '5 0 3 * * 1');
    expect(screen.getByText('Use six fields, seconds first, with the seconds 0.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save schedule' })).toBeDisabled();
    await user.clear(cron);
    await user.type(cron, '0 0 3 * * 1');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    await screen.findByText('Schedule saved.');
    expect(core.requests.filter((r) => r.path === '/system/gc/schedule' && r.method !== 'GET')).toEqual([
      {
        method: 'POST',
        path: '/system/gc/schedule',
        body: {
          schedule: { type: 'Custom', cron: '0 0 3 * * 1' },
          parameters: { delete_untagged: false, workers: 1 },
        },
      },
    ]);
    await waitFor(() => expect(screen.getByTestId('gc-schedule-current')).toHaveTextContent('Next run:'));

    await user.click(screen.getByRole('combobox', { name: 'Schedule' }));
    await user.click(await screen.findByRole('option', { name: 'Daily', hidden: true }));
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    await waitFor(() => expect(core.schedules.gc?.schedule).toEqual({ type: 'Daily', cron: '0 0 0 * * *' }));
    // It existed: replaced with PUT, not created again.
    const writes = core.requests.filter((r) => r.path === '/system/gc/schedule' && r.method !== 'GET');
    expect(writes.map((r) => r.method)).toEqual(['POST', 'PUT']);
  });

  it('purges the audit log with the retention and operations, dry and for real', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<CleanupPage />, core.handler);
    await user.click(await screen.findByRole('tab', { name: 'Log rotation' }));
    const retention = await screen.findByRole('textbox', { name: 'Keep records for' });
    await user.clear(retention);
    await user.type(retention, '2');
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    await waitFor(() => expect(screen.getByTestId('purgeaudit-history-row')).toHaveTextContent('Success'), {
      timeout: 10_000,
    });
    await user.click(screen.getByRole('button', { name: 'Purge now' }));
    await waitFor(
      () => {
        const rows = screen.getAllByTestId('purgeaudit-history-row');
        expect(rows).toHaveLength(2);
        expect(rows[0]).toHaveTextContent('Success');
      },
      { timeout: 10_000 },
    );
    expect(posted(core, '/system/purgeaudit/schedule')).toEqual([
      {
        schedule: { type: 'Manual' },
        parameters: { audit_retention_hour: 48, include_operations: 'create,delete,pull', dry_run: true },
      },
      {
        schedule: { type: 'Manual' },
        parameters: { audit_retention_hour: 48, include_operations: 'create,delete,pull', dry_run: false },
      },
    ]);
    const [real, dry] = screen.getAllByTestId('purgeaudit-history-row');
    expect(within(real!).getByTestId('purged')).toHaveTextContent('17');
    expect(real).toHaveTextContent('48 h');
    expect(dry).toHaveTextContent('Yes');
  });

  it('refuses a purge without operations or with a retention below one', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    renderWithProviders(<CleanupPage />, core.handler, 'zh-CN');
    await user.click(await screen.findByRole('tab', { name: '日志轮替' }));
    const retention = await screen.findByRole('textbox', { name: '日志保留时长' });
    await user.clear(retention);
    await user.type(retention, '0');
    expect(screen.getByText('请输入不小于 1 的整数。')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '立即清理' })).toBeDisabled();
    expect(core.requests.some((r) => r.method === 'POST')).toBe(false);
  });
});
