/**
 * The database's failures as the domain names them. Repositories throw these (never a Prisma or
 * `pg` error class), so services decide on a type, not on a driver's error code. Every error that
 * reaches a repository's caller passes through `toDomainError` once.
 */
export class DomainDataError extends Error {
  constructor(
    message: string,
    /** PostgreSQL's SQLSTATE, when the database raised it. */
    readonly sqlState: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A row with the same unique key exists (SQLSTATE 23505). `constraint` names the index when known. */
export class UniqueViolationError extends DomainDataError {
  constructor(
    readonly constraint: string | null,
    options?: { cause?: unknown },
  ) {
    super(`unique constraint ${constraint ?? '(unknown)'} violated`, '23505', options);
  }
}

/** A row refers to one that does not exist, or is still referred to (SQLSTATE 23503). */
export class ForeignKeyViolationError extends DomainDataError {
  constructor(
    readonly constraint: string | null,
    options?: { cause?: unknown },
  ) {
    super(`foreign key ${constraint ?? '(unknown)'} violated`, '23503', options);
  }
}

/** The row an update or delete needed is gone. */
export class RecordNotFoundError extends DomainDataError {
  constructor(message = 'record not found', options?: { cause?: unknown }) {
    super(message, null, options);
  }
}

/**
 * The database refused a value (SQLSTATE class 22: a NUL byte or invalid UTF-8 in text, a number
 * out of range, a malformed uuid…). Input validation at the edge refuses such values first; this is
 * the backstop that keeps them from answering 500.
 */
export class InvalidDataError extends DomainDataError {}

/**
 * Maps a Prisma or `pg` error to a domain error; anything else is returned unchanged. Prisma's
 * driver adapter carries PostgreSQL's SQLSTATE in `meta.driverAdapterError.cause.originalCode`,
 * `pg` in `code`.
 */
export function toDomainError(error: unknown): unknown {
  if (error instanceof DomainDataError) return error;
  if (typeof error !== 'object' || error === null) return error;
  const prismaCode = prismaErrorCode(error);
  if (prismaCode === 'P2025') {
    return new RecordNotFoundError('the record to change was not found', { cause: error });
  }
  const state = sqlStateOf(error);
  if (state === null) return error;
  const constraint = constraintOf(error);
  if (state === '23505') return new UniqueViolationError(constraint, { cause: error });
  if (state === '23503') return new ForeignKeyViolationError(constraint, { cause: error });
  if (state.startsWith('22')) return new InvalidDataError(dataErrorMessage(state), state, { cause: error });
  return error;
}

/** Runs `work`, rethrowing its failure as a domain error. */
export async function mapDatabaseErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDomainError(error);
  }
}

/** PostgreSQL's SQLSTATE of a `pg` or Prisma error, else null. */
export function sqlStateOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const record = error as { code?: unknown; meta?: unknown };
  const cause = adapterCause(record.meta);
  const original = cause?.originalCode ?? cause?.code;
  if (typeof original === 'string') return original;
  // Prisma's own codes (P1xxx, P2xxx…) look like SQLSTATEs but are not; PostgreSQL's P0xxx are.
  if (
    typeof record.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(record.code) &&
    !/^P[1-9]\d{3}$/.test(record.code)
  ) {
    return record.code;
  }
  return null;
}

function prismaErrorCode(error: object): string | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : null;
}

function adapterCause(meta: unknown): Record<string, unknown> | null {
  if (typeof meta !== 'object' || meta === null) return null;
  const adapter = (meta as { driverAdapterError?: unknown }).driverAdapterError;
  if (typeof adapter !== 'object' || adapter === null) return null;
  const cause = (adapter as { cause?: unknown }).cause;
  return typeof cause === 'object' && cause !== null ? (cause as Record<string, unknown>) : null;
}

function constraintOf(error: object): string | null {
  const pgConstraint = (error as { constraint?: unknown }).constraint;
  if (typeof pgConstraint === 'string') return pgConstraint;
  const constraint = adapterCause((error as { meta?: unknown }).meta)?.constraint;
  if (typeof constraint === 'object' && constraint !== null) {
    const index = (constraint as { index?: unknown }).index;
    if (typeof index === 'string') return index;
  }
  return null;
}

/** A message for the client: the kind of value refused, never the value or the SQL. */
function dataErrorMessage(state: string): string {
  switch (state) {
    case '22021':
      return 'a value contains a NUL byte or bytes that are not UTF-8';
    case '22003':
      return 'a number is out of range';
    case '22001':
      return 'a value is too long';
    case '22P02':
      return 'a value has the wrong format';
    case '22007':
    case '22008':
      return 'a date or time is invalid';
    default:
      return 'a value is invalid';
  }
}
