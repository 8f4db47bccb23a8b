import { z } from 'zod';

/**
 * The wire values every route shares: ids in paths, integers and booleans in query strings. Query
 * strings and paths carry text; these schemas parse it strictly and show the OpenAPI document the
 * type a client sends (Harbor's `integer`/`boolean`), not the text it travels as.
 */

export const MAX_INT64 = 2n ** 63n - 1n;

/** Harbor's numeric ids (`robot_id`, `user_id`, …): positive 64-bit integers, read as bigint. */
export const ZId = z
  .string()
  .regex(/^\d{1,19}$/, 'must be a positive integer')
  .transform(BigInt)
  .refine((id) => id >= 1n && id <= MAX_INT64, 'must be a positive integer of at most 64 bits')
  .meta({ type: 'integer', format: 'int64', minimum: 1, pattern: undefined });

/** An integer in a query string, within bounds, read as a number. */
export function queryInteger(name: string, min: number, max: number) {
  const message = `${name} must be an integer from ${min} to ${max}`;
  return z
    .string()
    .regex(/^-?\d{1,16}$/, message)
    .transform(Number)
    .pipe(z.number().int(message).min(min, message).max(max, message))
    .meta({ type: 'integer', format: 'int64', minimum: min, maximum: max, pattern: undefined });
}

/** Harbor's boolean query parameters: `true`/`false` as go-swagger reads them, `1`/`0` too. */
export function queryBoolean(name: string) {
  return z
    .enum(['true', 'false', '1', '0'], { message: `${name} must be true or false` })
    .transform((value) => value === 'true' || value === '1')
    .pipe(z.boolean())
    .meta({ type: 'boolean', enum: undefined });
}
