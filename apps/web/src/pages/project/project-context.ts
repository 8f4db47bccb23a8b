import type { Schema } from '@berth/api-client';
import { useOutletContext } from 'react-router';

/** What every tab of a project page gets from the page: the project and the caller's permissions. */
export interface ProjectContext {
  /** The route's `:projectId` (the numeric id). */
  projectId: string;
  project: Schema<'Project'>;
  /** `resource:action` strings the caller holds in this project. */
  permissions: ReadonlySet<string>;
}

export function useProjectContext(): ProjectContext {
  return useOutletContext<ProjectContext>();
}
