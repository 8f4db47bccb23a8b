/**
 * The project permissions a robot may be granted, grouped by resource, in the order the picker
 * shows them (Harbor's project robot permissions that Berth's permission table knows).
 */
export const PROJECT_ROBOT_PERMISSIONS = [
  { resource: 'repository', actions: ['list', 'pull', 'push', 'delete'] },
  { resource: 'artifact', actions: ['read', 'list', 'delete'] },
  { resource: 'tag', actions: ['list', 'create', 'delete'] },
  { resource: 'artifact-label', actions: ['create', 'delete'] },
  { resource: 'accessory', actions: ['list'] },
  { resource: 'scan', actions: ['read', 'create', 'stop'] },
  { resource: 'sbom', actions: ['read', 'create', 'stop'] },
  { resource: 'label', actions: ['read', 'list', 'create', 'update', 'delete'] },
  { resource: 'immutable-tag', actions: ['list', 'create', 'update', 'delete'] },
  { resource: 'tag-retention', actions: ['read', 'list', 'create', 'update', 'delete', 'operate'] },
  { resource: 'notification-policy', actions: ['read', 'list', 'create', 'update', 'delete'] },
  { resource: 'log', actions: ['list'] },
  { resource: 'project', actions: ['read'] },
  { resource: 'metadata', actions: ['read'] },
  { resource: 'quota', actions: ['read'] },
] as const;

export type PermissionCatalog = readonly { resource: string; actions: readonly string[] }[];

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

/** `resource:action` strings as Harbor's Access list. */
export function toAccess(
  selected: Iterable<string>,
): { resource: string; action: string; effect: 'allow' }[] {
  return [...selected].sort().map((key) => {
    const [resource = '', action = ''] = key.split(':');
    return { resource, action, effect: 'allow' };
  });
}
