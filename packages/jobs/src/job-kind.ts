import type { z } from 'zod';

/** How long a failed run waits before the next attempt. */
export interface Backoff {
  /** `fixed`: `delayMs` every time; `exponential`: `delayMs`, then doubling (with jitter on pg-boss). */
  type: 'fixed' | 'exponential';
  delayMs: number;
}

/**
 * How an execution of this kind is split into tasks (Harbor's execution/task model): `one` task for
 * the whole run (garbage collection, audit purge), or `many` (one per repository or delivery).
 */
export type ExecutionShape = 'one' | 'many';

/**
 * A kind whose runs must never overlap: `true` for one run at a time across every worker, or a
 * function naming the scope a run locks (two runs with different scopes may overlap).
 */
export type Exclusivity<P> = boolean | ((payload: P) => string);

export interface JobKindOptions<N extends string, S extends z.ZodType> {
  /** The queue's name: lower case, digits and `_`. Never renamed once deployed (queued jobs carry it). */
  name: N;
  /** Harbor's vendor type of this kind's executions (`GARBAGE_COLLECTION`, `RETENTION`…). */
  vendorType: string;
  /** One sentence for the docs and the job service's listing. */
  description: string;
  /** The task payload; parsed before a processor sees it, so a processor gets typed, valid input. */
  payload: S;
  execution: ExecutionShape;
  /** Tasks of this kind one worker process runs at once. Default 1. */
  concurrency?: number;
  /** Runs of a task in all, the first included. Default 3. */
  attempts?: number;
  /** Default: exponential from 5 s. */
  backoff?: Backoff;
  /** Default false. */
  exclusive?: Exclusivity<z.output<S>>;
}

/** A job kind as the queue, the runtime and the API see it. Built by `defineJobKind` only. */
export interface JobKind<N extends string = string, S extends z.ZodType = z.ZodType> {
  readonly name: N;
  readonly vendorType: string;
  readonly description: string;
  readonly payload: S;
  readonly execution: ExecutionShape;
  readonly concurrency: number;
  readonly attempts: number;
  readonly backoff: Backoff;
  readonly exclusive: Exclusivity<z.output<S>>;
}

/** The payload type of a kind, as a processor gets it (defaults applied). */
export type PayloadOf<K extends JobKind> = z.output<K['payload']>;

/** The payload a caller may give for a kind (fields with defaults may be left out). */
export type PayloadInputOf<K extends JobKind> = z.input<K['payload']>;

const KIND_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const VENDOR_TYPE = /^[A-Z][A-Z0-9_]{0,62}$/;

/**
 * Declares a job kind. Every kind of the product is declared once in `kinds.ts` and listed in
 * `JOB_KINDS`; tests declare their own with this same function. Throws on a malformed declaration,
 * so a bad kind fails at import, not when its first job runs.
 */
export function defineJobKind<N extends string, S extends z.ZodType>(
  options: JobKindOptions<N, S>,
): JobKind<N, S> {
  if (!KIND_NAME.test(options.name)) {
    throw new Error(`job kind name "${options.name}" must match ${KIND_NAME.source}`);
  }
  if (!VENDOR_TYPE.test(options.vendorType)) {
    throw new Error(
      `vendor type "${options.vendorType}" of job kind ${options.name} must match ${VENDOR_TYPE.source}`,
    );
  }
  const concurrency = options.concurrency ?? 1;
  const attempts = options.attempts ?? 3;
  const backoff = options.backoff ?? { type: 'exponential', delayMs: 5000 };
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`job kind ${options.name}: concurrency must be a positive integer`);
  }
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new Error(`job kind ${options.name}: attempts must be a positive integer`);
  }
  if (!(backoff.delayMs >= 0)) throw new Error(`job kind ${options.name}: backoff delay must be >= 0`);
  return Object.freeze({
    name: options.name,
    vendorType: options.vendorType,
    description: options.description,
    payload: options.payload,
    execution: options.execution,
    concurrency,
    attempts,
    backoff: Object.freeze({ ...backoff }),
    exclusive: options.exclusive ?? false,
  });
}

/**
 * The lock scope a run of `kind` with `payload` must hold, or null when runs may overlap. Two runs
 * with the same scope never run at once, on any worker.
 */
export function exclusiveScopeOf<K extends JobKind>(kind: K, payload: PayloadOf<K>): string | null {
  const { exclusive } = kind;
  if (exclusive === false) return null;
  if (exclusive === true) return kind.name;
  return `${kind.name}:${exclusive(payload)}`;
}

/** Indexes kinds by name; throws when two share a name or a vendor type. */
export function indexJobKinds<K extends JobKind>(kinds: readonly K[]): ReadonlyMap<string, K> {
  const byName = new Map<string, K>();
  const vendorTypes = new Map<string, string>();
  for (const kind of kinds) {
    if (byName.has(kind.name)) throw new Error(`job kind ${kind.name} is declared twice`);
    const other = vendorTypes.get(kind.vendorType);
    if (other) throw new Error(`job kinds ${other} and ${kind.name} share vendor type ${kind.vendorType}`);
    byName.set(kind.name, kind);
    vendorTypes.set(kind.vendorType, kind.name);
  }
  return byName;
}
