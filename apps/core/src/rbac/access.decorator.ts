import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { Action } from './rbac-policy.js';
import type { ProjectRef } from './access-control.service.js';

export const ACCESS_RULE = 'berth:access-rule';

/** What a route requires. Every route declares one; a route without is refused (default deny). */
export type AccessRule =
  | { scope: 'public' }
  | { scope: 'authenticated' }
  | { scope: 'system'; resource: string; action: Action }
  /**
   * The user the route names (`param`, Harbor's `user_id`) is the caller, or the caller holds the
   * system permission (`user` `read`/`update`): a user's own record, or anyone's for administrators.
   */
  | { scope: 'self-or-system'; param: string; resource: string; action: Action }
  /**
   * The robot account the route names (`param`): a system robot needs the system `robot`
   * permission, a project robot its project's `robot` permission (Harbor's robot handler).
   */
  | { scope: 'robot'; param: string; action: Action }
  | {
      scope: 'project';
      resource: string;
      action: Action;
      /** Route parameter naming the project (Harbor's `project_name_or_id`). */
      param?: string;
    };

export const Access = (rule: AccessRule) => SetMetadata(ACCESS_RULE, rule);

/** Request fields the access guard fills in. */
export interface AuthorizedRequest {
  principal?: Principal;
  project?: ProjectRef & { ownerId: bigint | null };
}

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const request = context.switchToHttp().getRequest<AuthorizedRequest>();
    if (!request.principal) throw new Error('CurrentPrincipal used on a route the access guard did not see');
    return request.principal;
  },
);

export const CurrentProject = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<AuthorizedRequest>();
  if (!request.project) throw new Error('CurrentProject used on a route without a project access rule');
  return request.project;
});
