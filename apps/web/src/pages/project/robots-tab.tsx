import type { ProjectContext } from './project-context';
import { RobotAccounts } from './robot-accounts';
import { PROJECT_ROBOT_PERMISSIONS } from './robot-permissions';

export function RobotsTab({ project, permissions }: ProjectContext) {
  return (
    <RobotAccounts
      scope={{ level: 'project', projectId: project.project_id ?? 0, projectName: project.name ?? '' }}
      catalog={PROJECT_ROBOT_PERMISSIONS}
      grantable={permissions}
      canCreate={permissions.has('robot:create')}
      canUpdate={permissions.has('robot:update')}
      canDelete={permissions.has('robot:delete')}
    />
  );
}
