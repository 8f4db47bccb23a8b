import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { ConfigurationTab, formToQuota, quotaToForm } from './configuration-tab';
import { pickOption, projectContext } from './test-context';

vi.setConfig({ testTimeout: 20_000 });

const GiB = 1024 ** 3;
const OWNER = ['project:read', 'project:update', 'configuration:read', 'configuration:update'];

interface Call {
  method: string;
  path: string;
  body: unknown;
}

function api(calls: Call[], systemPermissions: { resource: string; action: string }[]) {
  return async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === 'PUT' ? await request.json() : undefined;
    calls.push({ method: request.method, path: url.pathname, body });
    if (url.pathname === '/api/v2.0/system/CVEAllowlist')
      return json({ id: 1, project_id: 0, items: [{ cve_id: 'CVE-2021-44228' }], expires_at: 1924905600 });
    if (url.pathname === '/api/v2.0/projects/7/summary')
      return json({
        repo_count: 1,
        quota: { hard: { storage: 2 * GiB }, used: { storage: 512 * 1024 ** 2 } },
      });
    if (url.pathname === '/api/v2.0/users/current/permissions') {
      expect(url.searchParams.get('scope')).toBe('/system');
      return json(systemPermissions);
    }
    return new Response(null, { status: 200 });
  };
}

describe(ConfigurationTab.name, () => {
  it('shows the stored metadata and says which settings only take effect later', async () => {
    renderWithProviders(
      <ConfigurationTab
        {...projectContext(OWNER, { public: 'true', auto_scan: 'true', severity: 'high' })}
      />,
      api([], []),
    );
    expect(await screen.findByRole('checkbox', { name: /^Public/ })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Scan images automatically on push' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Allow only images signed with Cosign' })).not.toBeChecked();
    expect(screen.getByTestId('later-release')).toHaveTextContent(/later release/);
    expect(screen.getByText('Used: 512 MiB')).toBeInTheDocument();
    // Only system administrators change quotas.
    expect(screen.getByRole('textbox', { name: 'Storage quota' })).toBeDisabled();
    expect(screen.getByText('Only system administrators can change the quota.')).toBeInTheDocument();
  });

  it('saves the metadata with PUT, leaving the quota alone for a project admin', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<ConfigurationTab {...projectContext(OWNER)} />, api(calls, []));
    await user.click(await screen.findByRole('checkbox', { name: /^Public/ }));
    await user.click(screen.getByRole('checkbox', { name: 'Prevent vulnerable images from being pulled' }));
    await pickOption(
      user,
      screen.getByRole('combobox', { name: 'Lowest severity that blocks pulls' }),
      'Critical',
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')).toEqual({
      method: 'PUT',
      path: '/api/v2.0/projects/7',
      body: {
        metadata: {
          public: 'true',
          auto_scan: 'false',
          prevent_vul: 'true',
          reuse_sys_cve_allowlist: 'false',
          enable_content_trust_cosign: 'false',
          auto_sbom_generation: 'false',
          severity: 'critical',
        },
        cve_allowlist: { items: [], expires_at: null },
      },
    });
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
  });

  it('lets a system administrator change the quota', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(
      <ConfigurationTab {...projectContext(OWNER)} />,
      api(calls, [{ resource: 'quota', action: 'update' }]),
    );
    const quota = await screen.findByRole('textbox', { name: 'Storage quota' });
    expect(quota).toHaveValue('2');
    await user.clear(quota);
    await user.type(quota, '5');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')?.body).toMatchObject({ storage_limit: 5 * GiB });
  });

  it('is read-only without project:update', async () => {
    renderWithProviders(
      <ConfigurationTab {...projectContext(['project:read', 'configuration:read'])} />,
      api([], []),
    );
    expect(await screen.findByRole('checkbox', { name: /^Public/ })).toBeDisabled();
    expect(screen.getByText(/may view this project’s configuration but not change it/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
  });

  it('speaks Simplified Chinese', async () => {
    renderWithProviders(<ConfigurationTab {...projectContext(OWNER)} />, api([], []), 'zh-CN');
    expect(await screen.findByRole('checkbox', { name: /^公开/ })).toBeInTheDocument();
    expect(within(screen.getByTestId('later-release')).getByText(/后续版本/)).toBeInTheDocument();
  });
});

describe('project CVE allowlist', () => {
  const withAllowlist = (metadata: Record<string, string> = {}) => {
    const context = projectContext(OWNER, metadata);
    context.project.cve_allowlist = {
      id: 4,
      project_id: 7,
      items: [{ cve_id: 'CVE-2023-44487' }],
      update_time: '2026-11-20T10:00:00Z',
    };
    return context;
  };

  it('edits the project’s own list and expiry and saves them with the project', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<ConfigurationTab {...withAllowlist()} />, api(calls, []));
    const list = await screen.findByRole('table', { name: 'Project CVE allowlist' });
    expect(within(list).getByText('CVE-2023-44487')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Use this project’s own allowlist' })).toBeChecked();

    // Nothing typed: said so, nothing added.
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(screen.getByText(/Type at least one CVE ID/)).toBeInTheDocument();
    // Several at once, a repeat of one already listed dropped.
    await user.type(
      screen.getByRole('textbox', { name: 'CVE IDs to add' }),
      'cve-2024-3094, CVE-2023-44487{Shift>}{Enter}{/Shift}GHSA-jfh8-c2jp-5v3q',
    );
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(screen.getByText('Already listed: CVE-2023-44487')).toBeInTheDocument();
    expect(within(list).getAllByRole('row')).toHaveLength(4);
    await user.click(screen.getByRole('button', { name: 'Remove CVE-2023-44487' }));
    expect(within(list).queryByText('CVE-2023-44487')).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'On a date' }));
    // No day chosen yet: nothing to save.
    expect(screen.getByText('Choose the day the allowlist expires.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    // A date input takes its value whole (a date picker), not keystroke by keystroke.
    fireEvent.change(screen.getByLabelText(/Expiry date/), { target: { value: '2027-03-01' } });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')?.body).toMatchObject({
      metadata: { reuse_sys_cve_allowlist: 'false' },
      cve_allowlist: {
        items: [{ cve_id: 'CVE-2024-3094' }, { cve_id: 'GHSA-jfh8-c2jp-5v3q' }],
        // The end of that day in the user's time zone, as the system allowlist does it.
        expires_at: new Date(2027, 2, 1, 23, 59, 59).getTime() / 1000,
      },
    });
  });

  it('switches to the system allowlist, showing it read-only, and keeps the own list', async () => {
    const user = userEvent.setup();
    const calls: Call[] = [];
    renderWithProviders(<ConfigurationTab {...withAllowlist()} />, api(calls, []));
    await user.click(await screen.findByRole('radio', { name: 'Use the system allowlist' }));
    const system = await screen.findByRole('table', { name: 'System CVE allowlist' });
    expect(within(system).getByText('CVE-2021-44228')).toBeInTheDocument();
    expect(within(system).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'CVE IDs to add' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')?.body).toMatchObject({
      metadata: { reuse_sys_cve_allowlist: 'true' },
      cve_allowlist: { items: [{ cve_id: 'CVE-2023-44487' }], expires_at: null },
    });
  });

  it('shows the list without editing controls to a read-only member', async () => {
    const context = withAllowlist();
    renderWithProviders(
      <ConfigurationTab {...{ ...context, permissions: new Set(['project:read', 'configuration:read']) }} />,
      api([], []),
    );
    expect(await screen.findByText('CVE-2023-44487')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Use the system allowlist' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: /^Remove/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'CVE IDs to add' })).not.toBeInTheDocument();
  });
});

describe('quota form', () => {
  it('round-trips bytes through the readable unit', () => {
    expect(quotaToForm(-1)).toEqual({ amount: '', unit: 'GiB' });
    expect(quotaToForm(2 * GiB)).toEqual({ amount: 2, unit: 'GiB' });
    expect(quotaToForm(300 * 1024 ** 2)).toEqual({ amount: 300, unit: 'MiB' });
    expect(formToQuota('', 'GiB')).toBe(-1);
    expect(formToQuota(1.5, 'TiB')).toBe(1.5 * 1024 ** 4);
  });
});
