import type { RouteObject } from 'react-router';
import { useParams } from 'react-router';
import { ArtifactPage } from '../pages/artifact/artifact-page';
import { parseRepositorySplat } from '../pages/artifact/artifact-paths';
import { RepositoryPage } from '../pages/repository-page';

/** One splat for both pages: repository names hold slashes, so the path is split by hand. */
function RepositoryOrArtifact() {
  const params = useParams();
  const projectId = params.projectId ?? '';
  const { repository, reference } = parseRepositorySplat(params['*'] ?? '');
  // Keyed so that moving between artifacts (an index's children) starts each page afresh.
  return reference ? (
    <ArtifactPage
      key={`${repository}@${reference}`}
      projectId={projectId}
      repository={repository}
      reference={reference}
    />
  ) : (
    <RepositoryPage key={repository} projectId={projectId} repository={repository} />
  );
}

/** Repositories and their artifacts, below the signed-in layout. */
export const artifactRoutes: RouteObject[] = [
  { path: 'projects/:projectId/repositories/*', element: <RepositoryOrArtifact /> },
];
