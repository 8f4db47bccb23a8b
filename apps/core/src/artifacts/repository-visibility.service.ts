import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ArtifactRepository, VisibilityRepository } from '@berth/db';
import { matchesAny, type ProjectRef } from '../rbac/access-control.service.js';
import {
  Action,
  hasPermission,
  PROJECT_ROLE_PERMISSIONS,
  ProjectResource,
  PUBLIC_PROJECT_PERMISSIONS,
  type ProjectRole,
} from '../rbac/rbac-policy.js';

/** What a principal may see across projects: everything, or these projects and repositories. */
export type Visibility =
  | { all: true }
  | {
      all: false;
      /** Projects the principal may see (public, member of, or granted to a robot). */
      projectIds: bigint[];
      /** Projects whose every repository the principal may list. */
      wholeProjectIds: bigint[];
      /** Single repositories a glob-scoped member may list in projects not in `wholeProjectIds`. */
      repositoryIds: bigint[];
    };

/**
 * Answers which projects and repositories a principal may list, from the permission table
 * (`repository` `list`) and members' repository globs, for the listings that span projects
 * (`GET /repositories`, `GET /search`).
 */
@Injectable()
export class RepositoryVisibilityService {
  constructor(
    @Inject(VisibilityRepository) private readonly memberships: VisibilityRepository,
    @Inject(ArtifactRepository) private readonly catalog: ArtifactRepository,
  ) {}

  /**
   * Within one project the caller may list: null for every repository, else the ids of the
   * repositories a glob-scoped member's globs match.
   */
  async inProject(principal: Principal, project: ProjectRef): Promise<bigint[] | null> {
    if (principal.kind !== 'user' || principal.sysadmin || project.public) return null;
    // Held directly and through groups, the memberships' globs add up; one without any is the whole project.
    const scopes = await this.memberships.memberScopesInProject(project.id, principal.id);
    if (scopes.length === 0 || scopes.some((globs) => globs.length === 0)) return null;
    const globs = scopes.flat();
    return (await this.catalog.repositoryNames([project.id]))
      .filter((repository) => matchesAny(globs, repository.name.slice(project.name.length + 1)))
      .map((repository) => repository.id);
  }

  async visibility(principal: Principal): Promise<Visibility> {
    if (principal.kind === 'user' && principal.sysadmin) return { all: true };
    const visible = new Set<bigint>();
    const whole = new Set<bigint>();
    const scoped = new Map<bigint, { name: string; globs: string[] }>();

    if (hasPermission(PUBLIC_PROJECT_PERMISSIONS, ProjectResource.Repository, Action.List)) {
      for (const id of await this.memberships.publicProjectIds()) {
        visible.add(id);
        whole.add(id);
      }
    }

    if (principal.kind === 'user') {
      for (const membership of await this.memberships.membershipsOfUser(principal.id)) {
        const { projectId } = membership;
        visible.add(projectId);
        const permissions = PROJECT_ROLE_PERMISSIONS[membership.role as ProjectRole] ?? [];
        if (!hasPermission(permissions, ProjectResource.Repository, Action.List)) continue;
        const globs = membership.repositoryScopes;
        if (globs.length === 0) whole.add(projectId);
        else
          scoped.set(projectId, {
            name: membership.projectName,
            globs: [...(scoped.get(projectId)?.globs ?? []), ...globs],
          });
      }
    } else if (principal.kind === 'robot') {
      const namespaces = new Set<string>();
      for (const entry of principal.permissions) {
        if (entry.kind !== 'project') continue;
        const denied = entry.access.some(
          (access) =>
            access.effect === 'deny' &&
            access.resource === ProjectResource.Repository &&
            access.action === Action.List,
        );
        const granted = entry.access.some(
          (access) =>
            access.effect !== 'deny' &&
            access.resource === ProjectResource.Repository &&
            access.action === Action.List,
        );
        if (granted && !denied) namespaces.add(entry.namespace);
      }
      if (namespaces.size > 0) {
        for (const id of await this.memberships.projectIdsByName([...namespaces], namespaces.has('*'))) {
          visible.add(id);
          whole.add(id);
        }
      }
    }

    const repositoryIds: bigint[] = [];
    const scopedProjects = [...scoped.keys()].filter((id) => !whole.has(id));
    for (const repository of await this.catalog.repositoryNames(scopedProjects)) {
      const scope = scoped.get(repository.projectId)!;
      const path = repository.name.slice(scope.name.length + 1);
      if (matchesAny(scope.globs, path)) repositoryIds.push(repository.id);
    }
    return { all: false, projectIds: [...visible], wholeProjectIds: [...whole], repositoryIds };
  }
}
