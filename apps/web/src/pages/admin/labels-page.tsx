import { LabelManager } from '../labels/label-manager';

const GLOBAL = { kind: 'global' } as const;
// The administration pages are only reachable by a system administrator, who may do all of it.
const ALL = { create: true, update: true, delete: true };

/** Global labels (scope `g`): attachable to artifacts in every project. */
export function LabelsPage() {
  return <LabelManager scope={GLOBAL} can={ALL} />;
}
