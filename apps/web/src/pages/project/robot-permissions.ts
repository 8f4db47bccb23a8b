import type { Schema } from '@berth/api-client';
import type { PermissionGroup } from '../../api/permissions';

/** The permissions a robot may be given, grouped by resource (from `GET /permissions`). */
export type PermissionCatalog = readonly PermissionGroup[];

/** Quick choices for the usual CI needs. */
export const ROBOT_PRESETS = {
  pull: ['repository:pull', 'artifact:read', 'artifact:list', 'tag:list', 'repository:list'],
  push: [
    'repository:pull',
    'repository:push',
    'repository:list',
    'artifact:read',
    'artifact:list',
    'tag:list',
    'tag:create',
  ],
} as const;

/** The namespace of a permission entry that covers every project, present and future. */
export const ALL_PROJECTS = '*';

/** `resource:action` strings as Harbor's Access list. */
export function toAccess(
  selected: Iterable<string>,
): { resource: string; action: string; effect: 'allow' }[] {
  return [...selected].sort().map((key) => {
    const [resource = '', action = ''] = key.split(':');
    return { resource, action, effect: 'allow' };
  });
}

/** Every `resource:action` of a catalog. */
export function catalogKeys(catalog: PermissionCatalog): string[] {
  return catalog.flatMap((group) => group.actions.map((action) => `${group.resource}:${action}`));
}

/** A project's permissions on a system robot: the project's name, or `*` for every project. */
export interface ProjectGrant {
  namespace: string;
  selected: ReadonlySet<string>;
}

/**
 * A system robot's permission entries as Harbor takes them: the system's (namespace `/`) when any
 * is chosen, then one per project that was given something. Entries left empty are dropped, since
 * the core refuses an entry without access.
 */
export function systemRobotPermissions(
  system: ReadonlySet<string>,
  projects: readonly ProjectGrant[],
): Schema<'RobotPermission'>[] {
  const entries: Schema<'RobotPermission'>[] = [];
  if (system.size > 0) entries.push({ kind: 'system', namespace: '/', access: toAccess(system) });
  for (const grant of projects) {
    const namespace = grant.namespace.trim();
    if (namespace && grant.selected.size > 0)
      entries.push({ kind: 'project', namespace, access: toAccess(grant.selected) });
  }
  return entries;
}

/** Where a robot's permissions apply, for the list: `/` is the system, `*` every project. */
export function robotNamespaces(permissions: Schema<'RobotPermission'>[] | undefined): string[] {
  return (permissions ?? []).map((entry) => entry.namespace ?? '').filter(Boolean);
}
