import type { Schema } from '@berth/api-client';
import { Badge, CloseButton, Tooltip } from '@mantine/core';

/** A label in its own colour (Harbor stores `#rrggbb`); removable when `onRemove` is given. */
export function LabelBadge({
  label,
  onRemove,
  removeLabel,
  disabled,
}: {
  label: Schema<'Label'>;
  onRemove?: () => void;
  removeLabel?: string;
  disabled?: boolean;
}) {
  const color = /^#[0-9a-f]{3,8}$/i.test(label.color ?? '') ? label.color : 'gray';
  const badge = (
    <Badge
      color={color}
      variant="light"
      tt="none"
      rightSection={
        onRemove ? (
          <CloseButton size="xs" onClick={onRemove} aria-label={removeLabel} disabled={disabled} />
        ) : undefined
      }
    >
      {label.name}
    </Badge>
  );
  return label.description ? (
    <Tooltip label={label.description} withArrow>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
