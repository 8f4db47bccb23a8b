import type { Label } from '@berth/db';
import type { LabelDto } from './label.dto.js';

/** A label as stored, from the label repository or a listing that joins labels (artifacts). */
export type LabelRecord = Omit<Label, 'scope'> & { scope: string };

/** Harbor's Label: the one mapping of a label to the wire, for the labels API and artifacts alike. */
export function toLabelDto(label: LabelRecord): LabelDto {
  return {
    id: Number(label.id),
    name: label.name,
    description: label.description,
    color: label.color,
    scope: label.scope === 'p' ? 'p' : 'g',
    project_id: label.projectId === null ? 0 : Number(label.projectId),
    creation_time: label.createdAt.toISOString(),
    update_time: label.updatedAt.toISOString(),
  };
}
