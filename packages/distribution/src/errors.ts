/** OCI distribution error codes, registered once with their HTTP status and default message. */
export const ERROR_CODES = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  // 400 as CNCF distribution answers it (the spec's table leaves the status open), which Docker
  // clients read as "push the missing blobs first".
  MANIFEST_BLOB_UNKNOWN: {
    status: 400,
    message: 'manifest references a manifest or blob unknown to registry',
  },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  // Not in the distribution-spec's table; CNCF distribution answers these for bad `n` and on faults.
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  // Berth's: a query parameter that cannot be a tag, name or media type (a NUL byte, invalid UTF-8).
  PARAMETER_INVALID: { status: 400, message: 'invalid query parameter' },
  UNKNOWN: { status: 500, message: 'unknown error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error the engine answers in the OCI error shape: `{"errors":[{code,message,detail}]}`. */
export class RegistryError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly detail?: unknown,
    options: { status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'RegistryError';
    this.status = options.status ?? ERROR_CODES[code].status;
    this.headers = options.headers ?? {};
  }

  toJSON(): { errors: { code: string; message: string; detail?: unknown }[] } {
    const entry: { code: string; message: string; detail?: unknown } = {
      code: this.code,
      message: this.message,
    };
    if (this.detail !== undefined) entry.detail = this.detail;
    return { errors: [entry] };
  }
}
