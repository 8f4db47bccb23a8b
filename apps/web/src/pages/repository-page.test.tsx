import type { Schema } from '@berth/api-client';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, renderWithProviders } from '../test/render';
import { parseRepositorySplat } from './artifact/artifact-paths';
import { ArtifactTable, RepositoryPage, pullCommand } from './repository-page';

/** An artifact with the fields the table reads; the others do not matter here. */
const asArtifact = (fields: object) => fields as Schema<'Artifact'>;

const artifact = asArtifact({
  digest: 'sha256:0ce444f6c346aaaabbbbccccddddeeeeffff0000111122223333444455556666',
  type: 'IMAGE',
  size: 2685,
  push_time: '2026-11-22T07:35:00Z',
  pull_time: '0001-01-01T00:00:00Z',
  tags: [{ name: 'v1.0' }, { name: 'latest' }],
});

describe(ArtifactTable.name, () => {
  it('shows digest, tags, size and a labelled copy button', () => {
    renderWithProviders(
      <ArtifactTable
        artifacts={[artifact]}
        projectId={7}
        project="demo"
        repository="tools/hello"
        host="reg.test"
      />,
      () => new Response(null, { status: 404 }),
    );
    expect(screen.getByText('sha256:0ce444f6c346')).toBeInTheDocument();
    expect(screen.getByText('v1.0')).toBeInTheDocument();
    expect(screen.getByText('latest')).toBeInTheDocument();
    expect(screen.getByText('2.62 KiB')).toBeInTheDocument();
    expect(screen.getByText('never')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy the pull command for v1.0' })).toBeInTheDocument();
  });

  it('speaks Simplified Chinese', () => {
    renderWithProviders(
      <ArtifactTable
        artifacts={[asArtifact({ ...artifact, tags: [] })]}
        projectId={7}
        project="demo"
        repository="hello"
        host="reg.test"
      />,
      () => new Response(null, { status: 404 }),
      'zh-CN',
    );
    expect(screen.getByRole('columnheader', { name: '摘要' })).toBeInTheDocument();
    expect(screen.getByText('无标签')).toBeInTheDocument();
  });
});

describe('ArtifactTable rows', () => {
  it('link to the details and show type, labels, accessories and platforms', () => {
    const index = asArtifact({
      ...artifact,
      manifest_media_type: 'application/vnd.oci.image.index.v1+json',
      references: [{ child_digest: 'sha256:aa' }, { child_digest: 'sha256:bb' }],
      labels: [{ id: 3, name: 'release', color: '#00aa00' }],
      accessories: [{ digest: 'sha256:cc', type: 'signature.cosign' }],
    });
    renderWithProviders(
      <ArtifactTable
        artifacts={[index]}
        projectId={7}
        project="demo"
        repository="tools/hello"
        host="reg.test"
      />,
      () => new Response(null, { status: 404 }),
    );
    expect(screen.getByRole('link', { name: /^Open artifact v1\.0 sha256:/ })).toHaveAttribute(
      'href',
      `/projects/7/repositories/tools/hello/-/artifacts/${artifact.digest}`,
    );
    expect(screen.getByRole('img', { name: 'Type: Index' })).toBeInTheDocument();
    expect(screen.getByText('2 platforms')).toBeInTheDocument();
    expect(screen.getByText('release')).toBeInTheDocument();
    expect(screen.getByText('1 accessory')).toBeInTheDocument();
  });
});

describe(parseRepositorySplat.name, () => {
  it('splits a repository path from an artifact reference', () => {
    expect(parseRepositorySplat('a/b')).toEqual({ repository: 'a/b', reference: null });
    expect(parseRepositorySplat('a/b/-/artifacts/sha256:00')).toEqual({
      repository: 'a/b',
      reference: 'sha256:00',
    });
    // A repository may well be called "artifacts": only the "-" segment marks the split.
    expect(parseRepositorySplat('x/artifacts/y')).toEqual({ repository: 'x/artifacts/y', reference: null });
  });
});

describe(pullCommand.name, () => {
  it('pulls by the first tag, else by digest', () => {
    expect(pullCommand('reg.test', 'demo', 'a/b', artifact)).toBe('docker pull reg.test/demo/a/b:v1.0');
    expect(pullCommand('reg.test', 'demo', 'a/b', asArtifact({ ...artifact, tags: [] }))).toBe(
      `docker pull reg.test/demo/a/b@${artifact.digest}`,
    );
  });
});

describe(RepositoryPage.name, () => {
  it('says a missing repository is not found, with the way back to its project', async () => {
    renderWithProviders(<RepositoryPage projectId="7" repository="gone/app" />, (request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      if (path === '/api/v2.0/projects/7') return json({ project_id: 7, name: 'demo' });
      if (path === '/api/v2.0/projects/demo/repositories/gone%2Fapp')
        return json(
          { errors: [{ code: 'NOT_FOUND', message: 'repository demo/gone/app not found' }] },
          { status: 404 },
        );
      return json([], { headers: { 'X-Total-Count': '0' } });
    });
    expect(await screen.findByRole('heading', { name: 'Repository not found' })).toBeInTheDocument();
    expect(screen.getByTestId('not-found')).toHaveTextContent('There is no repository “demo/gone/app”.');
    expect(screen.getByRole('link', { name: 'Back to demo' })).toHaveAttribute(
      'href',
      '/projects/7/repositories',
    );
    expect(screen.queryByText(/core/)).not.toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Repository not found · Berth'));
  });

  it('names the page after the repository', async () => {
    renderWithProviders(<RepositoryPage projectId="7" repository="tools/hello" />, (request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      if (path === '/api/v2.0/projects/7') return json({ project_id: 7, name: 'demo' });
      if (path === '/api/v2.0/projects/demo/repositories/tools%2Fhello')
        return json({ name: 'demo/tools/hello', artifact_count: 0 });
      return json([], { headers: { 'X-Total-Count': '0' } });
    });
    expect(await screen.findByText('This repository has no artifacts.')).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('demo/tools/hello · Berth'));
  });
});
