import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { ArtifactsTab } from './artifacts-tab';
import { pickOption, projectContext } from './test-context';

vi.setConfig({ testTimeout: 20_000 });

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

const IMAGE = {
  id: 1,
  type: 'IMAGE',
  digest: digest(1),
  repository_name: 'demo/team/app',
  size: 2048,
  push_time: '2026-11-22T07:00:00Z',
  media_type: 'application/vnd.oci.image.config.v1+json',
  manifest_media_type: 'application/vnd.oci.image.manifest.v1+json',
  tags: [{ id: 1, name: 'v1.2' }],
  labels: [{ id: 31, name: 'stable', color: '#1D5100', scope: 'p', project_id: 7 }],
};
const CHART = {
  id: 2,
  type: 'CHART',
  digest: digest(2),
  repository_name: 'demo/charts/web',
  size: 4096,
  push_time: '2026-11-21T07:00:00Z',
  media_type: 'application/vnd.cncf.helm.config.v1+json',
  manifest_media_type: 'application/vnd.oci.image.manifest.v1+json',
  tags: [],
  labels: [],
};

/** A fake core answering the project-wide list from its query; records each list request. */
function api(asked: URLSearchParams[]) {
  return (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname === '/api/v2.0/labels') {
      return json(
        url.searchParams.get('scope') === 'g'
          ? [{ id: 5, name: 'global-ok', color: '#0958D9', scope: 'g' }]
          : [{ id: 31, name: 'stable', color: '#1D5100', scope: 'p', project_id: 7 }],
      );
    }
    if (url.pathname === '/api/v2.0/projects/demo/artifacts') {
      expect(request.headers.get('X-Is-Resource-Name')).toBe('true');
      asked.push(url.searchParams);
      const q = url.searchParams.get('q') ?? '';
      const items = q.includes('type=CHART') ? [CHART] : q.includes('tags=~nothing') ? [] : [IMAGE, CHART];
      return json(items, { headers: { 'X-Total-Count': String(items.length === 2 ? 32 : items.length) } });
    }
    return json({ errors: [{ code: 'NOT_FOUND', message: url.pathname }] }, { status: 404 });
  };
}

describe(ArtifactsTab.name, () => {
  it('lists every repository’s artifacts, newest push first, linking to repositories and details', async () => {
    const asked: URLSearchParams[] = [];
    renderWithProviders(<ArtifactsTab {...projectContext(['artifact:list'])} />, api(asked));
    const table = await screen.findByRole('table', { name: 'Artifacts of demo' });
    const rows = within(table).getAllByTestId('project-artifact-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByRole('link', { name: 'team/app' })).toHaveAttribute(
      'href',
      '/projects/7/repositories/team/app',
    );
    expect(
      within(rows[0]!).getByRole('link', { name: `Open artifact team/app@sha256:${'1'.repeat(12)}` }),
    ).toHaveAttribute('href', `/projects/7/repositories/team/app/-/artifacts/${digest(1)}`);
    expect(within(rows[0]!).getByText('v1.2')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('stable')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('untagged')).toBeInTheDocument();
    // Paged on the server: 32 in all, 15 a page.
    expect(screen.getByText(/32/)).toBeInTheDocument();
    expect(asked[0]!.get('sort')).toBe('-push_time');
    expect(asked[0]!.get('page')).toBe('1');
    expect(asked[0]!.get('page_size')).toBe('15');
    expect(asked[0]!.get('with_tag')).toBe('true');
    expect(asked[0]!.get('with_label')).toBe('true');
    expect(asked[0]!.has('q')).toBe(false);
  });

  it('filters by type, tag and label and orders by push time on the server', async () => {
    const user = userEvent.setup();
    const asked: URLSearchParams[] = [];
    renderWithProviders(<ArtifactsTab {...projectContext(['artifact:list'])} />, api(asked));
    await screen.findByRole('table', { name: 'Artifacts of demo' });

    await pickOption(user, screen.getByRole('combobox', { name: 'Type' }), 'Helm charts');
    await waitFor(() => expect(screen.getAllByTestId('project-artifact-row')).toHaveLength(1));
    expect(asked.at(-1)!.get('q')).toBe('type=CHART');

    await user.type(screen.getByRole('textbox', { name: 'Tag contains' }), 'v1');
    await waitFor(() => expect(asked.at(-1)!.get('q')).toBe('type=CHART,tags=~v1'));

    await pickOption(user, screen.getByRole('combobox', { name: 'Label' }), 'global-ok');
    await waitFor(() => expect(asked.at(-1)!.get('q')).toBe('type=CHART,tags=~v1,labels=(5)'));

    await pickOption(user, screen.getByRole('combobox', { name: 'Order' }), 'Oldest push first');
    await waitFor(() => expect(asked.at(-1)!.get('sort')).toBe('push_time'));

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(asked.at(-1)!.has('q')).toBe(false));
  });

  it('asks for the newest artifact per repository of one media type', async () => {
    const user = userEvent.setup();
    const asked: URLSearchParams[] = [];
    renderWithProviders(<ArtifactsTab {...projectContext(['artifact:list'])} />, api(asked));
    await screen.findByRole('table', { name: 'Artifacts of demo' });
    await user.click(screen.getByRole('switch', { name: 'Only the newest per repository' }));
    await waitFor(() => expect(asked.at(-1)!.get('latest_in_repository')).toBe('true'));
    expect(asked.at(-1)!.get('q')).toBe('media_type=application/vnd.oci.image.config.v1+json');
    await pickOption(user, screen.getByRole('combobox', { name: /^Compare artifacts of/ }), 'Helm charts');
    await waitFor(() =>
      expect(asked.at(-1)!.get('q')).toBe('media_type=application/vnd.cncf.helm.config.v1+json'),
    );
  });

  it('says when nothing matches the filters', async () => {
    const user = userEvent.setup();
    renderWithProviders(<ArtifactsTab {...projectContext(['artifact:list'])} />, api([]));
    await screen.findByRole('table', { name: 'Artifacts of demo' });
    await user.type(screen.getByRole('textbox', { name: 'Tag contains' }), 'nothing');
    expect(await screen.findByText('No artifact matches these filters.')).toBeInTheDocument();
  });
});
