import { Group, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatBytes } from './format';

/** Storage used against the quota; a full bar turns red, no limit shows only the usage. */
export function UsageBar({ used, limit, label }: { used: number; limit: number; label: string }) {
  const { t } = useTranslation();
  const unlimited = limit < 0;
  const percent = unlimited || limit === 0 ? 0 : Math.min(100, (used / limit) * 100);
  const color = percent >= 90 ? 'red' : percent >= 70 ? 'yellow' : 'teal';
  const text = t('projects.usage', {
    used: formatBytes(used),
    limit: unlimited ? t('projects.unlimited') : formatBytes(limit),
  });
  return (
    <Stack gap={2} miw={140}>
      {/* Mantine puts the progressbar role on the section, so the ARIA values go there; with no
          limit there is nothing to measure against and the bar is only decoration. */}
      <Progress.Root size="sm" aria-hidden={unlimited || undefined}>
        <Progress.Section
          value={unlimited ? 0 : percent}
          color={color}
          {...(unlimited ? {} : { 'aria-label': label, 'aria-valuetext': text })}
        />
      </Progress.Root>
      <Group gap={4}>
        <Text size="xs" c="dimmed">
          {text}
        </Text>
      </Group>
    </Stack>
  );
}
