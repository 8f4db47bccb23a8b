import type { RouteObject } from 'react-router';
import { RepositoryPage } from '../pages/repository-page';

/** Repositories and their artifacts, below the signed-in layout (repository names hold slashes). */
export const artifactRoutes: RouteObject[] = [
  { path: 'projects/:projectId/repositories/*', element: <RepositoryPage /> },
];
