/**
 * The permission table lives in `@berth/domain` (packages/domain/src/rbac/rbac-policy.ts), so the
 * core and a worker read the same one; this re-export keeps the core's imports where they were.
 */
export {
  Action,
  ALL_PROJECT_PERMISSIONS,
  hasPermission,
  PROJECT_ROLE_NAMES,
  PROJECT_ROLE_PERMISSIONS,
  ProjectResource,
  ProjectRole,
  PUBLIC_PROJECT_PERMISSIONS,
  REGISTRY_ACTION_PERMISSION,
  SYSTEM_PERMISSIONS,
  SystemResource,
  type Permission,
} from '@berth/domain';
