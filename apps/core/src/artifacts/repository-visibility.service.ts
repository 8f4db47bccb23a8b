import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DatabaseService } from '../database/database.service.js';
import { matchesAny, type ProjectRef } from '../rbac/access-control.service.js';
import {
  Action,
  hasPermission,
  PROJECT_ROLE_PERMISSIONS,
  ProjectResource,
  PUBLIC_PROJECT_PERMISSIONS,
  type ProjectRole,
} from '../rbac/rbac-policy.js';
import { ArtifactCatalog } from './artifact-catalog.js';

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
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(ArtifactCatalog) private readonly catalog: ArtifactCatalog,
  ) {}

  /**
   * Within one project the caller may list: null for every repository, else the ids of the
   * repositories a glob-scoped member's globs match.
   */
  async inProject(principal: Principal, project: ProjectRef): Promise<bigint[] | null> {
    if (principal.kind !== 'user' || principal.sysadmin || project.public) return null;
    const { rows } = await this.database.pool.query<{ repository_scopes: unknown }>(
      `SELECT repository_scopes FROM project_member
       WHERE project_id = $1
         AND (user_id = $2 OR group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2))`,
      [project.id, principal.id],
    );
    // Held directly and through groups, the memberships' globs add up; one without any is the whole project.
    const scopes = rows.map((row) => scopesOf(row.repository_scopes));
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
      const { rows } = await this.database.pool.query<{ id: string }>(
        `SELECT id FROM project WHERE metadata->>'public' = 'true'`,
      );
      for (const row of rows) {
        visible.add(BigInt(row.id));
        whole.add(BigInt(row.id));
      }
    }

    if (principal.kind === 'user') {
      const { rows } = await this.database.pool.query<{
        project_id: string;
        name: string;
        role: number;
        repository_scopes: unknown;
      }>(
        `SELECT pm.project_id, p.name, pm.role, pm.repository_scopes
         FROM project_member pm JOIN project p ON p.id = pm.project_id
         WHERE pm.user_id = $1 OR pm.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $1)`,
        [principal.id],
      );
      for (const row of rows) {
        const projectId = BigInt(row.project_id);
        visible.add(projectId);
        const permissions = PROJECT_ROLE_PERMISSIONS[row.role as ProjectRole] ?? [];
        if (!hasPermission(permissions, ProjectResource.Repository, Action.List)) continue;
        const globs = scopesOf(row.repository_scopes);
        if (globs.length === 0) whole.add(projectId);
        else
          scoped.set(projectId, {
            name: row.name,
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
        const { rows } = await this.database.pool.query<{ id: string }>(
          'SELECT id FROM project WHERE $1::boolean OR name = ANY($2::text[])',
          [namespaces.has('*'), [...namespaces]],
        );
        for (const row of rows) {
          visible.add(BigInt(row.id));
          whole.add(BigInt(row.id));
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

function scopesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((glob): glob is string => typeof glob === 'string') : [];
}
