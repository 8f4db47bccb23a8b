/**
 * The authorization matrix's two halves that need no server: every route of the BUILT core read
 * from its Nest controller metadata, and the decision the permission table predicts for a
 * principal on a route's access rule.
 */
import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AccessRule } from '../../dist/rbac/access.decorator.js';
import type { Permission, ProjectRole } from '../../dist/rbac/rbac-policy.js';

export const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Nest's RequestMethod enum. */
const REQUEST_METHODS: Record<number, string> = {
  0: 'GET',
  1: 'POST',
  2: 'PUT',
  3: 'DELETE',
  4: 'PATCH',
  5: 'ALL',
  6: 'OPTIONS',
  7: 'HEAD',
};

export interface DiscoveredRoute {
  /** `GET /api/v2.0/projects/:project_name_or_id`. */
  name: string;
  method: string;
  /** Path template with `:param` placeholders (and Nest's `*` wildcard), leading slash. */
  path: string;
  controller: string;
  handler: string;
  rule: AccessRule | undefined;
}

function joinPath(...parts: string[]): string {
  const joined = parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
  return `/${joined}`;
}

function asList(value: unknown): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Every route of every `dist/**\/*.controller.js`, sorted by path then method. */
export async function discoverRoutes(dist = DIST): Promise<DiscoveredRoute[]> {
  const files = readdirSync(dist, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.controller.js'))
    .sort();
  if (files.length === 0) throw new Error(`no *.controller.js under ${dist}: build the core first`);
  const routes: DiscoveredRoute[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dist, file)).href)) as Record<string, unknown>;
    for (const [exportName, exported] of Object.entries(module)) {
      if (typeof exported !== 'function') continue;
      const controller = exported as new (...args: never[]) => unknown;
      if (!Reflect.getMetadata('__controller__', controller)) continue;
      const controllerPaths = asList(Reflect.getMetadata('path', controller));
      const classRule = Reflect.getMetadata('berth:access-rule', controller) as AccessRule | undefined;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const handlerName of Object.getOwnPropertyNames(prototype)) {
        if (handlerName === 'constructor') continue;
        const handler = Object.getOwnPropertyDescriptor(prototype, handlerName)?.value as unknown;
        if (typeof handler !== 'function') continue;
        const methodPath = Reflect.getMetadata('path', handler) as unknown;
        const methodNumber = Reflect.getMetadata('method', handler) as number | undefined;
        if (methodPath === undefined || methodNumber === undefined) continue;
        const method = REQUEST_METHODS[methodNumber] ?? `METHOD-${methodNumber}`;
        const handlerRule = Reflect.getMetadata('berth:access-rule', handler) as AccessRule | undefined;
        for (const base of controllerPaths) {
          for (const sub of asList(methodPath)) {
            const path = joinPath(base, sub);
            routes.push({
              name: `${method} ${path}`,
              method,
              path,
              controller: exportName,
              handler: handlerName,
              rule: handlerRule ?? classRule,
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** Who is asking, as far as the permission table is concerned. */
export type TablePrincipal =
  | { kind: 'anonymous' }
  | { kind: 'sysadmin' }
  | { kind: 'member'; role: ProjectRole }
  | { kind: 'non-member' }
  | { kind: 'robot'; system: readonly Permission[]; project: readonly Permission[] };

export interface PermissionTable {
  projectRoles: Record<ProjectRole, readonly Permission[]>;
  system: readonly Permission[];
}

const holds = (permissions: readonly Permission[], resource: string, action: string): boolean =>
  permissions.some((permission) => permission.resource === resource && permission.action === action);

/** Whether the rule names a permission anybody could hold (a project role, or the system table). */
export function ruleIsGrantable(rule: AccessRule, table: PermissionTable): boolean {
  switch (rule.scope) {
    case 'public':
    case 'authenticated':
      return true;
    case 'system':
    case 'self-or-system':
      return holds(table.system, rule.resource, rule.action);
    case 'project':
      return Object.values(table.projectRoles).some((permissions) =>
        holds(permissions, rule.resource, rule.action),
      );
    case 'robot':
      return (
        holds(table.system, 'robot', rule.action) &&
        Object.values(table.projectRoles).some((permissions) => holds(permissions, 'robot', rule.action))
      );
  }
}

/**
 * The object a route names, for the rules that decide per object: the caller's own user record or
 * another's; a system robot, a robot of the matrix project or one of another project.
 */
export type RouteTarget =
  | { kind: 'none' }
  | { kind: 'user'; self: boolean }
  | { kind: 'robot'; level: 'system' }
  | { kind: 'robot'; level: 'project'; matrixProject: boolean };

/** The targets a rule is checked against: one for rules that name no object. */
export function targetsFor(rule: AccessRule): RouteTarget[] {
  switch (rule.scope) {
    case 'self-or-system':
      return [
        { kind: 'user', self: true },
        { kind: 'user', self: false },
      ];
    case 'robot':
      return [
        { kind: 'robot', level: 'system' },
        { kind: 'robot', level: 'project', matrixProject: true },
        { kind: 'robot', level: 'project', matrixProject: false },
      ];
    default:
      return [{ kind: 'none' }];
  }
}

export function describeTarget(target: RouteTarget): string {
  switch (target.kind) {
    case 'none':
      return '';
    case 'user':
      return target.self ? '@self' : '@other-user';
    case 'robot':
      return target.level === 'system'
        ? '@system-robot'
        : target.matrixProject
          ? '@project-robot'
          : '@other-project-robot';
  }
}

/**
 * What the table says about `principal` on `rule` in the (private) matrix project: sysadmins hold
 * everything, members their role's list, robots exactly their permission list, nobody else
 * anything (public-project visitor permissions do not apply to a private project). Rules that
 * decide per object read `target`: users may act on their own record; a robot of the matrix
 * project is governed by the project's `robot` permission, a system robot by the system's, and a
 * robot of another project by nothing the matrix's principals hold there.
 */
export function tableAllows(
  rule: AccessRule,
  principal: TablePrincipal,
  table: PermissionTable,
  target: RouteTarget = { kind: 'none' },
): boolean {
  const system = (resource: string, action: string): boolean => {
    if (principal.kind === 'sysadmin') return true;
    if (principal.kind === 'robot') return holds(principal.system, resource, action);
    return false;
  };
  const project = (resource: string, action: string): boolean => {
    if (principal.kind === 'sysadmin') return true;
    if (principal.kind === 'member') return holds(table.projectRoles[principal.role], resource, action);
    if (principal.kind === 'robot') return holds(principal.project, resource, action);
    return false;
  };
  switch (rule.scope) {
    case 'public':
      return true;
    case 'authenticated':
      return principal.kind !== 'anonymous';
    case 'system':
      return system(rule.resource, rule.action);
    case 'project':
      return project(rule.resource, rule.action);
    case 'self-or-system':
      if (principal.kind === 'anonymous') return false;
      if (target.kind === 'user' && target.self && principal.kind !== 'robot') return true;
      return system(rule.resource, rule.action);
    case 'robot':
      if (principal.kind === 'anonymous' || target.kind !== 'robot') return false;
      if (target.level === 'system') return system('robot', rule.action);
      if (target.matrixProject) return project('robot', rule.action);
      return principal.kind === 'sysadmin';
  }
}

/** Runs `task` over `items` with at most `limit` in flight, answering results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
