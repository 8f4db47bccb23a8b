import { unwrap, type BerthClient } from '@berth/api-client';
import { queryOptions } from '@tanstack/react-query';

/** Query keys of the permissions a robot account may be given. */
export const permissionKeys = {
  all: ['permissions'] as const,
};

/** A resource and the actions on it a robot may be granted. */
export interface PermissionGroup {
  resource: string;
  actions: string[];
}

export interface RobotPermissionCatalog {
  /** Empty unless the caller is a system administrator. */
  system: PermissionGroup[];
  project: PermissionGroup[];
}

/** Harbor's flat `{resource, action}` list, grouped by resource in the order the server lists them. */
export function groupPermissions(
  list: { resource?: string; action?: string }[] | undefined,
): PermissionGroup[] {
  const groups = new Map<string, string[]>();
  for (const { resource, action } of list ?? []) {
    if (!resource || !action) continue;
    const actions = groups.get(resource) ?? [];
    if (!actions.includes(action)) actions.push(action);
    groups.set(resource, actions);
  }
  return [...groups].map(([resource, actions]) => ({ resource, actions }));
}

/**
 * `GET /permissions`: what robots may be given. Only system and project administrators may ask;
 * anyone else gets 403, which callers treat as "nothing to offer".
 */
export const robotPermissionCatalogQuery = (client: BerthClient) =>
  queryOptions({
    queryKey: permissionKeys.all,
    queryFn: async (): Promise<RobotPermissionCatalog> => {
      const permissions = unwrap(await client.api.GET('/permissions'));
      return { system: groupPermissions(permissions.system), project: groupPermissions(permissions.project) };
    },
    staleTime: 5 * 60_000,
  });
