import type { Schema } from '@berth/api-client';
import { Alert, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { attachableLabelsQuery, useAddLabel, useRemoveLabel, type ArtifactRef } from '../../api/artifacts';
import { useClient } from '../../api/client';
import { LabelBadge } from './label-badge';

/** The labels on an artifact: attach one of the global or project labels, detach one. */
export function ArtifactLabels({
  artifactRef,
  projectId,
  labels,
  canAdd,
  canRemove,
}: {
  artifactRef: ArtifactRef;
  projectId: number;
  labels: Schema<'Label'>[];
  canAdd: boolean;
  canRemove: boolean;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const attachable = useQuery({ ...attachableLabelsQuery(client, projectId), enabled: canAdd });
  const add = useAddLabel(artifactRef);
  const remove = useRemoveLabel(artifactRef);
  const attached = new Set(labels.map((label) => label.id));
  const options = (attachable.data ?? []).filter((label) => !attached.has(label.id));
  const failure = add.error ?? remove.error;

  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('artifact.labels')}
      </Title>
      {labels.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('artifact.noLabels')}
        </Text>
      ) : (
        <Group gap="xs">
          {labels.map((label) => (
            <LabelBadge
              key={label.id}
              label={label}
              disabled={remove.isPending}
              removeLabel={t('artifact.removeLabel', { name: label.name })}
              onRemove={canRemove && label.id !== undefined ? () => remove.mutate(label.id!) : undefined}
            />
          ))}
        </Group>
      )}
      {canAdd && attachable.isSuccess && options.length === 0 && (
        <Text size="xs" c="dimmed">
          {t('artifact.noAttachableLabels')}
        </Text>
      )}
      {canAdd && attachable.isSuccess && options.length > 0 && (
        <Select
          label={t('artifact.addLabel')}
          placeholder={t('artifact.addLabelPlaceholder')}
          data={options.map((label) => ({ value: String(label.id), label: label.name ?? '' }))}
          disabled={add.isPending}
          value={null}
          searchable
          onChange={(value) => {
            const label = options.find((candidate) => String(candidate.id) === value);
            if (label) add.mutate(label);
          }}
          w={320}
        />
      )}
      {failure && (
        <Alert color="red" role="alert">
          {t('artifact.labelFailed', { message: failure.message })}
        </Alert>
      )}
    </Stack>
  );
}
