import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';

/** The buttons at the end of a table row, kept on one line. */
export function RowActions({ children }: { children: ReactNode }) {
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      {children}
    </Group>
  );
}

/**
 * One row action. `label` names the row it acts on (e.g. "Delete label stable") for screen
 * readers and tests, since every row shows the same short text.
 */
export function RowAction({
  label,
  children,
  onClick,
  danger = false,
  loading = false,
}: {
  label: string;
  children: ReactNode;
  onClick: () => void;
  danger?: boolean;
  loading?: boolean;
}) {
  return (
    <Button
      size="compact-sm"
      variant="subtle"
      color={danger ? 'red' : undefined}
      aria-label={label}
      loading={loading}
      onClick={onClick}
    >
      {children}
    </Button>
  );
}
