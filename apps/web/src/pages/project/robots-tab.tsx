import type { ProjectContext } from './project-context';
import { RobotAccounts } from './robot-accounts';

export function RobotsTab({ project, permissions }: ProjectContext) {
  return (
    <RobotAccounts
      scope={{ level: 'project', projectId: project.project_id ?? 0, projectName: project.name ?? '' }}
      grantable={permissions}
      canCreate={permissions.has('robot:create')}
      canUpdate={permissions.has('robot:update')}
      canDelete={permissions.has('robot:delete')}
    />
  );
}
