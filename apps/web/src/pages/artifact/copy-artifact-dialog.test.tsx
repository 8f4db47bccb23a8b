import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { artifactKeys, repositoryKeys } from '../../api/repositories';
import { json, renderWithProviders } from '../../test/render';
import { ArtifactDetails } from './artifact-page';
import { CopyArtifactDialog } from './copy-artifact-dialog';

vi.setConfig({ testTimeout: 15_000 });

const DIGEST = 'sha256:0ce444f6c346aaaabbbbccccddddeeeeffff0000111122223333444455556666';
const PROJECTS = [
  { project_id: 7, name: 'demo' },
  { project_id: 9, name: 'prod' },
  { project_id: 11, name: 'public-lib' },
];
/** What the user may do in each project: push into demo and prod, only pull from public-lib. */
const PERMISSIONS: Record<string, string[]> = {
  '/project/7': ['repository:pull', 'artifact:create', 'artifact:delete'],
  '/project/9': ['repository:pull', 'artifact:create'],
  '/project/11': ['repository:pull'],
};

/** A fake core with demo/tools/hello@DIGEST; a copy answers `copyStatus` (201 unless given). */
function fakeCore(options: { sourcePermissions?: string[]; copyStatus?: number } = {}) {
  const copies: { path: string; from: string | null; csrf: string | null }[] = [];
  const handler = (request: Request) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname);
    if (path === '/api/v2.0/users/current/permissions') {
      const scope = url.searchParams.get('scope') ?? '';
      const granted =
        scope === '/project/7' && options.sourcePermissions ? options.sourcePermissions : PERMISSIONS[scope];
      return json((granted ?? []).map((p) => ({ resource: p.split(':')[0], action: p.split(':')[1] })));
    }
    if (path === '/api/v2.0/projects') {
      const name = (url.searchParams.get('q') ?? '').replace(/^name=~/, '');
      const found = PROJECTS.filter((project) => project.name.includes(name));
      return json(found, { headers: { 'X-Total-Count': String(found.length) } });
    }
    if (request.method === 'POST' && path.endsWith('/artifacts')) {
      copies.push({
        path,
        from: url.searchParams.get('from'),
        csrf: request.headers.get('X-Harbor-CSRF-Token'),
      });
      if (options.copyStatus)
        return json(
          { errors: [{ code: 'NOT_FOUND', message: 'artifact demo/tools/hello@sha256:0ce4 not found' }] },
          { status: options.copyStatus },
        );
      return new Response(null, { status: 201, headers: { Location: `${path}/${DIGEST}` } });
    }
    if (path === `/api/v2.0/projects/demo/repositories/tools%2Fhello/artifacts/${DIGEST}`)
      return json({ id: 1, type: 'IMAGE', digest: DIGEST, size: 10, tags: [{ name: 'v1' }], labels: [] });
    return json({ errors: [{ code: 'NOT_FOUND', message: `no ${path}` }] }, { status: 404 });
  };
  return { handler, copies };
}

const source = { project: 'demo', repository: 'tools/hello', digest: DIGEST };

async function chooseProject(user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement, name: string) {
  await user.click(within(dialog).getByRole('combobox', { name: 'Target project' }));
  await user.click(await screen.findByRole('option', { name, hidden: true }));
}

describe(CopyArtifactDialog.name, () => {
  it('is offered on the artifact page only to those who may pull it', async () => {
    renderWithProviders(
      <ArtifactDetails projectId={7} artifactRef={{ ...source, reference: DIGEST }} />,
      fakeCore({ sourcePermissions: ['artifact:read'] }).handler,
    );
    expect(await screen.findByTestId('artifact-digest')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Copy to…' })).not.toBeInTheDocument();
  });

  it('copies by digest into the chosen project, refreshes the target and links to the copy', async () => {
    const user = userEvent.setup();
    const core = fakeCore();
    const { queryClient } = renderWithProviders(
      <ArtifactDetails projectId={7} artifactRef={{ ...source, reference: DIGEST }} />,
      core.handler,
    );
    const targetList = artifactKeys.list('prod', 'tools/hello-copy', { page: 1, pageSize: 15 });
    const targetRepositories = repositoryKeys.list('prod', { page: 1, pageSize: 10 });
    const sourceList = artifactKeys.list('demo', 'tools/hello', { page: 1, pageSize: 15 });
    for (const key of [targetList, targetRepositories, sourceList])
      queryClient.setQueryData(key, { items: [], total: 0 });

    await user.click(await screen.findByRole('button', { name: 'Copy to…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Copy demo/tools/hello@sha256:0ce444f6c346' });
    const copy = within(dialog).getByRole('button', { name: 'Copy' });
    expect(copy).toBeDisabled();

    // The same repository is refused before asking the server.
    await chooseProject(user, dialog, 'demo');
    expect(await within(dialog).findByText(/already in demo\/tools\/hello/)).toBeInTheDocument();
    expect(copy).toBeDisabled();

    await chooseProject(user, dialog, 'prod');
    const repository = within(dialog).getByRole('textbox', { name: /Target repository/ });
    await user.clear(repository);
    await user.type(repository, 'Tools/Hello');
    expect(within(dialog).getByText(/Use lowercase letters/)).toBeInTheDocument();
    await user.clear(repository);
    await user.type(repository, 'tools/hello-copy');
    await waitFor(() => expect(copy).toBeEnabled());
    await user.click(copy);

    expect(await within(dialog).findByText('Copied into prod/tools/hello-copy.')).toBeInTheDocument();
    expect(core.copies).toEqual([
      {
        path: '/api/v2.0/projects/prod/repositories/tools%2Fhello-copy/artifacts',
        from: `demo/tools/hello@${DIGEST}`,
        csrf: 'csrf-token',
      },
    ]);
    expect(within(dialog).getByRole('link', { name: 'Open the copy' })).toHaveAttribute(
      'href',
      `/projects/9/repositories/tools/hello-copy/-/artifacts/${DIGEST}`,
    );
    expect(queryClient.getQueryState(targetList)?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(targetRepositories)?.isInvalidated).toBe(true);
    // The source did not change.
    expect(queryClient.getQueryState(sourceList)?.isInvalidated).toBe(false);
  });

  it('says so when the user may not push to the chosen project', async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <CopyArtifactDialog opened source={source} onClose={() => undefined} />,
      fakeCore().handler,
    );
    const dialog = await screen.findByRole('dialog');
    await chooseProject(user, dialog, 'public-lib');
    expect(await within(dialog).findByText(/You may not push to public-lib/)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy' })).toBeDisabled();
  });

  it("shows the server's refusal and lets the user try again", async () => {
    const user = userEvent.setup();
    const core = fakeCore({ copyStatus: 404 });
    renderWithProviders(
      <CopyArtifactDialog opened source={source} onClose={() => undefined} />,
      core.handler,
    );
    const dialog = await screen.findByRole('dialog');
    await chooseProject(user, dialog, 'prod');
    const copy = within(dialog).getByRole('button', { name: 'Copy' });
    await waitFor(() => expect(copy).toBeEnabled());
    await user.click(copy);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The artifact could not be copied: artifact demo/tools/hello@sha256:0ce4 not found',
    );
    expect(copy).toBeEnabled();
  });

  it('speaks Simplified Chinese', async () => {
    renderWithProviders(
      <CopyArtifactDialog opened source={source} onClose={() => undefined} />,
      fakeCore().handler,
      'zh-CN',
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('combobox', { name: '目标项目' })).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: '复制' })).toBeDisabled();
  });
});
