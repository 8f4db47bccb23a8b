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
      <Progress
        value={unlimited ? 0 : percent}
        color={color}
        size="sm"
        aria-label={label}
        aria-valuetext={text}
      />
      <Group gap={4}>
        <Text size="xs" c="dimmed">
          {text}
        </Text>
      </Group>
    </Stack>
  );
}
