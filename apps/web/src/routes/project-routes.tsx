import type { RouteObject } from 'react-router';
import { ProjectPage } from '../pages/project-page';

/** A project's own pages, below the signed-in layout. */
export const projectRoutes: RouteObject[] = [{ path: 'projects/:projectId', element: <ProjectPage /> }];
