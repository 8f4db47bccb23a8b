import { randomUUID } from 'node:crypto';
import { ImmutableTagError, RegistryError, type ChangeOrigin } from '@berth/distribution';
import { principalName, type Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';

/** Who asks for a change through the API, and from where. */
export interface RequestContext {
  principal: Principal;
  clientIp: string;
  /** The request's `Host` (webhooks' resource URLs name it when there is no external URL). */
  host?: string;
}

/**
 * The ChangeOrigin of an API request: its events say who and from where as those of `/v2/` do, so
 * a change made in the console looks like one made with a registry client downstream.
 */
export function apiOrigin(context: RequestContext): ChangeOrigin {
  return {
    actor: context.principal.kind === 'anonymous' ? null : principalName(context.principal),
    request: {
      id: randomUUID(),
      addr: context.clientIp,
      host: context.host ?? '',
      method: 'API',
      useragent: 'berth-api',
    },
    sourceAddr: '',
  };
}

/** Runs an engine operation, answering its refusals in Harbor's shape. */
export async function throughEngine<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw error instanceof RegistryError ? toHarborError(error) : error;
  }
}

function toHarborError(error: RegistryError): HarborError {
  // Harbor answers a change of an immutable tag with 412, naming the tag (and, here, the rule).
  if (error instanceof ImmutableTagError) return HarborError.precondition(error.message);
  switch (error.code) {
    case 'BLOB_UNKNOWN':
    case 'MANIFEST_UNKNOWN':
    case 'NAME_UNKNOWN':
      return HarborError.notFound(error.message);
    case 'MANIFEST_BLOB_UNKNOWN':
      return HarborError.precondition(`content missing: ${error.message}`);
    case 'DENIED':
      return error.status === 409
        ? HarborError.conflict(error.message)
        : new HarborError('DENIED', error.message);
    case 'MANIFEST_INVALID':
    case 'NAME_INVALID':
    case 'DIGEST_INVALID':
      return HarborError.badRequest(error.message);
    default:
      return new HarborError('INTERNAL_SERVER_ERROR', error.message);
  }
}
