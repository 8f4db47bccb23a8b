import { Inject, Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import type { ProjectRef } from './access-control.service.js';

/** Finds a project by Harbor's `project_name_or_id`, and the project a robot account belongs to. */
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

  /** A robot account's level and, for a project robot, its project; null when there is none. */
  async findRobot(id: bigint): Promise<{ level: 'system' | 'project'; project: ProjectRef | null } | null> {
    const robot = await this.database.prisma.robot.findUnique({
      where: { id },
      select: { level: true, project: { select: { id: true, name: true, metadata: true } } },
    });
    if (!robot) return null;
    const project = robot.project
      ? { id: robot.project.id, name: robot.project.name, public: isPublic(robot.project.metadata) }
      : null;
    return { level: robot.level === 'project' ? 'project' : 'system', project };
  }
}

export function isPublic(metadata: unknown): boolean {
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    (metadata as Record<string, unknown>).public === 'true'
  );
}
