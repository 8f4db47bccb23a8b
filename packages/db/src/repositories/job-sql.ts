import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';

/**
 * Runs one SQL statement on the pool, or inside `tx` when given, and returns its rows, with
 * failures as domain errors. The job repositories write plain SQL (their statements are the
 * claims and guarded updates that keep two workers from stepping on each other).
 */
export async function queryRows<R>(
  database: Database,
  tx: Tx | undefined,
  text: string,
  params: unknown[],
): Promise<R[]> {
  return mapDatabaseErrors(async () => {
    if (tx) return prismaOf(tx).$queryRawUnsafe<R[]>(text, ...params);
    return (await database.pool.query(text, params)).rows as R[];
  });
}

/** An int8 as `pg` (a string) or Prisma (a bigint) returns it. */
export function int8(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(value as string | number);
}

export function int8OrNull(value: unknown): bigint | null {
  return value === null || value === undefined ? null : int8(value);
}

/** A JSON object column; anything else reads as empty. */
export function jsonObject(value: unknown): Record<string, unknown> {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

export function json(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

export function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(value as string | Date);
}
