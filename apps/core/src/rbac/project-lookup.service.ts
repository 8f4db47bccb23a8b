import { Inject, Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import type { ProjectRef } from './access-control.service.js';

/** Finds a project by Harbor's `project_name_or_id`. */
@Injectable()
export class ProjectLookupService {
  constructor(@Inject(DatabaseService) private readonly database: DatabaseService) {}

  async find(nameOrId: string, byName: boolean): Promise<(ProjectRef & { ownerId: bigint | null }) | null> {
    const where = !byName && /^\d+$/.test(nameOrId) ? { id: BigInt(nameOrId) } : { name: nameOrId };
    const project = await this.database.prisma.project.findUnique({ where });
    if (!project) return null;
    return {
      id: project.id,
      name: project.name,
      public: isPublic(project.metadata),
      ownerId: project.ownerId,
    };
  }

  async findByName(name: string): Promise<(ProjectRef & { ownerId: bigint | null }) | null> {
    return this.find(name, true);
  }
}

export function isPublic(metadata: unknown): boolean {
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    (metadata as Record<string, unknown>).public === 'true'
  );
}
