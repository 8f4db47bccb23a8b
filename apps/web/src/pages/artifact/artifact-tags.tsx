import type { Schema } from '@berth/api-client';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useState } from 'react';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useCreateTag, useDeleteTag, type ArtifactRef } from '../../api/artifacts';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { EmptyState } from '../../components/states';
import { isSet } from '../repository-page';

/** The distribution spec's tag grammar, as the core checks it. */
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** An artifact's tags: add one, delete one after confirming (each only with the permission). */
export function ArtifactTags({
  artifactRef,
  tags,
  canCreate,
  canDelete,
}: {
  artifactRef: ArtifactRef;
  tags: Schema<'Tag'>[];
  canCreate: boolean;
  canDelete: boolean;
}) {
  const { t, i18n } = useTranslation();
  const create = useCreateTag(artifactRef);
  const remove = useDeleteTag(artifactRef);
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState<string | null>(null);
  const nameError = name !== '' && !TAG.test(name) ? t('artifact.tagInvalid') : null;

  const closeDelete = () => {
    remove.reset();
    setDeleting(null);
  };

  return (
    <Stack>
      {canCreate && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!name || nameError) return;
            create.mutate(name, { onSuccess: () => setName('') });
          }}
        >
          <Group align="flex-start">
            <TextInput
              label={t('artifact.newTag')}
              description={t('artifact.newTagHint')}
              value={name}
              error={nameError}
              onChange={(event) => {
                create.reset();
                setName(event.currentTarget.value.trim());
              }}
              w={320}
            />
            <Button type="submit" mt={42} loading={create.isPending} disabled={!name || !!nameError}>
              {t('artifact.addTag')}
            </Button>
          </Group>
          {create.isError && (
            <Alert color="red" role="alert" mt="xs">
              {t('artifact.tagFailed', { message: create.error.message })}
            </Alert>
          )}
        </form>
      )}
      {tags.length === 0 ? (
        <EmptyState>{t('artifact.noTagsYet')}</EmptyState>
      ) : (
        <Table striped aria-label={t('artifact.tabTags')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('artifact.tagName')}</Table.Th>
              <Table.Th>{t('artifact.pushed')}</Table.Th>
              <Table.Th>{t('artifact.pulled')}</Table.Th>
              {canDelete && (
                <Table.Th>
                  <VisuallyHidden>{t('users.actions')}</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tags.map((tag) => (
              <Table.Tr key={tag.name} data-testid="tag-row">
                <Table.Td>
                  <Group gap={6}>
                    <Text size="sm" fw={500}>
                      {tag.name}
                    </Text>
                    {tag.immutable && (
                      <Badge size="xs" color="gray" variant="light">
                        {t('artifact.tagImmutable')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{formatDate(tag.push_time, i18n.language)}</Table.Td>
                <Table.Td>
                  {isSet(tag.pull_time) ? formatDate(tag.pull_time, i18n.language) : t('artifacts.never')}
                </Table.Td>
                {canDelete && (
                  <Table.Td ta="right">
                    <Tooltip label={t('artifact.deleteTag', { name: tag.name })} withArrow>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t('artifact.deleteTag', { name: tag.name })}
                        onClick={() => setDeleting(tag.name ?? '')}
                      >
                        <IconTrash size={16} aria-hidden />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmDialog
        opened={deleting !== null}
        title={t('artifact.deleteTagTitle')}
        message={t('artifact.deleteTagMessage', { name: deleting ?? '' })}
        confirmLabel={t('artifact.deleteTag', { name: deleting ?? '' })}
        danger
        loading={remove.isPending}
        error={remove.isError ? t('artifact.deleteTagFailed', { message: remove.error.message }) : null}
        onClose={closeDelete}
        onConfirm={() => deleting && remove.mutate(deleting, { onSuccess: closeDelete })}
      />
    </Stack>
  );
}
