import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderWithProviders } from '../../test/render';
import { ArtifactDetails, ArtifactPage } from './artifact-page';

const DIGEST = 'sha256:0ce444f6c346aaaabbbbccccddddeeeeffff0000111122223333444455556666';
// As the core sees it after one decoding: the repository's slash is still encoded once.
const BASE = '/api/v2.0/projects/demo/repositories/tools%2Fhello/artifacts';

function artifactWith(tags: string[]) {
  return {
    id: 1,
    type: 'IMAGE',
    digest: DIGEST,
    size: 2685,
    media_type: 'application/vnd.oci.image.config.v1+json',
    manifest_media_type: 'application/vnd.oci.image.manifest.v1+json',
    push_time: '2026-11-22T07:35:00Z',
    pull_time: '0001-01-01T00:00:00Z',
    extra_attrs: { architecture: 'amd64', os: 'linux' },
    tags: tags.map((name, id) => ({ id, name, push_time: '2026-11-22T07:35:00Z' })),
    labels: [],
  };
}

/** A fake core holding one artifact whose tags can be deleted; records what the page sent. */
function fakeCore(permissions: string[]) {
  const tags = ['v1.0', 'latest'];
  const sent: { method: string; path: string; csrf: string | null }[] = [];
  const handler = (request: Request) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname);
    sent.push({
      method: request.method,
      path,
      csrf: request.headers.get('X-Harbor-CSRF-Token'),
    });
    if (path === '/api/v2.0/users/current/permissions') {
      return json(permissions.map((p) => ({ resource: p.split(':')[0], action: p.split(':')[1] })));
    }
    if (path === `${BASE}/${DIGEST}` && request.method === 'GET') return json(artifactWith(tags));
    if (path.startsWith(`${BASE}/${DIGEST}/tags/`) && request.method === 'DELETE') {
      const name = path.split('/').pop()!;
      tags.splice(tags.indexOf(name), 1);
      return new Response(null, { status: 200 });
    }
    if (path === `${BASE}/${DIGEST}/accessories`) return json([], { headers: { 'X-Total-Count': '0' } });
    if (path === `${BASE}/${DIGEST}/additions/build_history`) {
      return json([{ created: '2026-11-01T00:00:00Z', created_by: '/bin/sh -c #(nop) COPY file:abc in /' }]);
    }
    return json({ errors: [{ code: 'NOT_FOUND', message: `no ${path}` }] }, { status: 404 });
  };
  return { handler, sent, tags };
}

const ref = { project: 'demo', repository: 'tools/hello', reference: DIGEST };

describe(ArtifactDetails.name, () => {
  it('shows the overview: digest, size, attributes, no vulnerability data made up', async () => {
    const core = fakeCore([]);
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={ref} />, core.handler);
    expect(await screen.findByTestId('artifact-digest')).toHaveTextContent(DIGEST);
    expect(screen.getByText('2.62 KiB')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Attributes' })).toHaveTextContent('amd64');
    expect(screen.getByText('Vulnerability scanning is not available yet.')).toBeInTheDocument();
    // The build history tab appears once the addition answered.
    expect(await screen.findByRole('tab', { name: 'Build history' })).toBeInTheDocument();
  });

  it('deletes a tag only after the confirmation, then shows it gone', async () => {
    const user = userEvent.setup();
    const core = fakeCore(['tag:create', 'tag:delete']);
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={ref} />, core.handler);
    await user.click(await screen.findByRole('tab', { name: 'Tags (2)' }));
    await user.click(await screen.findByRole('button', { name: 'Delete tag v1.0' }));

    const dialog = await screen.findByRole('dialog', { name: 'Delete tag' });
    expect(dialog).toHaveTextContent('Delete tag “v1.0”?');
    // Cancelling sends nothing.
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(core.sent.some((r) => r.method === 'DELETE')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Delete tag v1.0' }));
    const again = await screen.findByRole('dialog', { name: 'Delete tag' });
    await user.click(within(again).getByRole('button', { name: 'Delete tag v1.0' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(core.sent.filter((r) => r.method === 'DELETE')).toEqual([
      { method: 'DELETE', path: `${BASE}/${DIGEST}/tags/v1.0`, csrf: 'csrf-token' },
    ]);
    expect(core.tags).toEqual(['latest']);
    // The details were read again: the tag is gone from the table.
    await waitFor(() => expect(screen.queryByRole('row', { name: /v1\.0/ })).not.toBeInTheDocument());
    expect(screen.getByRole('tab', { name: 'Tags (1)' })).toBeInTheDocument();
  });

  it('shows a failed delete in the dialog so the user can retry or cancel', async () => {
    const user = userEvent.setup();
    const core = fakeCore(['tag:delete']);
    const failing = (request: Request) =>
      request.method === 'DELETE'
        ? json({ errors: [{ code: 'FORBIDDEN', message: 'tag v1.0 is immutable' }] }, { status: 403 })
        : core.handler(request);
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={ref} />, failing);
    await user.click(await screen.findByRole('tab', { name: 'Tags (2)' }));
    await user.click(await screen.findByRole('button', { name: 'Delete tag v1.0' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete tag' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete tag v1.0' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The tag could not be deleted: tag v1.0 is immutable',
    );
  });

  it('hides adding and deleting tags and the artifact without the permissions', async () => {
    const user = userEvent.setup();
    const core = fakeCore([]);
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={ref} />, core.handler);
    await user.click(await screen.findByRole('tab', { name: 'Tags (2)' }));
    expect(await screen.findByText('latest')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Delete tag/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: /New tag/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete artifact' })).not.toBeInTheDocument();
  });

  it('says so when the artifact no longer exists', async () => {
    renderWithProviders(
      <ArtifactDetails projectId={7} artifactRef={{ ...ref, reference: 'sha256:gone' }} />,
      fakeCore([]).handler,
    );
    // The core's 404 in Harbor's shape becomes a not-found page, not a hint that the core is down.
    expect(await screen.findByRole('heading', { name: 'Artifact not found' })).toBeInTheDocument();
    expect(screen.getByTestId('not-found')).toHaveTextContent(
      'There is no artifact “sha256:gone” in demo/tools/hello.',
    );
    expect(screen.queryByText(/core/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to demo/tools/hello' })).toHaveAttribute(
      'href',
      '/projects/7/repositories/tools/hello',
    );
    await waitFor(() => expect(document.title).toBe('Artifact not found · Berth'));
  });

  it('says the project does not exist when the route names a missing one', async () => {
    renderWithProviders(<ArtifactPage projectId="404" repository="tools/hello" reference="v1" />, (request) =>
      json(
        { errors: [{ code: 'NOT_FOUND', message: `project 404 not found` }] },
        { status: new URL(request.url).pathname === '/api/v2.0/projects/404' ? 404 : 500 },
      ),
    );
    expect(await screen.findByRole('heading', { name: 'Project not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to projects' })).toHaveAttribute('href', '/projects');
    expect(screen.queryByText(/core/)).not.toBeInTheDocument();
  });

  it('names the page after the artifact: repository and short digest', async () => {
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={ref} />, fakeCore([]).handler, 'zh-CN');
    await screen.findByTestId('artifact-digest');
    await waitFor(() => expect(document.title).toBe('tools/hello@sha256:0ce444f6c346 · Berth'));
  });

  it('formats the config and annotations: lists, nested keys, local times, no raw JSON', async () => {
    const core = fakeCore([]);
    const created = '2026-11-01T08:30:00Z';
    const detailed = (request: Request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      if (path !== `${BASE}/${DIGEST}` || request.method !== 'GET') return core.handler(request);
      return json({
        ...artifactWith([]),
        extra_attrs: {
          architecture: 'amd64',
          created,
          config: {
            Env: ['PATH=/usr/local/bin:/usr/bin', 'LANG=C.UTF-8'],
            Cmd: ['nginx', '-g', 'daemon off;'],
            Labels: { maintainer: 'ops@example.com' },
            ExposedPorts: { '80/tcp': {} },
          },
        },
        annotations: {
          'dev.sigstore.cosign/bundle': '{"SignedEntryTimestamp":"abc","Payload":{"logIndex":7}}',
        },
      });
    };
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={ref} />, detailed);
    const attributes = await screen.findByRole('table', { name: 'Attributes' });
    // Nothing shown as the JSON text it came as.
    expect(attributes.textContent).not.toMatch(/[{}[\]"]/);
    const env = within(attributes).getByText('Env').nextElementSibling as HTMLElement;
    expect(
      within(env)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['PATH=/usr/local/bin:/usr/bin', 'LANG=C.UTF-8']);
    expect(within(attributes).getByText('maintainer').nextElementSibling).toHaveTextContent(
      'ops@example.com',
    );
    const time = within(attributes).getByText(
      new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(created)),
    );
    expect(time.closest('time')).toHaveAttribute('dateTime', created);
    const annotations = screen.getByRole('table', { name: 'Annotations' });
    expect(annotations.textContent).not.toContain('{"');
    expect(within(annotations).getByText('logIndex').nextElementSibling).toHaveTextContent('7');
  });

  it('shows what each accessory really is: its kind and its artifact type', async () => {
    const user = userEvent.setup();
    const core = fakeCore([]);
    const accessories = [
      { digest: 'sha256:5160', type: 'signature.cosign', size: 700, creation_time: '2026-11-22T08:00:00Z' },
      { digest: 'sha256:5b0b', type: 'subject.accessory', size: 900, creation_time: '2026-11-22T08:01:00Z' },
      { digest: 'sha256:0747', type: 'subject.accessory', size: 300, creation_time: '2026-11-22T08:02:00Z' },
    ];
    const accessoryArtifacts: Record<string, object> = {
      'sha256:5160': { type: 'SIGNATURE', artifact_type: 'application/vnd.dev.cosign.artifact.sig.v1+json' },
      'sha256:5b0b': { type: 'SBOM', artifact_type: 'application/spdx+json' },
      'sha256:0747': { type: 'UNKNOWN', artifact_type: 'application/vnd.example.notes.v1' },
    };
    const withAccessories = (request: Request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      if (path === `${BASE}/${DIGEST}/accessories`)
        return json(accessories, { headers: { 'X-Total-Count': '3' } });
      const accessory = accessoryArtifacts[path.slice(BASE.length + 1)];
      if (accessory) return json({ digest: path.slice(BASE.length + 1), ...accessory });
      return core.handler(request);
    };
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={ref} />, withAccessories);
    await user.click(await screen.findByRole('tab', { name: /^Accessories/ }));
    const table = await screen.findByRole('table', { name: 'Accessories' });
    await waitFor(() => expect(within(table).getAllByTestId('accessory-artifact-type')).toHaveLength(3));
    const rows = within(table)
      .getAllByTestId('accessory-row')
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .slice(0, 2)
          .map((cell) => cell.textContent),
      );
    expect(rows).toEqual([
      ['Cosign signature', 'application/vnd.dev.cosign.artifact.sig.v1+json'],
      ['SBOM', 'application/spdx+json'],
      ['Other', 'application/vnd.example.notes.v1'],
    ]);
  });
});

const CHART_DIGEST = 'sha256:c4a27000000000000000000000000000000000000000000000000000000000aa';
const CHART_BASE = '/api/v2.0/projects/demo/repositories/charts%2Fweb/artifacts';
const README = '# Web chart\n\n<img src=x onerror="window.hacked=1">\n\nInstalls **web**.\n';
const VALUES = 'replicaCount: 2\nimage:\n  repository: nginx\n';

/** A fake core holding one Helm chart; `additions` answers each addition, or 404 when it is missing. */
function chartCore(additions: Partial<Record<string, () => Response>>) {
  const links = Object.fromEntries(
    ['readme.md', 'values.yaml', 'dependencies'].map((name) => [
      name,
      { href: `${CHART_BASE}/${CHART_DIGEST}/additions/${name}`, absolute: false },
    ]),
  );
  return (request: Request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path === '/api/v2.0/users/current/permissions') return json([]);
    if (path === `${CHART_BASE}/1.0.0`) {
      return json({
        id: 9,
        type: 'CHART',
        digest: CHART_DIGEST,
        size: 4096,
        media_type: 'application/vnd.cncf.helm.config.v1+json',
        manifest_media_type: 'application/vnd.oci.image.manifest.v1+json',
        push_time: '2026-11-22T07:35:00Z',
        extra_attrs: { name: 'web', version: '1.0.0', apiVersion: 'v2' },
        tags: [{ id: 1, name: '1.0.0', push_time: '2026-11-22T07:35:00Z' }],
        addition_links: links,
      });
    }
    if (path === `${CHART_BASE}/${CHART_DIGEST}/accessories`)
      return json([], { headers: { 'X-Total-Count': '0' } });
    const addition = path.startsWith(`${CHART_BASE}/${CHART_DIGEST}/additions/`)
      ? path.split('/').pop()!
      : '';
    const answer = additions[addition];
    if (answer) return answer();
    return json({ errors: [{ code: 'NOT_FOUND', message: `no ${path}` }] }, { status: 404 });
  };
}

const text = (body: string, type: string) => () =>
  new Response(body, { status: 200, headers: { 'Content-Type': `${type}; charset=utf-8` } });

const chartRef = { project: 'demo', repository: 'charts/web', reference: '1.0.0' };

describe('Helm chart details', () => {
  it('renders the README (its HTML as text), shows the values with a copy button and the dependencies', async () => {
    const user = userEvent.setup();
    const handler = chartCore({
      'readme.md': text(README, 'text/markdown'),
      'values.yaml': text(VALUES, 'text/plain'),
      dependencies: () =>
        json([{ name: 'redis', version: '17.x', repository: 'oci://registry-1.docker.io/bitnamicharts' }]),
    });
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={chartRef} />, handler);
    // Charts have no build history; their own additions get tabs.
    await user.click(await screen.findByRole('tab', { name: 'README' }));
    expect(screen.queryByRole('tab', { name: 'Build history' })).not.toBeInTheDocument();
    const readme = await screen.findByTestId('chart-readme');
    expect(within(readme).getByRole('heading', { level: 2, name: 'Web chart' })).toBeInTheDocument();
    expect(within(readme).getByText('web').tagName).toBe('STRONG');
    // The HTML in it is text, not an element.
    expect(readme.querySelector('img')).toBeNull();
    expect(readme).toHaveTextContent('<img src=x onerror="window.hacked=1">');
    expect((window as { hacked?: number }).hacked).toBeUndefined();
    await user.click(screen.getByRole('radio', { name: 'Source' }));
    expect((await screen.findByTestId('chart-readme-source')).textContent).toBe(README);

    await user.click(screen.getByRole('tab', { name: 'Values' }));
    expect((await screen.findByTestId('chart-values')).textContent).toBe(VALUES);
    expect(screen.getByRole('button', { name: 'Copy values.yaml' })).toBeInTheDocument();

    await user.click(screen.getByRole('tab', { name: 'Dependencies' }));
    const table = await screen.findByRole('table', { name: 'Dependencies' });
    expect(within(table).getByRole('row', { name: /redis 17\.x oci:\/\/registry-1/ })).toBeInTheDocument();
  });

  it('says what to do when the chart’s files cannot be read (404), and when a file is absent', async () => {
    const user = userEvent.setup();
    const handler = chartCore({ 'values.yaml': () => new Response(null, { status: 200 }) });
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={chartRef} />, handler);
    await user.click(await screen.findByRole('tab', { name: 'README' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/could not be read.*push the chart again/);
    await user.click(screen.getByRole('tab', { name: 'Values' }));
    expect(await screen.findByText('This chart has no values.yaml.')).toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'Dependencies' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/could not be read/);
  });

  it('shows no chart tabs for an image', async () => {
    renderWithProviders(<ArtifactDetails projectId={7} artifactRef={ref} />, fakeCore([]).handler);
    expect(await screen.findByRole('tab', { name: 'Build history' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'README' })).not.toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Values' })).not.toBeInTheDocument();
  });
});
