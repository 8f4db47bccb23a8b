import type { RouteObject } from 'react-router';
import { ProjectPage } from '../pages/project-page';
import { ArtifactsTab } from '../pages/project/artifacts-tab';
import { ConfigurationTab } from '../pages/project/configuration-tab';
import { LabelsTab } from '../pages/project/labels-tab';
import { LogsTab } from '../pages/project/logs-tab';
import { PolicyTab } from '../pages/project/policy-tab';
import { MembersTab } from '../pages/project/members-tab';
import { useProjectContext, type ProjectContext } from '../pages/project/project-context';
import { RepositoriesTab } from '../pages/project/repositories-tab';
import { RobotsTab } from '../pages/project/robots-tab';
import { WebhooksTab } from '../pages/project/webhooks-tab';
import { SummaryTab } from '../pages/project/summary-tab';

/** Renders a tab with the project and permissions the project page resolved. */
function withProject(Tab: (context: ProjectContext) => React.ReactNode) {
  function ProjectTab() {
    return <Tab {...useProjectContext()} />;
  }
  return <ProjectTab />;
}

/** A project's own pages, below the signed-in layout; each tab is a sub-route. */
export const projectRoutes: RouteObject[] = [
  {
    path: 'projects/:projectId',
    element: <ProjectPage />,
    children: [
      { index: true, element: withProject(SummaryTab) },
      { path: 'repositories', element: withProject(RepositoriesTab) },
      { path: 'artifacts', element: withProject(ArtifactsTab) },
      { path: 'members', element: withProject(MembersTab) },
      { path: 'robots', element: withProject(RobotsTab) },
      { path: 'labels', element: withProject(LabelsTab) },
      { path: 'policy', element: withProject(PolicyTab) },
      { path: 'webhooks', element: withProject(WebhooksTab) },
      { path: 'logs', element: withProject(LogsTab) },
      { path: 'configuration', element: withProject(ConfigurationTab) },
    ],
  },
];
