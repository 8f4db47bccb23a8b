import { prismaOf, type Database, type Tx } from '../database.js';
import type { PrismaClient } from '../prisma-client.js';

/** One sort key of a listing; repositories add the id as the last tie-breaker. */
export interface SortKey<F extends string> {
  field: F;
  descending: boolean;
}

/** Rows to skip and to return. */
export interface Slice {
  offset: number;
  limit: number;
}

/** One page of rows and how many rows match in all. */
export interface Listing<T> {
  total: number;
  items: T[];
}

/** Prisma inside `tx`, or the process's client when the work runs alone. */
export function clientOf(database: Database, tx?: Tx): PrismaClient | Tx {
  return tx ? prismaOf(tx) : database.prisma;
}

/**
 * A substring for Prisma's `contains`, which passes LIKE's wildcards through: `%`, `_` and `\` in
 * what a client searches for match themselves only.
 */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** A JSON object column read as a string map: values of any other type are left out. */
export function stringMapOf(stored: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return result;
  for (const [key, value] of Object.entries(stored)) if (typeof value === 'string') result[key] = value;
  return result;
}

/** A JSON array column of strings (repository globs); anything else reads as empty. */
export function stringArrayOf(stored: unknown): string[] {
  return Array.isArray(stored) ? stored.filter((value): value is string => typeof value === 'string') : [];
}

export function orderOf<F extends string>(sort: readonly SortKey<F>[]): Record<string, 'asc' | 'desc'>[] {
  return sort.map((key) => ({ [key.field]: key.descending ? 'desc' : 'asc' }));
}
