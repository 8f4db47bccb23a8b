import { LabelManager } from '../labels/label-manager';
import type { ProjectContext } from './project-context';

/** The project's own labels (scope `p`), beside the global ones an artifact may also carry. */
export function LabelsTab({ project, permissions }: ProjectContext) {
  return (
    <LabelManager
      scope={{ kind: 'project', projectId: project.project_id ?? 0 }}
      can={{
        create: permissions.has('label:create'),
        update: permissions.has('label:update'),
        delete: permissions.has('label:delete'),
      }}
    />
  );
}
