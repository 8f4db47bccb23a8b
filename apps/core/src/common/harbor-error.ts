/**
 * Errors of the management API, answered in Harbor's shape `{"errors":[{"code","message"}]}` by
 * HarborExceptionFilter. The code table is Harbor's (`src/lib/errors/const.go`).
 */
export const HARBOR_ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  DENIED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_ENTITY: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
} as const;

export type HarborErrorCode = keyof typeof HARBOR_ERROR_STATUS;

export class HarborError extends Error {
  readonly status: number;

  constructor(
    readonly code: HarborErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HarborError';
    this.status = HARBOR_ERROR_STATUS[code];
  }

  static badRequest(message: string): HarborError {
    return new HarborError('BAD_REQUEST', message);
  }
  static unauthorized(message = 'unauthorized'): HarborError {
    return new HarborError('UNAUTHORIZED', message);
  }
  static forbidden(message = 'forbidden'): HarborError {
    return new HarborError('FORBIDDEN', message);
  }
  static notFound(message: string): HarborError {
    return new HarborError('NOT_FOUND', message);
  }
  static conflict(message: string): HarborError {
    return new HarborError('CONFLICT', message);
  }
  static precondition(message: string): HarborError {
    return new HarborError('PRECONDITION', message);
  }
}
