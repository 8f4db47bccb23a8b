import { Inject, Injectable } from '@nestjs/common';
import { ProjectRepository, RobotRepository, type Project } from '@berth/db';
import { isPublicProject, type ProjectRef } from '@berth/domain';

/** Whether a project's metadata makes it public. */
export const isPublic = isPublicProject;

/** Finds a project by Harbor's `project_name_or_id`, and the project a robot account belongs to. */
@Injectable()
export class ProjectLookupService {
  constructor(
    @Inject(ProjectRepository) private readonly projects: ProjectRepository,
    @Inject(RobotRepository) private readonly robots: RobotRepository,
  ) {}

  async find(nameOrId: string, byName: boolean): Promise<(ProjectRef & { ownerId: bigint | null }) | null> {
    const project =
      !byName && /^\d+$/.test(nameOrId)
        ? await this.projects.findById(BigInt(nameOrId))
        : await this.projects.findByName(nameOrId);
    return project ? { ...projectRefOf(project), ownerId: project.ownerId } : null;
  }

  async findByName(name: string): Promise<(ProjectRef & { ownerId: bigint | null }) | null> {
    return this.find(name, true);
  }

  /** A robot account's level and, for a project robot, its project; null when there is none. */
  async findRobot(id: bigint): Promise<{ level: 'system' | 'project'; project: ProjectRef | null } | null> {
    const robot = await this.robots.findById(id);
    if (!robot) return null;
    return { level: robot.level, project: robot.project ? projectRefOf(robot.project) : null };
  }
}

/** A project as access decisions see it. */
export function projectRefOf(project: Pick<Project, 'id' | 'name' | 'metadata'>): ProjectRef {
  return { id: project.id, name: project.name, public: isPublicProject(project.metadata) };
}
