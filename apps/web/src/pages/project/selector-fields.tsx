import { Group, Select, TextInput } from '@mantine/core';

/**
 * One selector as Harbor's console asks for it: "matching" or "excluding", and a pattern. Several
 * comma-separated patterns become one doublestar alternation (`a,b` → `{a,b}`), as Harbor's console
 * does.
 */
export function SelectorFields({
  label,
  decorations,
  decoration,
  onDecoration,
  pattern,
  onPattern,
  patternLabel,
  hint,
}: {
  label: string;
  decorations: { value: string; label: string }[];
  decoration: string;
  onDecoration: (value: string) => void;
  pattern: string;
  onPattern: (value: string) => void;
  patternLabel: string;
  hint: string;
}) {
  return (
    <Group align="flex-start" wrap="nowrap">
      <Select
        label={label}
        aria-label={`${label}: ${decorations.map((d) => d.label).join(' / ')}`}
        data={decorations}
        value={decoration}
        allowDeselect={false}
        onChange={(value) => value && onDecoration(value)}
        w={140}
      />
      <TextInput
        label={patternLabel}
        description={hint}
        required
        value={pattern}
        onChange={(event) => onPattern(event.currentTarget.value)}
        style={{ flex: 1 }}
      />
    </Group>
  );
}

/** `a, b` → `{a,b}`; a single pattern as it is. */
export function toPattern(input: string): string {
  const parts = input
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (input.trim().startsWith('{') || parts.length <= 1) return input.trim();
  return `{${parts.join(',')}}`;
}

/** The inverse of toPattern for editing: `{a,b}` → `a,b`. */
export function fromPattern(pattern: string): string {
  return /^\{[^{}]*\}$/.test(pattern) && pattern.includes(',') ? pattern.slice(1, -1) : pattern;
}
