/**
 * Who may do what: the one permission table. The API guard, the `/v2/` authorizer and
 * `GET /api/v2.0/users/current/permissions` all read it, and the authorization test matrix is
 * generated from it. Project roles follow Harbor's `src/common/rbac/project/rbac_role.go`.
 */

export const ProjectResource = {
  Self: 'project',
  Member: 'member',
  Metadata: 'metadata',
  Log: 'log',
  Label: 'label',
  Quota: 'quota',
  Repository: 'repository',
  TagRetention: 'tag-retention',
  ImmutableTag: 'immutable-tag',
  Configuration: 'configuration',
  Robot: 'robot',
  NotificationPolicy: 'notification-policy',
  Scan: 'scan',
  Scanner: 'scanner',
  Artifact: 'artifact',
  ArtifactAddition: 'artifact-addition',
  Tag: 'tag',
  Accessory: 'accessory',
  ArtifactLabel: 'artifact-label',
  PreheatPolicy: 'preheat-policy',
  Sbom: 'sbom',
} as const;
export type ProjectResource = (typeof ProjectResource)[keyof typeof ProjectResource];

export const Action = {
  Create: 'create',
  Read: 'read',
  Update: 'update',
  Delete: 'delete',
  List: 'list',
  Pull: 'pull',
  Push: 'push',
  Operate: 'operate',
  Stop: 'stop',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

export interface Permission {
  resource: string;
  action: Action;
}

/** Harbor's project role ids, as the members API speaks them. */
export const ProjectRole = {
  ProjectAdmin: 1,
  Developer: 2,
  Guest: 3,
  Maintainer: 4,
  LimitedGuest: 5,
} as const;
export type ProjectRole = (typeof ProjectRole)[keyof typeof ProjectRole];

export const PROJECT_ROLE_NAMES: Record<ProjectRole, string> = {
  1: 'projectAdmin',
  2: 'developer',
  3: 'guest',
  4: 'maintainer',
  5: 'limitedGuest',
};

type Grants = Partial<Record<string, Action[]>>;

const R = ProjectResource;
const { Create: C, Read: Rd, Update: U, Delete: D, List: L, Pull, Push, Operate, Stop } = Action;

const PROJECT_ADMIN: Grants = {
  [R.Self]: [Rd, U, D],
  [R.Member]: [C, Rd, U, D, L],
  [R.Metadata]: [C, Rd, U, D],
  [R.Log]: [L],
  [R.Label]: [C, Rd, U, D, L],
  [R.Quota]: [Rd],
  [R.Repository]: [C, Rd, U, D, L, Pull, Push],
  [R.TagRetention]: [C, Rd, U, D, L, Operate],
  [R.ImmutableTag]: [C, U, D, L],
  [R.Configuration]: [Rd, U],
  [R.Robot]: [C, Rd, U, D, L],
  [R.NotificationPolicy]: [C, U, D, L, Rd],
  [R.Scan]: [C, Rd, Stop],
  [R.Scanner]: [Rd, C],
  [R.Artifact]: [C, Rd, D, L],
  [R.ArtifactAddition]: [Rd],
  [R.Tag]: [L, C, D],
  [R.Accessory]: [L],
  [R.ArtifactLabel]: [C, D],
  [R.PreheatPolicy]: [C, Rd, U, D, L],
  [R.Sbom]: [C, Rd, Stop],
};

const MAINTAINER: Grants = {
  [R.Self]: [Rd],
  [R.Member]: [Rd, L],
  [R.Metadata]: [C, Rd, U, D],
  [R.Log]: [L],
  [R.Quota]: [Rd],
  [R.Label]: [C, Rd, U, D, L],
  [R.Repository]: [C, Rd, U, D, L, Push, Pull],
  [R.TagRetention]: [C, Rd, U, D, L, Operate],
  [R.Accessory]: [L],
  [R.ImmutableTag]: [C, U, D, L],
  [R.Configuration]: [Rd],
  [R.Robot]: [Rd, L],
  [R.NotificationPolicy]: [L],
  [R.Scan]: [C, Rd, Stop],
  [R.Scanner]: [Rd],
  [R.Artifact]: [C, Rd, D, L],
  [R.ArtifactAddition]: [Rd],
  [R.Tag]: [L, C, D],
  [R.ArtifactLabel]: [C, D],
  [R.Sbom]: [C, Rd, Stop],
};

const DEVELOPER: Grants = {
  [R.Self]: [Rd],
  [R.Member]: [Rd, L],
  [R.Log]: [L],
  [R.Label]: [Rd, L],
  [R.Quota]: [Rd],
  [R.Repository]: [C, Rd, U, L, Push, Pull],
  [R.TagRetention]: [C, Rd, U, D, L, Operate],
  [R.Configuration]: [Rd],
  [R.Robot]: [Rd, L],
  [R.Scan]: [Rd],
  [R.Scanner]: [Rd],
  [R.Artifact]: [C, Rd, L],
  [R.ArtifactAddition]: [Rd],
  [R.Tag]: [L, C],
  [R.Accessory]: [L],
  [R.ArtifactLabel]: [C, D],
  [R.Sbom]: [Rd],
};

const GUEST: Grants = {
  [R.Self]: [Rd],
  [R.Member]: [Rd, L],
  [R.Log]: [L],
  [R.Label]: [Rd, L],
  [R.Quota]: [Rd],
  [R.Repository]: [Rd, L, Pull],
  [R.Configuration]: [Rd],
  [R.Robot]: [Rd, L],
  [R.Scan]: [Rd],
  [R.Scanner]: [Rd],
  [R.Tag]: [L],
  [R.Accessory]: [L],
  [R.Artifact]: [Rd, L],
  [R.ArtifactAddition]: [Rd],
  [R.Sbom]: [Rd],
};

const LIMITED_GUEST: Grants = {
  [R.Self]: [Rd],
  [R.Quota]: [Rd],
  [R.Repository]: [L, Pull],
  [R.Configuration]: [Rd],
  [R.Scan]: [Rd],
  [R.Scanner]: [Rd],
  [R.Tag]: [L],
  [R.Accessory]: [L],
  [R.Artifact]: [Rd, L],
  [R.ArtifactAddition]: [Rd],
  [R.Sbom]: [Rd],
};

/** What anyone, signed in or not, may do in a public project (Harbor's public-project visitor). */
const PUBLIC_PROJECT_VISITOR: Grants = {
  [R.Self]: [Rd],
  [R.Label]: [Rd, L],
  [R.Repository]: [Rd, L, Pull],
  [R.Artifact]: [Rd, L],
  [R.ArtifactAddition]: [Rd],
  [R.Tag]: [L],
  [R.Accessory]: [L],
  [R.Scan]: [Rd],
  [R.Scanner]: [Rd],
  [R.Sbom]: [Rd],
};

function expand(grants: Grants): Permission[] {
  return Object.entries(grants).flatMap(([resource, actions]) =>
    (actions ?? []).map((action) => ({ resource, action })),
  );
}

export const PROJECT_ROLE_PERMISSIONS: Record<ProjectRole, readonly Permission[]> = {
  [ProjectRole.ProjectAdmin]: expand(PROJECT_ADMIN),
  [ProjectRole.Maintainer]: expand(MAINTAINER),
  [ProjectRole.Developer]: expand(DEVELOPER),
  [ProjectRole.Guest]: expand(GUEST),
  [ProjectRole.LimitedGuest]: expand(LIMITED_GUEST),
};

export const PUBLIC_PROJECT_PERMISSIONS: readonly Permission[] = expand(PUBLIC_PROJECT_VISITOR);

/** Every project-level permission any role holds: the universe robots may be granted from. */
export const ALL_PROJECT_PERMISSIONS: readonly Permission[] =
  PROJECT_ROLE_PERMISSIONS[ProjectRole.ProjectAdmin];

/**
 * System-level resources (namespace `/`): only system administrators hold these, apart from
 * what a system robot is granted.
 */
export const SystemResource = {
  AuditLog: 'audit-log',
  Catalog: 'catalog',
  Configuration: 'configuration',
  GarbageCollection: 'garbage-collection',
  Label: 'label',
  Project: 'project',
  Quota: 'quota',
  Registry: 'registry',
  Replication: 'replication',
  Robot: 'robot',
  ScanAll: 'scan-all',
  Scanner: 'scanner',
  Statistic: 'statistic',
  User: 'user',
  UserGroup: 'user-group',
  JobServiceMonitor: 'jobservice-monitor',
  PurgeAuditLog: 'purge-audit',
} as const;
export type SystemResource = (typeof SystemResource)[keyof typeof SystemResource];

const S = SystemResource;
export const SYSTEM_PERMISSIONS: readonly Permission[] = expand({
  [S.AuditLog]: [L],
  [S.Catalog]: [Rd],
  [S.Configuration]: [Rd, U],
  [S.GarbageCollection]: [C, Rd, U, L, Stop],
  [S.PurgeAuditLog]: [C, Rd, U, L, Stop],
  [S.Label]: [C, Rd, U, D, L],
  [S.Project]: [C, L],
  [S.Quota]: [Rd, U, L],
  [S.Registry]: [C, Rd, U, D, L],
  [S.Replication]: [C, Rd, U, D, L],
  [S.Robot]: [C, Rd, U, D, L],
  [S.ScanAll]: [C, Rd, U, Stop],
  [S.Scanner]: [C, Rd, U, D, L],
  [S.Statistic]: [Rd],
  [S.User]: [C, Rd, U, D, L],
  [S.UserGroup]: [C, Rd, U, D, L],
  [S.JobServiceMonitor]: [L, Stop],
});

export function hasPermission(permissions: readonly Permission[], resource: string, action: Action): boolean {
  return permissions.some((permission) => permission.resource === resource && permission.action === action);
}

/** Maps a `/v2/` action to the repository permission it needs. */
export const REGISTRY_ACTION_PERMISSION: Record<'pull' | 'push' | 'delete', Permission> = {
  pull: { resource: ProjectResource.Repository, action: Action.Pull },
  push: { resource: ProjectResource.Repository, action: Action.Push },
  delete: { resource: ProjectResource.Repository, action: Action.Delete },
};
