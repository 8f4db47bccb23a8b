import type { QueryResultRow } from 'pg';
import type { Database } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';

/** A membership of a user (direct or through a group) in a project, with its repository globs. */
export interface UserMembership {
  projectId: bigint;
  projectName: string;
  role: number;
  /** Globs over repository paths inside the project; empty is the whole project. */
  repositoryScopes: string[];
}

/** A project found by a search, with the caller's roles in it. */
export interface ProjectSearchHit {
  id: bigint;
  name: string;
  ownerId: bigint | null;
  ownerName: string | null;
  metadata: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  /** Repositories an artifact was pushed to. */
  repositoryCount: number;
  /** The user's own roles and those of the user's groups, ascending. */
  roles: number[];
}

/**
 * The reads behind listings that span projects (`GET /repositories`, `GET /search`): which
 * projects are public, what a user is a member of (directly or through groups), projects by name.
 */
export class VisibilityRepository {
  constructor(private readonly database: Database) {}

  private query<R extends QueryResultRow>(text: string, values: unknown[] = []) {
    return mapDatabaseErrors(() => this.database.pool.query<R>(text, values));
  }

  /** The repository globs of each of the user's memberships in one project (direct and by group). */
  async memberScopesInProject(projectId: bigint, userId: bigint): Promise<string[][]> {
    const { rows } = await this.query<{ repository_scopes: unknown }>(
      `SELECT repository_scopes FROM project_member
       WHERE project_id = $1
         AND (user_id = $2 OR group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2))`,
      [projectId, userId],
    );
    return rows.map((row) => scopesOf(row.repository_scopes));
  }

  async publicProjectIds(): Promise<bigint[]> {
    const { rows } = await this.query<{ id: string }>(
      `SELECT id FROM project WHERE metadata->>'public' = 'true'`,
    );
    return rows.map((row) => BigInt(row.id));
  }

  /** Every membership of the user, direct and through groups. */
  async membershipsOfUser(userId: bigint): Promise<UserMembership[]> {
    const { rows } = await this.query<{
      project_id: string;
      name: string;
      role: number;
      repository_scopes: unknown;
    }>(
      `SELECT pm.project_id, p.name, pm.role, pm.repository_scopes
       FROM project_member pm JOIN project p ON p.id = pm.project_id
       WHERE pm.user_id = $1 OR pm.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $1)`,
      [userId],
    );
    return rows.map((row) => ({
      projectId: BigInt(row.project_id),
      projectName: row.name,
      role: row.role,
      repositoryScopes: scopesOf(row.repository_scopes),
    }));
  }

  /** Ids of the projects named (every project when `all`). */
  async projectIdsByName(names: string[], all: boolean): Promise<bigint[]> {
    const { rows } = await this.query<{ id: string }>(
      'SELECT id FROM project WHERE $1::boolean OR name = ANY($2::text[])',
      [all, names],
    );
    return rows.map((row) => BigInt(row.id));
  }

  /** Names and public flags of projects by id. */
  async projectsById(ids: bigint[]): Promise<Map<bigint, { name: string; public: boolean }>> {
    const projects = new Map<bigint, { name: string; public: boolean }>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return projects;
    const { rows } = await this.query<{ id: string; name: string; public: boolean }>(
      `SELECT id, name, COALESCE(metadata->>'public' = 'true', false) AS public FROM project WHERE id = ANY($1::bigint[])`,
      [unique],
    );
    for (const row of rows) projects.set(BigInt(row.id), { name: row.name, public: row.public });
    return projects;
  }

  /**
   * Projects whose names match `pattern` (a LIKE pattern, case-insensitive) among all (`all`) or
   * those in `projectIds`, by name, at most `limit`, with `userId`'s roles in each.
   */
  async searchProjects(
    pattern: string,
    userId: bigint | null,
    all: boolean,
    projectIds: bigint[],
    limit: number,
  ): Promise<ProjectSearchHit[]> {
    const { rows } = await this.query<{
      id: string;
      name: string;
      owner_id: string | null;
      owner_name: string | null;
      metadata: unknown;
      created_at: Date;
      updated_at: Date;
      repo_count: string;
      roles: number[];
    }>(
      `SELECT p.id, p.name, p.owner_id, u.username AS owner_name, p.metadata, p.created_at, p.updated_at,
              (SELECT count(*) FROM repository r WHERE r.project_id = p.id AND r.first_push_at IS NOT NULL) AS repo_count,
              ARRAY(SELECT DISTINCT pm.role FROM project_member pm
                    WHERE pm.project_id = p.id
                      AND (pm.user_id = $2
                           OR pm.group_id IN (SELECT group_id FROM user_group_member WHERE user_id = $2))
                    ORDER BY pm.role) AS roles
       FROM project p
       LEFT JOIN "user" u ON u.id = p.owner_id
       WHERE p.name ILIKE $1 AND ($3::boolean OR p.id = ANY($4::bigint[]))
       ORDER BY p.name COLLATE "C" LIMIT $5`,
      [pattern, userId, all, all ? [] : projectIds, limit],
    );
    return rows.map((row) => ({
      id: BigInt(row.id),
      name: row.name,
      ownerId: row.owner_id === null ? null : BigInt(row.owner_id),
      ownerName: row.owner_name,
      metadata: stringMap(row.metadata),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      repositoryCount: Number(row.repo_count),
      roles: row.roles,
    }));
  }
}

function scopesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((glob): glob is string => typeof glob === 'string') : [];
}

function stringMap(value: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  if (typeof value === 'object' && value !== null) {
    for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') map[key] = entry;
  }
  return map;
}
