/** Who is making a request, as resolved once per request by AuthenticationService. */
export type Principal = AnonymousPrincipal | UserPrincipal | RobotPrincipal;

export interface AnonymousPrincipal {
  kind: 'anonymous';
}

export interface UserPrincipal {
  kind: 'user';
  id: bigint;
  username: string;
  sysadmin: boolean;
}

export interface RobotPrincipal {
  kind: 'robot';
  id: bigint;
  /** Full name as used to log in, e.g. `robot$ci` or `robot$project+ci`. */
  name: string;
  level: 'system' | 'project';
  projectId: bigint | null;
  permissions: RobotPermission[];
}

/** Harbor's robot permission list entry. */
export interface RobotPermission {
  /** 'project' for a project's resources, 'system' for system resources. */
  kind: 'project' | 'system';
  /** Project name, `*` for every project, `/` for the system. */
  namespace: string;
  access: { resource: string; action: string; effect?: 'allow' | 'deny' }[];
}

export const ANONYMOUS: AnonymousPrincipal = { kind: 'anonymous' };

export function principalName(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return principal.username;
    case 'robot':
      return principal.name;
  }
}
