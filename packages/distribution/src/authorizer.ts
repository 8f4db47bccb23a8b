import type { IncomingMessage } from 'node:http';

export type RegistryAction = 'pull' | 'push' | 'delete';

/** One repository and what the request needs there; `repository` is null for `GET /v2/` and catalog. */
export interface AccessRequest {
  repository: string | null;
  actions: RegistryAction[];
  /** `base` is `GET /v2/`, `catalog` is `_catalog`; a cross-repository mount asks once per repository. */
  kind: 'base' | 'catalog' | 'repository';
}

export type AuthorizationResult =
  | { allowed: true; subject?: string }
  | {
      allowed: false;
      /** 401 asks for credentials (with `WWW-Authenticate`), 403 refuses the credentials given. */
      status: 401 | 403;
      challenge?: string;
      message: string;
    };

/**
 * Decides whether a request may do `actions` on `repository`. Asked on every `/v2/` request
 * before any other work; the core plugs token verification in here.
 */
export interface Authorizer {
  authorize(req: IncomingMessage, access: AccessRequest): Promise<AuthorizationResult> | AuthorizationResult;
}

/** Allows everything: the embedded default until identity exists. */
export class AllowAllAuthorizer implements Authorizer {
  authorize(): AuthorizationResult {
    return { allowed: true };
  }
}
