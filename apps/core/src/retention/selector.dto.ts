import { z } from 'zod';
import type { Selector } from '@berth/db';

/** Harbor's RetentionSelector / ImmutableSelector as a request field. */
export const ZSelectorRequest = z.strictObject({
  kind: z.string({ message: 'selector kind must be a string ("doublestar")' }).max(64),
  decoration: z.string({ message: 'selector decoration must be a string' }).max(64),
  pattern: z.string({ message: 'selector pattern must be a string' }).max(1024),
  extras: z.string().max(1024).optional(),
});
export type TSelectorRequest = z.output<typeof ZSelectorRequest>;

/** Harbor's `scope_selectors`: selectors by scope (`repository`). */
export const ZScopeSelectorsRequest = z.record(z.string().max(64), z.array(ZSelectorRequest).max(16));

export const ZRetentionSelector = z
  .object({ kind: z.string(), decoration: z.string(), pattern: z.string(), extras: z.string() })
  .meta({ id: 'RetentionSelector' });
export const ZImmutableSelector = z
  .object({ kind: z.string(), decoration: z.string(), pattern: z.string(), extras: z.string() })
  .meta({ id: 'ImmutableSelector' });

export function toSelector(selector: TSelectorRequest): Selector {
  return {
    kind: selector.kind,
    decoration: selector.decoration,
    pattern: selector.pattern,
    extras: selector.extras ?? '',
  };
}

export function toScopeSelectors(scopes: Record<string, TSelectorRequest[]>): Record<string, Selector[]> {
  return Object.fromEntries(Object.entries(scopes).map(([scope, list]) => [scope, list.map(toSelector)]));
}

export function selectorDto(selector: Selector): z.infer<typeof ZRetentionSelector> {
  return {
    kind: selector.kind,
    decoration: selector.decoration,
    pattern: selector.pattern,
    extras: selector.extras,
  };
}
