import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthenticationService, CSRF_HEADER } from '../auth/authentication.service.js';
import type { Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { ProjectLookupService } from './project-lookup.service.js';
import { AccessControlService } from './access-control.service.js';
import { ACCESS_RULE, type AccessRule, type AuthorizedRequest } from './access.decorator.js';
import { ProjectResource, SystemResource } from './rbac-policy.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The global guard of the management API: authenticates, checks CSRF for cookie sessions, and
 * enforces the route's AccessRule against the permission table, including the rules that depend on
 * the object a route names (a user's own record, a robot's level and project).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthenticationService) private readonly authentication: AuthenticationService,
    @Inject(AccessControlService) private readonly access: AccessControlService,
    @Inject(ProjectLookupService) private readonly projects: ProjectLookupService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw HarborError.forbidden('this route declares no access rule');
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthorizedRequest>();

    const { principal, csrfToken } = await this.authentication.authenticate({
      authorization: request.headers.authorization,
      cookie: request.headers.cookie,
      address: request.ip,
    });
    request.principal = principal;
    if (csrfToken !== undefined && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (sent !== csrfToken) throw HarborError.forbidden('CSRF token missing or invalid');
    }

    switch (rule.scope) {
      case 'public':
        return true;
      case 'authenticated':
        return requireSignedIn(principal);
      case 'system':
        if (await this.access.canSystem(principal, rule.resource, rule.action)) return true;
        return deny(principal);
      case 'self-or-system': {
        requireSignedIn(principal);
        const id = (request.params as Record<string, string | undefined>)[rule.param];
        if (principal.kind === 'user' && id !== undefined && id === String(principal.id)) return true;
        if (await this.access.canSystem(principal, rule.resource, rule.action)) return true;
        return deny(principal);
      }
      case 'robot': {
        requireSignedIn(principal);
        const id = (request.params as Record<string, string | undefined>)[rule.param] ?? '';
        if (!/^\d{1,18}$/.test(id)) {
          throw HarborError.badRequest(`${rule.param} must be a positive integer, got "${id.slice(0, 40)}"`);
        }
        const robot = await this.projects.findRobot(BigInt(id));
        if (!robot) throw HarborError.notFound(`robot account ${id} not found`);
        const allowed =
          robot.level === 'system'
            ? await this.access.canSystem(principal, SystemResource.Robot, rule.action)
            : robot.project !== null &&
              (await this.access.can(principal, robot.project, ProjectResource.Robot, rule.action));
        if (allowed) return true;
        return deny(principal);
      }
      case 'project': {
        const params = request.params as Record<string, string | undefined>;
        const key = params[rule.param ?? 'project_name_or_id'];
        if (key === undefined)
          throw new Error(`route has no project parameter ${rule.param ?? 'project_name_or_id'}`);
        // Harbor's `project_name` parameters are always names; `project_name_or_id` is an id when
        // numeric unless the client says otherwise.
        const byName =
          (rule.param ?? 'project_name_or_id') === 'project_name' ||
          String(request.headers['x-is-resource-name']).toLowerCase() === 'true';
        const project = await this.projects.find(key, byName);
        if (!project) {
          if (principal.kind === 'anonymous') throw HarborError.unauthorized();
          throw HarborError.notFound(`project ${key} not found`);
        }
        request.project = project;
        const repository =
          params.repository_name === undefined ? undefined : decodeRepositoryName(params.repository_name);
        if (await this.access.can(principal, project, rule.resource, rule.action, repository)) return true;
        return deny(principal);
      }
    }
  }
}

function requireSignedIn(principal: Principal): true {
  if (principal.kind === 'anonymous') throw HarborError.unauthorized();
  return true;
}

function deny(principal: Principal): never {
  if (principal.kind === 'anonymous') throw HarborError.unauthorized();
  throw HarborError.forbidden();
}

/** Harbor clients encode a repository path's slashes twice (`a%252Fb`); routers decode once. */
export function decodeRepositoryName(value: string): string {
  return value.includes('%2F') || value.includes('%2f') ? decodeURIComponent(value) : value;
}
